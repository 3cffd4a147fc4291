import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/devToken.js';
import type { GatewayProcess } from '../helpers/processes.js';
import { startRedisCluster, type RedisClusterHarness } from '../helpers/redisCluster.js';
import { admin } from '../helpers/registryFixtures.js';
import { readiness, REVIEWS_QUERY, sharedRedisRegistry, type SharedRegistry } from '../helpers/sharedRegistry.js';
import { postGraphQL, type GraphQLResponse } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const JWT_SECRET = 'redis-cluster-replicas-secret-of-32-bytes-or-more';
const bearer = async (sub: string) => ({ authorization: `Bearer ${await signDevToken({ secret: JWT_SECRET, sub })}` });
/** `user` is limited (RATE_LIMIT_FIELDS below), `product` is not. */
const LIMITED = '{ user(id: "1") { id } product(sku: "SKU-0007") { sku } }';
/** Cacheable (Product: maxAge 60, public) and unlimited. */
const PRODUCT = 'query Product($sku: ID!) { product(sku: $sku) { sku title price } }';
const servedUser = (r: GraphQLResponse) => r.body.data?.user?.id === '1' && !r.body.errors;

/**
 * Three gateway processes on a three-master Redis Cluster: the registry, response cache and field
 * limits all shared through it, and what each does while one master is gone (docs/redis-cluster.md).
 */
