import { buildLocalSubgraph } from '../shared/build.js';
import type { LocalSubgraph } from '../shared/types.js';
import type { UsersSource } from './loaders.js';
import { createUsersResolvers } from './resolvers.js';

/** `users`: `Query.user`, `Query.users` and the `User` entity, over the users REST service. */
export function createUsersSubgraph(users: UsersSource): LocalSubgraph {
  return buildLocalSubgraph('users', createUsersResolvers(users));
}
