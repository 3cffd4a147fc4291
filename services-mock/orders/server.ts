import { seed, type SeedData } from '../data/seed.js';
import { batchLookup } from '../lib/batch.js';
import { json, limitParam, listParam, missingParam } from '../lib/http.js';
import { startMockService } from '../lib/service.js';
import type { MockService, Route, StartOptions } from '../lib/types.js';
import { OrderStore } from './store.js';

export const ORDERS_CACHE_CONTROL = 'private, max-age=30';

/** Routes over a fresh store: orders created through one set of routes are not seen by another. */
export function ordersRoutes(data: SeedData = seed()): Route[] {
  const store = new OrderStore(
    data.orders,
    new Map(data.users.map((u) => [u.id, u])),
    new Map(data.products.map((p) => [p.sku, p])),
  );
  const ok = (body: unknown) => json(200, body, { 'cache-control': ORDERS_CACHE_CONTROL });
  return [
    {
      method: 'GET',
      pattern: '/orders',
      handler: (req) => {
        const ids = listParam(req.query, 'ids');
        const userIds = listParam(req.query, 'userIds');
        const userId = req.query.get('userId');
        if ([ids, userIds, userId].filter((p) => p !== undefined && p !== null).length > 1) {
          return json(400, { error: 'invalid parameter', parameter: 'ids', message: 'use one of ids, userIds or userId' });
        }
        if (ids) return ok(batchLookup(ids, (id) => store.get(id)));
        if (!userId && !userIds) return missingParam('userId', 'userIds', 'ids');
        const limit = limitParam(req.query, undefined);
        if (!limit.ok) return limit.response;
        // Batch by user: `limit` applies per user; users come back in no promised order.
        if (userIds) return ok([...new Set(userIds)].reverse().flatMap((id) => store.forUser(id, limit.limit)));
        return ok(store.forUser(userId!, limit.limit));
      },
    },
    {
      method: 'GET',
      pattern: '/orders/:id',
      handler: (req) => {
        const id = req.params.id!;
        const order = store.get(id);
        return order ? ok(order) : json(404, { error: 'order not found', id });
      },
    },
    {
      method: 'POST',
      pattern: '/orders',
      handler: (req) => {
        let input: unknown;
        try {
          input = JSON.parse(req.body);
        } catch {
          return json(400, { error: 'invalid order', field: 'body', message: 'must be valid JSON' });
        }
        const result = store.create(input);
        return result.ok
          ? json(201, result.order, { location: `/orders/${result.order.id}`, 'cache-control': 'no-store' })
          : json(400, result.error);
      },
    },
  ];
}

export function startOrders(options: StartOptions): Promise<MockService> {
  return startMockService('orders', ordersRoutes(), options);
}