describe('three replicas on a three-master Redis Cluster', () => {
  let cluster: RedisClusterHarness;
  let shared: SharedRegistry;
  let gateways: GatewayProcess[] = [];
  /** One product through one replica: answered in full, whatever Redis does; says whether it was a cache hit. */
  const product = async (g: GatewayProcess, n: number) => {
    const sku = `SKU-${String(n).padStart(4, '0')}`;
    const res = await postGraphQL(g.url, PRODUCT, { sku });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.product?.sku).toBe(sku);
    return res.headers.get('x-cache');
  };
  /** The counter of `Query.user`'s limit for one signed-in viewer. */
  const counterKey = (sub: string) => `${shared.prefix}rl:Query.user:5/60s:viewer:user:${sub}`;
  /** `count` requests for the limited field by one viewer, spread over the replicas at once. */
  const spend = async (sub: string, count: number) => {
    const headers = await bearer(sub);
    return Promise.all(Array.from({ length: count }, (_, i) => postGraphQL(gateways[i % 3]!.url, LIMITED, undefined, headers)));
  };

  beforeAll(async () => {
    cluster = await startRedisCluster();
    shared = await sharedRedisRegistry(
      {
        JWT_SECRET,
        RATE_LIMIT_FIELDS: 'Query.user=5/60s',
        // Long enough that a busy machine never counts a live master's answer as a failure.
        RATE_LIMIT_TIMEOUT_MS: '1000',
        CACHE_TIMEOUT_MS: '1000',
        REGISTRY_POLL_MS: '1000',
      },
      { clusterSeeds: cluster.seeds },
    );
    gateways = await shared.startReplicas(3);
  }, 120_000);

  afterAll(async () => {
    await shared?.close();
    await cluster?.close();
    // No replica crashed or saw an unhandled rejection, the lost master included.
    for (const g of gateways) expect(g.output()).not.toMatch(/unhandled|uncaught/i);
  }, 60_000);

  it('a subgraph published through one replica is served by all three, on one composition', async () => {
    for (const g of gateways) expect((await postGraphQL(g.url, REVIEWS_QUERY)).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const published = await admin(gateways[1]!.url, 'PUT', '/admin/subgraphs/reviews', { url: `${shared.mocks.reviews.url}/graphql` });
    expect(published.status).toBe(200);
    await Promise.all(gateways.map((g) => until(`${g.url} to serve reviews`, async () => !(await postGraphQL(g.url, REVIEWS_QUERY)).body.errors)));
    const ids = new Set((await Promise.all(gateways.map(readiness))).map((r) => r.compositionId));
    expect(ids.size).toBe(1);
  });

  it('a per-field limit of 5 holds exactly across the three under 30 concurrent requests', async () => {
    const results = await spend('ada', 30);
    expect(results.filter(servedUser)).toHaveLength(5);
    const limited = results.filter((r) => r.body.data?.user === null);
    expect(limited).toHaveLength(25);
    for (const r of limited) {
      expect(r.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['user'], 'RATE_LIMITED']]);
      expect(r.body.data?.product).toEqual({ sku: 'SKU-0007' });
    }
    // Every replica refused some: the count is shared, not per process.
    expect(new Set(results.map((r, i) => (r.body.data?.user === null ? i % 3 : -1)).filter((i) => i >= 0)).size).toBe(3);
  });

  it('a response cached through one replica is a hit on the other two', async () => {
    expect(await product(gateways[0]!, 11)).toBe('MISS');
    await until('the entry to be written', async () => (await product(gateways[1]!, 11)) === 'HIT');
    expect(await product(gateways[2]!, 11)).toBe('HIT');
  });

  it('one master stopped mid-run: every cached or unlimited read is answered, its slots miss and the limiter follows its policy; all back when it returns', async () => {
    // The master that holds the registry: the worst one to lose.
    const lost = await cluster.ownerOf(shared.key('version'));
    const skus = Array.from({ length: 24 }, (_, i) => 100 + i);
    for (const n of skus) await product(gateways[0]!, n);
    await until('every entry to be cached', async () => (await Promise.all(skus.map((n) => product(gateways[1]!, n)))).every((c) => c === 'HIT'));
    // Fresh viewers whose counters live on the master that goes, and one whose counter stays.
    let n = 0;
    const viewerOn = async (master: (port: number) => boolean) => {
      for (;;) {
        const sub = `viewer-${n++}`;
        if (master(await cluster.ownerOf(counterKey(sub)))) return sub;
      }
    };
    const onLost = await viewerOn((port) => port === lost);
    const onLive = await viewerOn((port) => port !== lost);
    expect((await spend(onLost, 1)).filter(servedUser)).toHaveLength(1);
    expect(await cluster.keysOn(lost, counterKey(onLost))).toEqual([counterKey(onLost)]);

    await cluster.stop(lost);

    // Reads: all answered, from the masters left (hits) or the subgraphs (the lost slots miss).
    const outcomes = await Promise.all(skus.map((n, i) => product(gateways[i % 3]!, n)));
    expect(outcomes.filter((c) => c === 'HIT').length).toBeGreaterThan(0);
    expect(outcomes.filter((c) => c === 'MISS').length).toBeGreaterThan(0);
    for (const [i, n] of [400, 401, 402].entries()) await product(gateways[i]!, n);
    // Limits: counters on the masters left stay exact; the lost one's count in each replica's memory
    // (RATE_LIMIT_ON_STORE_ERROR=memory), so its viewer is served rather than refused.
    expect((await spend(onLive, 7)).filter(servedUser)).toHaveLength(5);
    const degraded = await spend(onLost, 6);
    expect(degraded.filter(servedUser)).toHaveLength(6);
    await until('a replica to log the limiter outage', () => gateways.some((g) => /rate-limit store failed; following the outage policy/.test(g.output())));
    // The registry: a change is refused with REGISTRY_UNAVAILABLE and the served graph stays.
    const refused = await admin(gateways[2]!.url, 'DELETE', '/admin/subgraphs/reviews');
    expect(refused.status).toBe(503);
    expect(refused.body.errors.map((e: { code: string }) => e.code)).toEqual(['REGISTRY_UNAVAILABLE']);
    for (const g of gateways) expect((await postGraphQL(g.url, REVIEWS_QUERY)).body.errors).toBeUndefined();
    for (const g of gateways) expect((await fetch(`${g.url}/readiness`)).status).toBe(200);

    await cluster.start(lost);

    // It came back empty (no persistence): a replica puts the registry back at the version served.
    await until('the registry to be restored on the master that returned', async () => (await cluster.keysOn(lost, shared.key('subgraphs'))).length === 1, 20_000);
    // The cache fills its lost slots again and hits on every replica.
    await until(
      'every entry to be a hit again',
      async () => {
        const again = await Promise.all(skus.map((n, i) => product(gateways[i % 3]!, n)));
        return again.every((c) => c === 'HIT');
      },
      20_000,
    );
    // The limiter counts in Redis again, on every replica (each one's client reconnects on its own),
    // and exactly: the returned master's counters restarted at zero.
    for (const g of gateways) {
      await until(`${g.url} to count on the returned master`, async () => {
        const probe = await viewerOn((port) => port === lost);
        await postGraphQL(g.url, LIMITED, undefined, await bearer(probe));
        return (await cluster.keysOn(lost, counterKey(probe))).length === 1;
      });
    }
    expect((await spend(await viewerOn((port) => port === lost), 7)).filter(servedUser)).toHaveLength(5);
    for (const g of gateways) expect((await postGraphQL(g.url, REVIEWS_QUERY)).body.errors).toBeUndefined();
  });
});
