import { buildLocalSubgraph } from '../shared/build.js';
import type { LocalSubgraph } from '../shared/types.js';
import type { OrdersSource } from './loaders.js';
import { createOrdersResolvers } from './resolvers.js';

/** `orders`: `Query.order`, `Mutation.createOrder`, the `Order` entity and `User.orders`, over the orders REST service. */
export function createOrdersSubgraph(orders: OrdersSource): LocalSubgraph {
  return buildLocalSubgraph('orders', createOrdersResolvers(orders));
}
