import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { startGateway, TEST_JWT_SECRET, type Gateway } from '../helpers/cacheStack.js';
import { REDIS_URL, redisScope, type RedisScope } from '../helpers/redis.js';

describe('upstream REST caching in the shared store', () => {
  let mocks: MockSet;
  let redis: RedisScope;
  let a: Gateway;
  let b: Gateway;

  beforeAll(async () => {
    redis = await redisScope();
    mocks = await startAllMocks();
    // Whole-response caching off: every GraphQL request runs, so only the REST cache can save calls.
    const env = { REDIS_URL, REDIS_PREFIX: redis.prefix, RESPONSE_CACHE: 'false' };
    a = await startGateway(mocks, env);
    b = await startGateway(mocks, env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await mocks?.close();
    await redis?.close();
  });

  const settle = () => new Promise((r) => setTimeout(r, 50));

  it('two identical reads cost one upstream call, on either replica (Cache-Control: public)', async () => {
    const calls = () => mocks.catalog.stats().total;
    const before = calls();
    const query = '{ product(sku: "SKU-0042") { sku title price } }';
    const first = await a.query(query);
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('x-cache')).toBeNull();
    await settle();
    const second = await a.query(query);
    const third = await b.query(query);
    expect(second.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    expect(calls()).toBe(before + 1);
    expect(await redis.keys('cache:rest::*')).not.toHaveLength(0);
  });

  it('private REST answers are cached per viewer only', async () => {
    const token = async (sub: string) => ({ authorization: `Bearer ${await signDevToken({ secret: TEST_JWT_SECRET, sub })}` });
    const calls = () => mocks.users.stats().total;
    const query = '{ user(id: "7") { id name } }';
    const before = calls();
    await a.query(query, undefined, await token('7'));
    await settle();
    await b.query(query, undefined, await token('7'));
    expect(calls()).toBe(before + 1);
    await a.query(query, undefined, await token('8'));
    expect(calls()).toBe(before + 2);
    // Anonymous: a private answer is never stored for a viewer without a sub.
    await a.query(query);
    await settle();
    await a.query(query);
    expect(calls()).toBe(before + 4);
  });

  it('identical GETs in flight at the same time share one upstream call', async () => {
    const calls = () => mocks.catalog.stats().total;
    mocks.catalog.setFaults({ latencyMs: 150 });
    try {
      const before = calls();
      const query = '{ product(sku: "SKU-0043") { sku title } }';
      const results = await Promise.all([a.query(query), a.query(query), a.query(query)]);
      for (const r of results) expect(r.body.data.product.sku).toBe('SKU-0043');
      expect(calls()).toBe(before + 1);
    } finally {
      mocks.catalog.clearFaults();
    }
  });
});
