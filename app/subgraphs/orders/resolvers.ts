import { badUserInput } from 'tessera-gateway';
import type { Resolvers } from './__generated__/resolvers-types.js';
import type { OrdersSource } from './loaders.js';

export function createOrdersResolvers(orders: OrdersSource): Resolvers {
  return {
    Query: {
      order: (_, { id }, ctx) => orders.loaders(ctx).orderById.load(id),
    },
    Mutation: {
      createOrder: (_, { input }, ctx) => orders.create(ctx, input),
    },
    Order: {
      __resolveReference: (ref, ctx) => orders.loaders(ctx).orderById.load(ref.id),
      user: (order) => ({ id: order.userId }),
    },
    OrderItem: {
      product: (item) => ({ sku: item.sku }),
    },
    User: {
      // Nothing to fetch: the key is all this subgraph needs to list a user's orders.
      __resolveReference: (ref) => ({ id: ref.id }),
      orders: (user, { first }, ctx) => {
        if (first === null || first === undefined) return orders.byUser(ctx, user.id);
        if (!Number.isInteger(first) || first < 0) throw badUserInput('first must be zero or more', 'first');
        return first === 0 ? [] : orders.byUser(ctx, user.id, first);
      },
    },
  };
}
