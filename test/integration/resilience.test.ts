import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphBreaker } from '../../src/gateway/circuitBreaker.js';
import { RetryBudget } from '../../src/gateway/retry.js';
import { SubgraphDataSource } from '../../src/gateway/subgraphCall/dataSource.js';
import { remoteSubgraphCall, type RemoteSubgraphOptions } from '../../src/gateway/subgraphCall/hooks.js';
import { metrics } from '../../src/observability/metrics.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const PRODUCT = '{ product(sku: "SKU-0002") { title reviews { rating } } }';

async function counterValue(counter: typeof metrics.subgraphRetries, subgraph: string): Promise<number> {
  return (await counter.get()).values.filter((v) => v.labels.subgraph === subgraph).reduce((sum, v) => sum + v.value, 0);
}

async function breakerState(subgraph: string): Promise<number | undefined> {
  return (await metrics.breakerState.get()).values.find((v) => v.labels.subgraph === subgraph)?.value;
}

describe('circuit breaker per subgraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { BREAKER_VOLUME_THRESHOLD: '3', BREAKER_ERROR_THRESHOLD_PERCENT: '50', BREAKER_RESET_MS: '1000', RETRY_MAX_ATTEMPTS: '0' },
    });
  });
  afterAll(() => stack.close());

  it('opens after failures, fails fast with partial data without calling the subgraph, and a probe closes it', async () => {
    const { reviews } = stack.mocks;
    // Healthy first.
    const ok = await stack.query(PRODUCT);
    expect(ok.body.errors).toBeUndefined();
    expect(Array.isArray(ok.body.data.product.reviews)).toBe(true);

    reviews.setFaults({ status: 500 });
    for (let i = 0; i < 3; i++) {
      const { status, body } = await stack.query(PRODUCT);
      expect(status).toBe(200);
      expect(body.data.product.title).toEqual(expect.any(String));
      expect(body.data.product.reviews).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    }
    expect(await breakerState('reviews')).toBe(2);

    // Open: the subgraph is now also slow, but nobody waits for it — it is not called at all.
    reviews.setFaults({ latencyMs: 5_000 });
    reviews.resetStats();
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const { status, body } = await stack.query(PRODUCT);
      expect(performance.now() - started).toBeLessThan(2_500);
      expect(status).toBe(200);
      expect(body.data.product.title).toEqual(expect.any(String));
      expect(body.data.product.reviews).toBeNull();
      expect(body.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews', breaker: 'open' }) }),
      ]);
    }
    expect(reviews.stats().total).toBe(0);

    // Back, and after the reset timeout one probe goes through and closes the breaker.
    reviews.clearFaults();
    await until('the breaker to half-open', async () => (await breakerState('reviews')) === 1, 5_000);
    const probe = await stack.query(PRODUCT);
    expect(probe.body.errors).toBeUndefined();
    expect(Array.isArray(probe.body.data.product.reviews)).toBe(true);
    expect(await breakerState('reviews')).toBe(0);
    expect(reviews.stats().total).toBe(1);
  });
});

describe('a hung subgraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    // The breaker's defaults, except a short reset so recovery fits in a test.
    stack = await startStack({ env: { SUBGRAPH_TIMEOUT_MS: '1000', BREAKER_RESET_MS: '1500' } });
  });
  afterAll(() => stack.close());

  const faults = (body: unknown) =>
    fetch(`${stack.mocks.reviews.url}/__faults`, { method: body ? 'PUT' : 'DELETE', headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : null });

  it('opens its breaker after a few timeouts, even with fewer callers than the volume threshold; requests then fail fast; it closes once the subgraph answers again', async () => {
    const { reviews } = stack.mocks;
    expect((await faults({ latencyMs: 30_000 })).status).toBe(200);
    // Five callers at once, each waiting out the timeout: half the window's volume threshold of 10.
    // Each asks for another product: identical calls in flight would share one call (useInflightDedup).
    const timedOut = await Promise.all(Array.from({ length: 5 }, (_, i) => stack.query(PRODUCT.replace('0002', `00${i + 21}`))));
    for (const { status, body } of timedOut) {
      expect(status).toBe(200);
      expect(body.data.product.title).toEqual(expect.any(String));
      expect(body.data.product.reviews).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'reviews' });
    }
    expect(await breakerState('reviews')).toBe(2);

    // Open: the subgraph is not called at all, and the answer says why.
    reviews.resetStats();
    for (let i = 0; i < 3; i++) {
      const { status, body } = await stack.query(PRODUCT);
      expect(status).toBe(200);
      expect(body.data.product.title).toEqual(expect.any(String));
      expect(body.data.product.reviews).toBeNull();
      expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'reviews', breaker: 'open' }) })]);
    }
    expect(reviews.stats().total).toBe(0);

    // Recovered: after the reset time one probe goes through and closes the breaker.
    expect((await faults(undefined)).status).toBe(200);
    await until('the breaker to half-open', async () => (await breakerState('reviews')) === 1, 5_000);
    const probe = await stack.query(PRODUCT);
    expect(probe.body.errors).toBeUndefined();
    expect(Array.isArray(probe.body.data.product.reviews)).toBe(true);
    expect(await breakerState('reviews')).toBe(0);
  });

  it('a hung REST service behind an in-process subgraph opens its breaker the same way', async () => {
    const { catalog } = stack.mocks;
    const QUERY = '{ user(id: "2") { name } product(sku: "SKU-0003") { title } }';
    // A product read while the service was healthy, and kept in the REST cache.
    const CACHED = QUERY.replace('0003', '0008');
    expect((await stack.query(CACHED)).body.errors).toBeUndefined();
    catalog.setFaults({ latencyMs: 30_000 });
    try {
      // Five products no test here has read (the REST cache would answer), so five calls: identical GETs in flight share one.
      const timedOut = await Promise.all([3, 4, 5, 6, 7].map((n) => stack.query(QUERY.replace('0003', `000${n}`))));
      for (const { body } of timedOut) {
        expect(body.data.user.name).toEqual(expect.any(String));
        expect(body.data.product).toBeNull();
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_TIMEOUT', service: 'catalog' });
      }
      expect(await breakerState('catalog')).toBe(2);
      catalog.resetStats();
      const { body } = await stack.query(QUERY);
      expect(body.data.user.name).toEqual(expect.any(String));
      expect(body.data.product).toBeNull();
      expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', service: 'catalog', breaker: 'open' }) })]);
      // What the REST cache holds still comes from there.
      const cached = await stack.query(CACHED);
      expect(cached.body.errors).toBeUndefined();
      expect(cached.body.data.product.title).toEqual(expect.any(String));
      expect(catalog.stats().total).toBe(0);
    } finally {
      catalog.clearFaults();
    }
    await until('the breaker to half-open', async () => (await breakerState('catalog')) === 1, 5_000);
    const probe = await stack.query(QUERY);
    expect(probe.body.errors).toBeUndefined();
    expect(probe.body.data.product.title).toEqual(expect.any(String));
    expect(await breakerState('catalog')).toBe(0);
  });
});

