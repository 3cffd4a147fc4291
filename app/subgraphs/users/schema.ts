import { buildLocalSubgraph, type LocalSubgraph } from 'tessera-gateway';
import { readSdl } from '../sdl.js';
import type { UsersSource } from './loaders.js';
import { createUsersResolvers } from './resolvers.js';

/** `users`: `Query.user`, `Query.users` and the `User` entity, over the users REST service. */
export function createUsersSubgraph(users: UsersSource): LocalSubgraph {
  return buildLocalSubgraph({ name: 'users', typeDefs: readSdl('users'), resolvers: createUsersResolvers(users) });
}
