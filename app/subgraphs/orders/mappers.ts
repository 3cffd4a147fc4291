import { z } from 'zod';
import type { CreateOrderInput } from './__generated__/resolvers-types.js';
import { RestOrder, type OrderModel, type RestCreateOrder } from './model.js';

export function toOrder(raw: RestOrder): OrderModel {
  return {
    id: raw.id,
    userId: raw.userId,
    status: raw.status,
    createdAt: raw.createdAt,
    total: raw.total,
    items: raw.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: item.unitPrice })),
  };
}

/** The REST body for `createOrder`; field names match, so a 400's `field` names the GraphQL input field too. */
export function toCreateOrderBody(input: CreateOrderInput): RestCreateOrder {
  return { userId: input.userId, items: input.items.map((item) => ({ sku: item.sku, quantity: item.quantity })) };
}

/** Body of `GET /orders?…`. Throws on an unexpected shape. */
export function parseOrders(json: unknown): OrderModel[] {
  return z.array(RestOrder).parse(json).map(toOrder);
}

/** Body of `GET /orders/:id` and `POST /orders`. Throws on an unexpected shape. */
export function parseOrder(json: unknown): OrderModel {
  return toOrder(RestOrder.parse(json));
}
