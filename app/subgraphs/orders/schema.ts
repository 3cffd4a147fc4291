import { buildLocalSubgraph, type LocalSubgraph } from 'tessera-gateway';
import { readSdl } from '../sdl.js';
import type { OrdersSource } from './loaders.js';
import { createOrdersResolvers } from './resolvers.js';

/** `orders`: `Query.order`, `Mutation.createOrder`, the `Order` entity and `User.orders`, over the orders REST service. */
export function createOrdersSubgraph(orders: OrdersSource): LocalSubgraph {
  return buildLocalSubgraph({ name: 'orders', typeDefs: readSdl('orders'), resolvers: createOrdersResolvers(orders) });
}
