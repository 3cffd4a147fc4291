import type { Resolvers } from './__generated__/resolvers-types.js';
import type { UsersSource } from './loaders.js';

export function createUsersResolvers(users: UsersSource): Resolvers {
  return {
    Query: {
      user: (_, { id }, ctx) => users.loaders(ctx).userById.load(id),
      // One promise per id: an unknown id nulls its own position only.
      users: (_, { ids }, ctx) => ids.map((id) => users.loaders(ctx).userById.load(id)),
    },
    User: {
      __resolveReference: (ref, ctx) => users.loaders(ctx).userById.load(ref.id),
    },
  };
}
