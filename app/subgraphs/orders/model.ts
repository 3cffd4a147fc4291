import { z } from 'zod';
import type { OrderStatus } from './__generated__/resolvers-types.js';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED'] as const satisfies readonly OrderStatus[];

/** An order as the orders REST service sends it. */
export const RestOrder = z.object({
  id: z.string(),
  userId: z.string(),
  status: z.enum(ORDER_STATUSES),
  createdAt: z.string(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPrice: z.number() })),
  total: z.number(),
});
export type RestOrder = z.infer<typeof RestOrder>;

/** Body of `POST /orders`. */
export interface RestCreateOrder {
  readonly userId: string;
  readonly items: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
}

/** Parent of `OrderItem` resolvers: the product is still a bare sku. */
export interface OrderItemModel {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/** Parent of `Order` resolvers: the user is still a bare id. */
export interface OrderModel {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly total: number;
  readonly items: OrderItemModel[];
}

/** A `User` as this subgraph knows it: a key. */
export interface UserRef {
  readonly id: string;
}

/** A `Product` as this subgraph knows it: a key, resolved by the catalog subgraph. */
export interface ProductRef {
  readonly sku: string;
}
