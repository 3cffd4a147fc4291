import type DataLoader from 'dataloader';
import { createBatchLoader, fromRestError, keyList, notFound, perRequest, restCallOptions, type RestClient, type SubgraphContext } from 'tessera-gateway';
import { parseUsers } from './mappers.js';
import type { UserModel } from './model.js';

export interface UsersLoaders {
  /** `GET /users?ids=…`; an unknown id rejects with NOT_FOUND. */
  readonly userById: DataLoader<string, UserModel>;
}

/** The users REST service as the subgraphs see it. */
export interface UsersSource {
  /** This request's loaders, created on first use. */
  loaders(ctx: SubgraphContext): UsersLoaders;
}

export function createUserLoader(
  fetchUsers: (ids: readonly string[]) => Promise<readonly UserModel[]>,
  maxBatchSize?: number,
): DataLoader<string, UserModel> {
  return createBatchLoader({ fetchMany: fetchUsers, keyOf: (user) => user.id, missing: (id) => notFound('User', id), maxBatchSize });
}

export function createUsersSource(client: RestClient, options: { maxBatchSize?: number | undefined } = {}): UsersSource {
  const fetchUsers = async (ctx: SubgraphContext, ids: readonly string[]): Promise<UserModel[]> => {
    try {
      return await client.get('/users', parseUsers, { ...restCallOptions(ctx), query: { ids: keyList(ids) } });
    } catch (err) {
      throw fromRestError(ctx, err, 'User');
    }
  };

  return {
    // One set of loaders per request, never per process: a DataLoader keeps everything it loaded,
    // so a shared one would hand one viewer's data to the next and never see an update.
    loaders: perRequest((ctx) => ({ userById: createUserLoader((ids) => fetchUsers(ctx, ids), options.maxBatchSize) })),
  };
}
