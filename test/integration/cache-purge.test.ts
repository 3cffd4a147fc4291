import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { startGateway, TEST_JWT_SECRET, type Gateway } from '../helpers/cacheStack.js';
import { REDIS_URL, redisScope, type RedisScope } from '../helpers/redis.js';

const ADMIN_TOKEN = 'cache-admin-token-0123456789';
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('invalidation', () => {
  let mocks: MockSet;
  let redis: RedisScope;
  let a: Gateway;
  let b: Gateway;
  let ada: Record<string, string>;

  beforeAll(async () => {
    redis = await redisScope();
    mocks = await startAllMocks();
    const env = { REDIS_URL, REDIS_PREFIX: redis.prefix, ADMIN_TOKEN };
    a = await startGateway(mocks, env);
    b = await startGateway(mocks, env);
    ada = { authorization: `Bearer ${await signDevToken({ secret: TEST_JWT_SECRET, sub: '1', scopes: [] })}` };
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await mocks?.close();
    await redis?.close();
  });

  const purge = (gateway: Gateway, body: unknown, token = ADMIN_TOKEN) =>
    fetch(`${gateway.url}/admin/cache/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a mutation with a purge rule makes the next read a MISS with fresh data, on every replica', async () => {
    const query = 'query AdaOrders { user(id: "1") { orders { id status } } }';
    const before = await a.query(query, undefined, ada);
    expect(before.body.errors).toBeUndefined();
    await settle();
    expect((await a.query(query, undefined, ada)).headers.get('x-cache')).toBe('HIT');
    expect((await b.query(query, undefined, ada)).headers.get('x-cache')).toBe('HIT');

    const created = await a.query(
      'mutation Place($input: CreateOrderInput!) { createOrder(input: $input) { id status } }',
      { input: { userId: '1', items: [{ sku: 'SKU-0001', quantity: 2 }] } },
      ada,
    );
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createOrder.id;

    // The other replica misses (the purge is shared) and reads fresh data through the REST cache too.
    const after = await b.query(query, undefined, ada);
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.body.data.user.orders.map((o: { id: string }) => o.id)).toContain(id);
    expect(after.body.data.user.orders).toHaveLength(before.body.data.user.orders.length + 1);
    // …and its fresh answer is what the first replica now serves.
    await settle();
    const again = await a.query(query, undefined, ada);
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.body).toEqual(after.body);
  });

  it('entries of other data survive a purge rule', async () => {
    const product = '{ product(sku: "SKU-0020") { sku title } }';
    await a.query(product);
    await settle();
    await a.query('mutation { createOrder(input: { userId: "1", items: [{ sku: "SKU-0002", quantity: 1 }] }) { id } }', undefined, ada);
    expect((await a.query(product)).headers.get('x-cache')).toBe('HIT');
  });

  it('POST /admin/cache/purge drops the entries of one operation, or all of them; admins only', async () => {
    const one = 'query One { product(sku: "SKU-0030") { title } }';
    const two = 'query Two { product(sku: "SKU-0031") { title } }';
    await a.query(one);
    await a.query(two);
    await settle();
    expect((await a.query(one)).headers.get('x-cache')).toBe('HIT');

    expect((await purge(a, {}, 'not-the-admin-token-at-all')).status).toBe(401);
    expect((await a.query(one)).headers.get('x-cache')).toBe('HIT');

    const byName = await purge(a, { operationName: 'One' });
    expect(byName.status).toBe(200);
    expect(((await byName.json()) as { purged: number }).purged).toBeGreaterThanOrEqual(1);
    expect((await b.query(one)).headers.get('x-cache')).toBe('MISS');
    expect((await b.query(two)).headers.get('x-cache')).toBe('HIT');

    await settle();
    const all = await purge(b, {});
    expect(all.status).toBe(200);
    // Entries and their tag indexes are gone, found through the store's own indexes.
    expect(await redis.keys('cache:responses*')).toEqual([]);
    expect((await a.query(one)).headers.get('x-cache')).toBe('MISS');
    expect((await a.query(two)).headers.get('x-cache')).toBe('MISS');

    expect((await purge(a, { operationName: 'One', tags: ['x'] })).status).toBe(400);
  });
});