describe('retries', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { RETRY_MAX_ATTEMPTS: '2', RETRY_BASE_MS: '1000' } });
  });
  afterAll(() => stack.close());

  it('a query whose first attempt hits a refused connection succeeds on the retry', async () => {
    const { reviews } = stack.mocks;
    const before = await counterValue(metrics.subgraphRetries, 'reviews');
    await reviews.stop();
    const pending = stack.query(PRODUCT);
    // The first attempt failed and a retry is scheduled (backoff 500–1000 ms): bring the service back.
    await until('a retry', async () => (await counterValue(metrics.subgraphRetries, 'reviews')) > before);
    await reviews.resume();
    const { status, body } = await pending;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(Array.isArray(body.data.product.reviews)).toBe(true);
    expect(await counterValue(metrics.subgraphErrors, 'reviews')).toBeGreaterThan(0);
  });
});

describe('the remote data source retries queries, never mutations', () => {
  let resetting: NetServer;
  let unavailable: Server;
  let graphqlErrors: Server;
  let connections = 0;
  let hits = 0;
  const agent = new Agent({ keepAliveTimeout: 10 });
  const url = (server: NetServer | Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

  beforeAll(async () => {
    // Accepts each connection and closes it at once: the client sees a reset / "other side closed".
    resetting = createNetServer((socket) => {
      connections++;
      socket.destroy();
    });
    unavailable = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
    });
    graphqlErrors = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: null, errors: [{ message: 'no', extensions: { code: 'BAD_USER_INPUT' } }] }));
    });
    await new Promise<void>((r) => graphqlErrors.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => resetting.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => unavailable.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => resetting.close(r));
    await new Promise((r) => unavailable.close(r));
    await new Promise((r) => graphqlErrors.close(r));
    await agent.close();
  });

  /** A remote subgraph as the gateway builds it, with its hooks. */
  const remote = (options: Partial<RemoteSubgraphOptions> & { url: string }) =>
    new SubgraphDataSource(
      'svc',
      remoteSubgraphCall({ name: 'svc', dispatcher: agent, timeoutMs: 2_000, headersFor: () => ({}), cacheKeyHeaders: new Set(), metrics, ...options }),
    );
  const source = (target: string) => remote({ url: target, retry: { maxAttempts: 2, baseMs: 1, budget: new RetryBudget(1) } });
  const run = (ds: SubgraphDataSource, kind: 'query' | 'mutation') =>
    ds.process({
      kind: 'incoming operation',
      request: { query: kind === 'query' ? '{ a }' : 'mutation { b }', variables: {} },
      context: { requestId: 'r', headers: {}, exchange: {} },
      incomingRequestContext: { operation: { operation: kind } },
    } as never);

  it('a query is attempted 1 + RETRY_MAX_ATTEMPTS times on connection errors', async () => {
    connections = 0;
    await expect(run(source(url(resetting)), 'query')).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(connections).toBe(3);
  });

  it('a mutation is attempted once on a connection error', async () => {
    connections = 0;
    await expect(run(source(url(resetting)), 'mutation')).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(connections).toBe(1);
  });

  it('503: queries retried, mutations not', async () => {
    hits = 0;
    await expect(run(source(url(unavailable)), 'query')).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', status: 503 } });
    expect(hits).toBe(3);
    hits = 0;
    await expect(run(source(url(unavailable)), 'mutation')).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    expect(hits).toBe(1);
  });

  it('no retry once the budget is spent', async () => {
    connections = 0;
    const ds = remote({ url: url(resetting), retry: { maxAttempts: 2, baseMs: 1, budget: new RetryBudget(0, 10_000, 1) } });
    await expect(run(ds, 'query')).rejects.toBeDefined();
    await expect(run(ds, 'query')).rejects.toBeDefined();
    expect(connections).toBe(3); // 2 first attempts + the single retry the budget allowed
  });

  it('GraphQL errors in a 200 answer never open the breaker', async () => {
    const breaker = createSubgraphBreaker('svc', { errorThresholdPercent: 1, volumeThreshold: 1, resetMs: 60_000, windowMs: 10_000, consecutiveFailures: 5 });
    try {
      const ds = remote({ url: url(graphqlErrors), breaker });
      hits = 0;
      for (let i = 0; i < 5; i++) {
        const response = await run(ds, 'query');
        expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      expect(hits).toBe(5);
      expect(breaker.state).toBe('closed');
    } finally {
      breaker.shutdown();
    }
  });
});
