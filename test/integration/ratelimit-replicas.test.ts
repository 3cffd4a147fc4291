import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { spawnGateway, type GatewayProcess } from '../helpers/processes.js';
import { redisScope, type RedisScope } from '../helpers/redis.js';
import { redisProxy } from '../helpers/redisProxy.js';
import { mockEnv, postGraphQL, type GraphQLResponse } from '../helpers/stack.js';

const JWT_SECRET = 'ratelimit-replicas-secret-of-at-least-32-bytes';
const bearer = async (sub: string) => ({ authorization: `Bearer ${await signDevToken({ secret: JWT_SECRET, sub })}` });
const codesOf = (res: GraphQLResponse) => (res.body.errors ?? []).map((e) => e.extensions?.code);

let mocks: MockSet;
let redis: RedisScope;
let proxy: Awaited<ReturnType<typeof redisProxy>>;
let open: GatewayProcess;
let closed: GatewayProcess;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  redis = await redisScope();
  mocks = await startAllMocks();
  proxy = await redisProxy(Number(new URL(process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379').port || 6379));
  const env = {
    ...mockEnv(mocks),
    JWT_SECRET,
    REDIS_URL: proxy.url,
    REDIS_PREFIX: redis.prefix,
    RATE_LIMIT_FIELDS: 'Query.product=10/60s',
    // Long enough that a busy machine never trips it while Redis answers (a timed-out count on the
    // memory replica would serve an eleventh request), short enough for the outage test.
    RATE_LIMIT_TIMEOUT_MS: '1000',
    RESPONSE_CACHE: 'false',
    LOG_LEVEL: 'warn',
  };
  // One replica counts in memory when Redis fails, the other refuses.
  [open, closed] = await Promise.all([
    spawnGateway({ env: { ...env, RATE_LIMIT_ON_STORE_ERROR: 'memory' } }),
    spawnGateway({ env: { ...env, RATE_LIMIT_ON_STORE_ERROR: 'closed' } }),
  ]);
  // Both replicas count in Redis before the test starts: a warm-up spend of each shows up there.
  for (const [i, gateway] of [open, closed].entries()) {
    const headers = await bearer(`warm-up-${i}`);
    for (let attempt = 0; ; attempt++) {
      await postGraphQL(gateway.url, '{ product(sku: "SKU-0001") { sku } }', undefined, headers);
      if ((await redis.keys(`rl:*warm-up-${i}`)).length > 0) break;
      if (attempt > 50) throw new Error(`replica ${i} never counted in Redis:\n${gateway.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}, 120_000);

afterAll(async () => {
  const codes = await Promise.all([open?.stop(), closed?.stop()]);
  await proxy?.close();
  await mocks?.close();
  await redis?.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
  // Neither replica crashed or saw an unhandled rejection, Redis outage included.
  expect(codes).toEqual([0, 0]);
  for (const gateway of [open, closed]) expect(gateway?.output()).not.toMatch(/unhandled|uncaught/i);
});

describe('field limits shared by two gateway processes through one Redis', () => {
  it('30 concurrent requests spread over both replicas: exactly 10 get the field, 20 get RATE_LIMITED at its path', async () => {
    const headers = await bearer('ada');
    const query = '{ product(sku: "SKU-0007") { sku } user(id: "1") { id } }';
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => postGraphQL((i % 2 ? open : closed).url, query, undefined, headers)));
    const served = results.filter((r) => r.body.data?.product?.sku === 'SKU-0007' && !r.body.errors);
    const limited = results.filter((r) => r.body.data?.product === null);
    expect(served).toHaveLength(10);
    expect(limited).toHaveLength(20);
    for (const r of limited) {
      expect(r.body.errors).toHaveLength(1);
      expect(r.body.errors![0]).toMatchObject({ path: ['product'], extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
      // The other field is served.
      expect(r.body.data?.user).toEqual({ id: '1' });
    }
    // Both replicas took part in refusing.
    expect(new Set(results.map((r, i) => (r.body.data?.product === null ? i % 2 : -1)).filter((x) => x >= 0)).size).toBe(2);
    // Refusals are logged for operators (once per limit and request), naming the rule.
    await new Promise((r) => setTimeout(r, 100));
    expect(`${open.output()}${closed.output()}`).toMatch(/"rule":"Query\.product:10\/60s:viewer".*"msg":"field rate limited"/);
  });

  it('Redis stops answering: requests are answered within the timeout, each replica following its outage policy', async () => {
    proxy.freeze();
    try {
      const query = '{ product(sku: "SKU-0003") { sku } user(id: "1") { id } }';
      const headers = await bearer('grace');
      for (let i = 0; i < 3; i++) {
        const [fromOpen, fromClosed] = await Promise.all(
          [open, closed].map(async (gateway) => {
            const started = Date.now();
            const res = await postGraphQL(gateway.url, query, undefined, headers);
            return { res, ms: Date.now() - started };
          }),
        );
        // A hang would be unbounded; the limiter gives up after its 1 s timeout.
        expect(fromOpen!.ms).toBeLessThan(5_000);
        expect(fromClosed!.ms).toBeLessThan(5_000);
        // memory: counted in the replica's own memory, so the field is served.
        expect(fromOpen!.res.body.data).toEqual({ product: { sku: 'SKU-0003' }, user: { id: '1' } });
        expect(fromOpen!.res.body.errors).toBeUndefined();
        // closed: the limited field is refused, the rest is served.
        expect(fromClosed!.res.body.data).toEqual({ product: null, user: { id: '1' } });
        expect(codesOf(fromClosed!.res)).toEqual(['RATE_LIMITED']);
      }
    } finally {
      proxy.thaw();
    }
    // Redis is back: the closed replica serves again once its client has reconnected.
    const headers = await bearer('after-outage');
    let res: GraphQLResponse | undefined;
    for (let attempt = 0; attempt < 60; attempt++) {
      res = await postGraphQL(closed.url, '{ product(sku: "SKU-0003") { sku } }', undefined, headers);
      if (!res.body.errors) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(res!.body.data).toEqual({ product: { sku: 'SKU-0003' } });
    expect((await redis.keys('rl:*after-outage')).length).toBe(1);
  });
});
