import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { composeFromSpecs } from '../../src/composition/loadSubgraphs.js';
import { demoAppWithHints, startGateway, type Gateway } from '../helpers/cacheStack.js';
import { REDIS_URL, redisScope, type RedisScope } from '../helpers/redis.js';

const PRODUCT = 'query ProductWithReviews($sku: ID!) { product(sku: $sku) { sku title price reviews { rating } } }';
const reviewCalls = (mocks: MockSet) => mocks.reviews.stats().routes['POST /graphql'] ?? 0;

describe('response cache on Redis', () => {
  let mocks: MockSet;
  let redis: RedisScope;
  let a: Gateway;
  let b: Gateway;

  beforeAll(async () => {
    redis = await redisScope();
    mocks = await startAllMocks();
    const env = { REDIS_URL, REDIS_PREFIX: redis.prefix };
    // Products live 1 s here, so the TTL test needs no long sleep.
    const app = demoAppWithHints({ Product: { maxAge: 1 } });
    a = await startGateway(mocks, env, app);
    b = await startGateway(mocks, env, app);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await mocks?.close();
    await redis?.close();
  });

  it('MISS then HIT without a second upstream call; MISS again after the TTL', async () => {
    const before = reviewCalls(mocks);
    const first = await a.query(PRODUCT, { sku: 'SKU-0004' });
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.headers.get('cache-control')).toBe('max-age=1, public');
    expect(reviewCalls(mocks)).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 50)); // the entry is written after the response is sent

    const second = await a.query(PRODUCT, { sku: 'SKU-0004' });
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.headers.get('age')).toBe('0');
    expect(second.body).toEqual(first.body);
    expect(reviewCalls(mocks)).toBe(before + 1);
    expect(await redis.keys('cache:responses{0}::*')).not.toHaveLength(0);

    await new Promise((r) => setTimeout(r, 1_100));
    const third = await a.query(PRODUCT, { sku: 'SKU-0004' });
    expect(third.headers.get('x-cache')).toBe('MISS');
    expect(third.body).toEqual(first.body);
    expect(reviewCalls(mocks)).toBe(before + 2);
  });

  it('replica B answers a HIT for an entry replica A filled', async () => {
    const first = await a.query(PRODUCT, { sku: 'SKU-0006' });
    expect(first.headers.get('x-cache')).toBe('MISS');
    await new Promise((r) => setTimeout(r, 50));
    const before = reviewCalls(mocks);
    const onB = await b.query(PRODUCT, { sku: 'SKU-0006' });
    expect(onB.headers.get('x-cache')).toBe('HIT');
    expect(onB.body).toEqual(first.body);
    expect(reviewCalls(mocks)).toBe(before);
  });

  it('never stores a response with errors', async () => {
    const query = '{ product(sku: "SKU-9999") { sku title } }';
    const first = await a.query(query);
    expect(first.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(first.headers.get('cache-control')).toBe('no-store');
    await new Promise((r) => setTimeout(r, 50));
    const second = await a.query(query);
    expect(second.headers.get('x-cache')).toBe('MISS');
  });

  it('serves no entry of an old composition after the supergraph changes', async () => {
    const query = '{ product(sku: "SKU-0008") { sku title } }';
    expect((await a.query(query)).headers.get('x-cache')).toBe('MISS');
    await new Promise((r) => setTimeout(r, 50));
    expect((await a.query(query)).headers.get('x-cache')).toBe('HIT');

    // Recompose without the inventory subgraph, as removing it from the registry would.
    const source = a.app.config.supergraph;
    if (source.kind !== 'compose') throw new Error('the demo composes its supergraph');
    const oldId = a.app.manager.state?.id;
    const sdl = await composeFromSpecs(
      source.subgraphs.filter((s) => s.name !== 'inventory'),
      { timeoutMs: 2_000 },
    );
    const state = await a.app.manager.apply(sdl);
    expect(state.id).not.toBe(oldId);

    const after = await a.query(query);
    expect(after.body.errors).toBeUndefined();
    expect(after.headers.get('x-cache')).toBe('MISS');
    // B still serves the old composition, and its entries are still good for it.
    expect((await b.query(query)).headers.get('x-cache')).toBe('HIT');
  });

  it('a hit inside a batch is the stored data, as a hit alone is', async () => {
    const batching = await startGateway(mocks, { REDIS_URL, REDIS_PREFIX: redis.prefix, BATCH_MAX_OPERATIONS: '5' }, demoAppWithHints({ Product: { maxAge: 30 } }));
    try {
      const alone = await batching.query(PRODUCT, { sku: 'SKU-0010' });
      await new Promise((r) => setTimeout(r, 50));
      const hit = await batching.query(PRODUCT, { sku: 'SKU-0010' });
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect(hit.body).toEqual(alone.body);
      const res = await fetch(`${batching.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { query: PRODUCT, variables: { sku: 'SKU-0010' } },
          { query: '{ product(sku: "SKU-0011") { sku } }' },
        ]),
      });
      const batch = (await res.json()) as unknown[];
      expect(batch).toHaveLength(2);
      expect(batch[0]).toEqual(alone.body);
      expect(batch[1]).toEqual({ data: { product: { sku: 'SKU-0011' } } });
    } finally {
      await batching.close();
    }
  });

  it("each operation of a batch keeps its own cache policy; the batch's one HTTP answer is not for reuse", async () => {
    const batching = await startGateway(mocks, { REDIS_URL, REDIS_PREFIX: redis.prefix, BATCH_MAX_OPERATIONS: '5' });
    try {
      // The users service answers `private`: without a viewer's sub that answer is never stored.
      const user = 'query BatchedUser { user(id: "2") { name } }';
      const res = await fetch(`${batching.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: user }, { query: '{ product(sku: "SKU-0012") { sku } }' }]),
      });
      const batch = (await res.json()) as { data: any }[];
      expect(batch[0]!.data.user.name).toEqual(expect.any(String));
      // Two answers with two policies in one body: no single Cache-Control could be true of both.
      expect(res.headers.get('cache-control')).toBe('no-store');
      await new Promise((r) => setTimeout(r, 50));
      const alone = await batching.query(user);
      expect(alone.headers.get('x-cache')).toBe('MISS');
      expect(alone.headers.get('cache-control')).toBe('max-age=30, private');
    } finally {
      await batching.close();
    }
  });

  it('bypasses mutations and introspection-free non-queries: no x-cache header', async () => {
    const res = await a.query('mutation { createOrder(input: { userId: "1", items: [] }) { id } }');
    expect(res.headers.get('x-cache')).toBeNull();
  });
});
