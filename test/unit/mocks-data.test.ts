import { describe, expect, it } from 'vitest';
import { mulberry32, sample } from '../../services-mock/data/prng.js';
import { buildSeed, seed, skuNumber } from '../../services-mock/data/seed.js';
import { inStock, shippingEstimate } from '../../services-mock/inventory/schema.js';
import { batchLookup } from '../../services-mock/lib/batch.js';
import { parseFaults } from '../../services-mock/lib/faults.js';
import { createRouter } from '../../services-mock/lib/router.js';
import { OrderStore } from '../../services-mock/orders/store.js';
import type { Route } from '../../services-mock/lib/types.js';

describe('seed data', () => {
  const data = seed();

  it('has the documented sizes and user 1', () => {
    expect(data.users).toHaveLength(200);
    expect(data.products).toHaveLength(500);
    expect(data.orders).toHaveLength(2000);
    expect(data.reviews).toHaveLength(1500);
    expect(data.users[0]).toMatchObject({ id: '1', name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(data.products[0]!.sku).toBe('SKU-0001');
    expect(data.products[499]!.sku).toBe('SKU-0500');
    expect(data.reviews[0]!.id).toBe('r1');
  });

  it('is deterministic and frozen', () => {
    expect(buildSeed()).toEqual(data);
    expect(Object.isFrozen(data.orders[0]!.items)).toBe(true);
  });

  it('gives every user an order and every even product a review', () => {
    const owners = new Set(data.orders.map((o) => o.userId));
    for (const u of data.users) expect(owners.has(u.id)).toBe(true);
    const reviewed = new Set(data.reviews.map((r) => r.sku));
    for (const p of data.products) if (skuNumber(p.sku) % 2 === 0) expect(reviewed.has(p.sku)).toBe(true);
  });

  it('keeps orders consistent with the catalog', () => {
    const price = new Map(data.products.map((p) => [p.sku, p.price]));
    for (const o of data.orders) {
      expect(o.items.length).toBeGreaterThanOrEqual(1);
      expect(o.items.length).toBeLessThanOrEqual(4);
      for (const it of o.items) expect(it.unitPrice).toBe(price.get(it.sku));
      const sum = o.items.reduce((s, it) => s + it.quantity * it.unitPrice, 0);
      expect(o.total).toBeCloseTo(sum, 2);
    }
  });
});

describe('prng', () => {
  it('repeats for the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('samples distinct items', () => {
    const picked = sample(mulberry32(1), [1, 2, 3, 4, 5, 6], 4);
    expect(new Set(picked).size).toBe(4);
  });
});

describe('batchLookup', () => {
  const table = new Map(['a', 'b', 'c', 'd', 'e'].map((k) => [k, k.toUpperCase()]));

  it('omits unknown ids, dedupes and never answers in request order', () => {
    const ids = ['a', 'b', 'zz', 'c', 'd', 'e', 'a'];
    const out = batchLookup(ids, (id) => table.get(id));
    expect([...out].sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(out).not.toEqual(['A', 'B', 'C', 'D', 'E']);
    for (const pair of [['a', 'b'], ['b', 'a'], ['c', 'e']]) {
      const found = batchLookup(pair, (id) => table.get(id));
      expect(found).toEqual([...pair].reverse().map((k) => k.toUpperCase()));
    }
  });
});

describe('router', () => {
  const h = () => ({ status: 200, body: null });
  const routes: Route[] = [
    { method: 'GET', pattern: '/products/:sku', handler: h },
    { method: 'GET', pattern: '/products/search', handler: h },
    { method: 'POST', pattern: '/orders', handler: h },
  ];
  const match = createRouter(routes);

  it('prefers literal segments and decodes params', () => {
    const search = match('GET', '/products/search');
    expect(search.kind === 'found' && search.match.route.pattern).toBe('/products/search');
    const sku = match('GET', '/products/SKU%2D0001');
    expect(sku.kind === 'found' && sku.match.params).toEqual({ sku: 'SKU-0001' });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(match('GET', '/orders')).toEqual({ kind: 'method', allow: ['POST'] });
    expect(match('GET', '/nope')).toEqual({ kind: 'none' });
  });
});

describe('parseFaults', () => {
  it('accepts known faults and rejects the rest', () => {
    expect(parseFaults({ latencyMs: 5, status: 503, invalidBody: true, refuse: false })).toEqual({
      ok: true,
      faults: { latencyMs: 5, status: 503, invalidBody: true, refuse: false },
    });
    expect(parseFaults({ status: 99 }).ok).toBe(false);
    expect(parseFaults({ latency: 5 }).ok).toBe(false);
    expect(parseFaults([]).ok).toBe(false);
  });
});

describe('OrderStore', () => {
  const data = seed();
  const store = () =>
    new OrderStore(
      data.orders,
      new Map(data.users.map((u) => [u.id, u])),
      new Map(data.products.map((p) => [p.sku, p])),
      () => new Date('2030-01-01T00:00:00Z'),
    );

  it('lists a user’s orders newest first and honours the limit', () => {
    const orders = store().forUser('1');
    expect(orders.length).toBeGreaterThan(0);
    for (let i = 1; i < orders.length; i++) expect(orders[i - 1]!.createdAt >= orders[i]!.createdAt).toBe(true);
    expect(store().forUser('1', 1)).toEqual(orders.slice(0, 1));
  });

  it('names the first invalid field', () => {
    const s = store();
    expect(s.create({ userId: '999', items: [] })).toMatchObject({ ok: false, error: { field: 'userId' } });
    expect(s.create({ userId: '1', items: [] })).toMatchObject({ ok: false, error: { field: 'items' } });
    expect(s.create({ userId: '1', items: [{ sku: 'SKU-9999', quantity: 1 }] })).toMatchObject({
      ok: false,
      error: { field: 'items[0].sku' },
    });
    expect(s.create({ userId: '1', items: [{ sku: 'SKU-0001', quantity: 1 }, { sku: 'SKU-0002', quantity: 1.5 }] })).toEqual({
      ok: false,
      error: { error: 'invalid order', field: 'items[1].quantity', message: 'must be a positive integer' },
    });
  });

  it('creates orders after the seeded ids, newest first for the user', () => {
    const s = store();
    const created = s.create({ userId: '1', items: [{ sku: 'SKU-0001', quantity: 2 }] });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.order).toMatchObject({ id: '2001', status: 'PENDING', createdAt: '2030-01-01T00:00:00.000Z' });
    expect(created.order.total).toBeCloseTo(data.products[0]!.price * 2, 2);
    expect(s.forUser('1', 1)[0]!.id).toBe('2001');
  });
});

describe('inventory rules', () => {
  it('marks skus divisible by 7 out of stock and ships free above 100', () => {
    expect(inStock('SKU-0007')).toBe(false);
    expect(inStock('SKU-0008')).toBe(true);
    expect(shippingEstimate(100.5, 9)).toBe(0);
    expect(shippingEstimate(100, 1.2)).toBe(3);
  });
});
