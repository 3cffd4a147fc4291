import DataLoader from 'dataloader';
import { createBatchLoader, fromRestError, keyList, notFound, perRequest, restCallOptions, type RestClient, type SubgraphContext } from 'tessera-gateway';
import type { CreateOrderInput } from './__generated__/resolvers-types.js';
import { parseOrder, parseOrders, toCreateOrderBody } from './mappers.js';
import type { OrderModel } from './model.js';

export interface OrdersLoaders {
  /** `GET /orders?ids=…`; an unknown id rejects with NOT_FOUND. */
  readonly orderById: DataLoader<string, OrderModel>;
  /** `GET /orders?userIds=…&limit=N`, keyed by `userKey(userId, limit)`; a user without orders gets `[]`. */
  readonly ordersByUser: DataLoader<string, OrderModel[]>;
}

/** The `ordersByUser` key: one user's orders, at most `limit` of them. */
export const userKey = (userId: string, limit: number | undefined): string => `${limit ?? ''}:${userId}`;

/**
 * Loads the orders of many users with one call per distinct limit, matched by user id (the
 * service answers users in no promised order). Pure over `fetchForUsers`.
 */
export function createOrdersByUserLoader(
  fetchForUsers: (userIds: readonly string[], limit: number | undefined) => Promise<readonly OrderModel[]>,
  maxBatchSize?: number,
): DataLoader<string, OrderModel[]> {
  return new DataLoader<string, OrderModel[]>(
    async (keys) => {
      const byLimit = new Map<string, string[]>();
      for (const key of keys) {
        const split = key.indexOf(':');
        const limit = key.slice(0, split);
        const users = byLimit.get(limit) ?? [];
        users.push(key.slice(split + 1));
        byLimit.set(limit, users);
      }
      const found = new Map<string, OrderModel[]>();
      await Promise.all(
        [...byLimit].map(async ([limit, userIds]) => {
          for (const order of await fetchForUsers(userIds, limit === '' ? undefined : Number(limit))) {
            const key = `${limit}:${order.userId}`;
            const list = found.get(key) ?? [];
            list.push(order);
            found.set(key, list);
          }
        }),
      );
      return keys.map((key) => found.get(key) ?? []);
    },
    { maxBatchSize },
  );
}

/** The orders REST service as the subgraphs see it. Every order read here primes `orderById`. */
export interface OrdersSource {
  /** This request's loaders, created on first use. */
  loaders(ctx: SubgraphContext): OrdersLoaders;
  /** A user's orders, newest first (`GET /orders?userId=…[&limit=N]`). */
  byUser(ctx: SubgraphContext, userId: string, limit?: number): Promise<OrderModel[]>;
  /** `POST /orders`; a 400 becomes BAD_USER_INPUT naming the field. */
  create(ctx: SubgraphContext, input: CreateOrderInput): Promise<OrderModel>;
}

export function createOrderLoader(
  fetchOrders: (ids: readonly string[]) => Promise<readonly OrderModel[]>,
  maxBatchSize?: number,
): DataLoader<string, OrderModel> {
  return createBatchLoader({ fetchMany: fetchOrders, keyOf: (order) => order.id, missing: (id) => notFound('Order', id), maxBatchSize });
}

export function createOrdersSource(client: RestClient, options: { maxBatchSize?: number | undefined } = {}): OrdersSource {
  const call = async <T>(ctx: SubgraphContext, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw fromRestError(ctx, err, 'Order');
    }
  };

  // One set of loaders per request, never per process: a DataLoader keeps everything it loaded,
  // so a shared one would hand one viewer's data to the next and never see an update.
  const loaders = perRequest(
    (ctx: SubgraphContext): OrdersLoaders => ({
      orderById: createOrderLoader(
        (ids) => call(ctx, () => client.get('/orders', parseOrders, { ...restCallOptions(ctx), query: { ids: keyList(ids) } })),
        options.maxBatchSize,
      ),
      ordersByUser: createOrdersByUserLoader(
        (userIds, limit) =>
          call(ctx, () => client.get('/orders', parseOrders, { ...restCallOptions(ctx), query: { userIds: keyList(userIds), limit } })),
        options.maxBatchSize,
      ),
    }),
  );

  const prime = (ctx: SubgraphContext, orders: readonly OrderModel[]): void => {
    const { orderById } = loaders(ctx);
    for (const order of orders) orderById.prime(order.id, order);
  };

  return {
    loaders,
    async byUser(ctx, userId, limit) {
      // Through a loader: twenty users' orders in one query cost one upstream call, not twenty.
      const orders = await loaders(ctx).ordersByUser.load(userKey(userId, limit));
      prime(ctx, orders);
      return orders;
    },
    async create(ctx, input) {
      const order = await call(ctx, () => client.post('/orders', toCreateOrderBody(input), parseOrder, restCallOptions(ctx)));
      prime(ctx, [order]);
      return order;
    },
  };
}
