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
        const userId = req.query.get('userId');
        if (ids && userId !== null) {
          return json(400, { error: 'invalid parameter', parameter: 'ids', message: 'use either ids or userId, not both' });
        }
        if (ids) return ok(batchLookup(ids, (id) => store.get(id)));
        if (!userId) return missingParam('userId', 'ids');
        const limit = limitParam(req.query, undefined);
        return limit.ok ? ok(store.forUser(userId, limit.limit)) : limit.response;
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
