import { seed, type User } from '../data/seed.js';
import { batchLookup } from '../lib/batch.js';
import { json, listParam, missingParam } from '../lib/http.js';
import { startMockService } from '../lib/service.js';
import type { MockService, Route, StartOptions } from '../lib/types.js';

export const USERS_CACHE_CONTROL = 'private, max-age=30';

export function usersRoutes(users: readonly User[] = seed().users): Route[] {
  const byId = new Map(users.map((u) => [u.id, u]));
  const ok = (body: unknown) => json(200, body, { 'cache-control': USERS_CACHE_CONTROL });
  return [
    {
      method: 'GET',
      pattern: '/users',
      handler: (req) => {
        const ids = listParam(req.query, 'ids');
        return ids ? ok(batchLookup(ids, (id) => byId.get(id))) : missingParam('ids');
      },
    },
    {
      method: 'GET',
      pattern: '/users/:id',
      handler: (req) => {
        const id = req.params.id!;
        const user = byId.get(id);
        return user ? ok(user) : json(404, { error: 'user not found', id });
      },
    },
  ];
}

export function startUsers(options: StartOptions): Promise<MockService> {
  return startMockService('users', usersRoutes(), options);
}
