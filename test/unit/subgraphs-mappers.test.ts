import { describe, expect, it } from 'vitest';
import { parseProducts, toProduct } from '../../app/subgraphs/catalog/mappers.js';
import { parseOrder, parseOrders, toCreateOrderBody, toOrder } from '../../app/subgraphs/orders/mappers.js';
import { parseUsers, toUser } from '../../app/subgraphs/users/mappers.js';

const restUser = { id: '1', name: 'Ada Lovelace', email: 'ada@example.com', createdAt: '2024-01-02T03:04:05.000Z' };
const restOrder = {
  id: '7',
  userId: '1',
  status: 'SHIPPED' as const,
  createdAt: '2024-02-01T00:00:00.000Z',
  items: [{ sku: 'SKU-0001', quantity: 2, unitPrice: 12.5 }],
  total: 25,
};
const restProduct = { sku: 'SKU-0001', title: 'Lamp', description: 'A lamp', price: 12.5, category: 'home', weight: 1.2 };

describe('users mappers', () => {
  it('maps a REST user', () => {
    expect(toUser(restUser)).toEqual(restUser);
  });

  it('drops fields the REST service adds', () => {
    expect(parseUsers([{ ...restUser, passwordHash: 'x' }])).toEqual([restUser]);
  });

  it('throws on an unexpected shape', () => {
    expect(() => parseUsers([{ id: 1, name: 'no' }])).toThrow();
    expect(() => parseUsers({ users: [] })).toThrow();
  });
});

describe('orders mappers', () => {
  it('keeps the user and products as keys for the gateway to resolve', () => {
    expect(toOrder(restOrder)).toEqual({
      id: '7',
      userId: '1',
      status: 'SHIPPED',
      createdAt: '2024-02-01T00:00:00.000Z',
      total: 25,
      items: [{ sku: 'SKU-0001', quantity: 2, unitPrice: 12.5 }],
    });
  });

  it('rejects a status the schema does not know', () => {
    expect(() => parseOrder({ ...restOrder, status: 'LOST' })).toThrow();
    expect(parseOrders([restOrder])).toHaveLength(1);
  });

  it('builds the POST body from the GraphQL input', () => {
    expect(toCreateOrderBody({ userId: '1', items: [{ sku: 'SKU-0002', quantity: 3 }] })).toEqual({
      userId: '1',
      items: [{ sku: 'SKU-0002', quantity: 3 }],
    });
  });
});

describe('catalog mappers', () => {
  it('maps a REST product', () => {
    expect(toProduct(restProduct)).toEqual(restProduct);
    expect(parseProducts([restProduct, { ...restProduct, sku: 'SKU-0002' }]).map((p) => p.sku)).toEqual(['SKU-0001', 'SKU-0002']);
  });

  it('throws when a number comes as a string', () => {
    expect(() => parseProducts([{ ...restProduct, price: '12.5' }])).toThrow();
  });
});
