import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/devToken.js';
import { REVIEWS_SDL, startAllMocks, type MockSet } from '../../services-mock/index.js';
import { spawnGateway, type GatewayProcess } from '../helpers/processes.js';
import { ADMIN_TOKEN, admin, tempDir, writeSupergraphWithoutReviews } from '../helpers/registryFixtures.js';
import { scrapeMetrics } from '../helpers/prometheus.js';
import { mockEnv, postGraphQL, startStack, type Stack } from '../helpers/stack.js';

// The attack of the issue that brought demand control: four aliases, each six levels of
// `orders { user { orders … } }`, about 1 KB of query text. Unchecked it builds an answer of some
// hundred megabytes, and three at once killed a gateway with a 512 MB heap.
const nest = (levels: number): string => (levels === 0 ? 'id' : `orders { id total user { id ${nest(levels - 1)} } }`);
const AMPLIFICATION = `{ ${Array.from({ length: 4 }, (_, i) => `a${i}: user(id: "${i + 1}") { ${nest(6)} }`).join(' ')} }`;
const ALIAS_FLOOD = `{ ${Array.from({ length: 1500 }, (_, i) => `t${i}: __typename`).join(' ')} }`;
const NORMAL = '{ product(sku: "SKU-0001") { sku title } }';
const ATTACKER_SECRET = 'demand-control-test-secret-of-32-bytes';

/** A gateway in its own process, with the heap of a small container. */
async function smallGateway(mocks: MockSet, env: Record<string, string> = {}): Promise<GatewayProcess> {
  return spawnGateway({
    env: { ...mockEnv(mocks), LOG_LEVEL: 'warn', NODE_OPTIONS: '--max-old-space-size=512', RESPONSE_CACHE: 'false', ...env },
    readyTimeoutMs: 60_000,
  });
}

/** Three attacks at once and a normal query while they run; then the gateway must still answer. */
async function underAttack(gateway: GatewayProcess, query: string, headers: Record<string, string> = {}) {
  const attacks = Array.from({ length: 3 }, () => postGraphQL(gateway.url, query, undefined, headers));
  const normal = postGraphQL(gateway.url, NORMAL);
  const [results, answered] = await Promise.all([Promise.all(attacks), normal]);
  const alive = await fetch(`${gateway.url}/readiness`);
  return { results, answered, alive: alive.status };
}

describe('demand control against a gateway with a 512 MB heap', () => {
  let mocks: MockSet;
  beforeAll(async () => {
    mocks = await startAllMocks();
  });
  afterAll(() => mocks?.close());

  it('refuses three amplification queries at once before planning, with their estimated cost, and keeps serving', async () => {
    const gateway = await smallGateway(mocks);
    try {
      const before = mocks.orders.stats().total;
      const { results, answered, alive } = await underAttack(gateway, AMPLIFICATION);
      for (const { status, body } of results) {
        expect(status).toBe(400);
        expect(body.data).toBeUndefined();
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', maxCost: 20_000 });
        expect(body.errors![0]!.extensions!.cost).toBeGreaterThan(1e6);
        // A whole number, written with thousands separators in the message.
        expect(Number.isInteger(body.errors![0]!.extensions!.cost)).toBe(true);
        expect(body.errors![0]!.message).toMatch(/^The operation's estimated cost \(\d{1,3}(,\d{3})+\) exceeds the limit \(20,000\)\.$/);
      }
      // Refused before planning: no service was asked for anything.
      expect(mocks.orders.stats().total).toBe(before);
      expect(answered.status).toBe(200);
      expect(answered.body).toEqual({ data: { product: { sku: 'SKU-0001', title: expect.any(String) } } });
      expect(alive).toBe(200);
      const exposition = await scrapeMetrics(gateway.metricsUrl);
      expect(exposition.value('tessera_operation_limit_rejections_total', { limit: 'cost' })).toBe(3);
      expect(exposition.value('tessera_operation_cost_estimated_count')).toBeGreaterThanOrEqual(4);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  }, 90_000);

  it('in measure mode lets them run, and the answer-size limit cuts each one off with an error', async () => {
    const gateway = await smallGateway(mocks, { DEMAND_CONTROL_MODE: 'measure', MAX_HEAVY_OPERATIONS_PER_CLIENT: '5', JWT_SECRET: ATTACKER_SECRET });
    try {
      // Signed in, with every order's total readable: an anonymous attacker's answer stops at the
      // first private field, which keeps it small without the limit.
      const token = await signDevToken({ secret: ATTACKER_SECRET, sub: 'attacker', scopes: ['orders:read:all'] });
      const { results, answered, alive } = await underAttack(gateway, AMPLIFICATION, { authorization: `Bearer ${token}` });
      for (const { status, body } of results) {
        expect(status).toBe(200);
        const codes = (body.errors ?? []).map((e) => e.extensions?.code);
        expect(codes).toContain('RESPONSE_TOO_LARGE');
        // Subgraph errors are kept up to a hundred; one more says how many were left out.
        expect(body.errors!.length).toBeLessThanOrEqual(102);
        expect(JSON.stringify(body).length).toBeLessThan(1024 * 1024);
      }
      expect(answered.body.data?.product?.sku).toBe('SKU-0001');
      expect(alive).toBe(200);
      const exposition = await scrapeMetrics(gateway.metricsUrl);
      expect(exposition.value('tessera_operation_limit_rejections_total', { limit: 'cost_measured' })).toBe(3);
      expect(exposition.value('tessera_operation_cost_actual_count')).toBeGreaterThanOrEqual(1);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  }, 90_000);

  it('refuses three alias floods of 1,500 __typename at once with 400, and keeps serving', async () => {
    const gateway = await smallGateway(mocks);
    try {
      const { results, answered, alive } = await underAttack(gateway, ALIAS_FLOOD);
      for (const { status, body } of results) {
        expect(status).toBe(400);
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'aliases' });
      }
      expect(answered.status).toBe(200);
      expect(alive).toBe(200);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  }, 90_000);
});

describe('demand control in process', () => {
  let stack: Stack;
  const SECRET = 'demand-control-secret-of-at-least-32-bytes!';
  const token = (sub: string) => signDevToken({ secret: SECRET, sub, scopes: ['user:email'], ttlS: 600 });
  beforeAll(async () => {
    stack = await startStack({
      env: {
        JWT_SECRET: SECRET,
        // Anything over 100 is heavy here; one at a time, one per client, a short wait.
        HEAVY_OPERATION_COST: '100',
        MAX_HEAVY_OPERATIONS: '1',
        MAX_HEAVY_OPERATIONS_PER_CLIENT: '1',
        HEAVY_OPERATION_WAIT_MS: '200',
        MAX_SUBGRAPH_RESPONSE_BYTES: '4096',
      },
    });
  });
  afterAll(() => stack?.close());

  it("prices lists by the demo's @listSize: a small slice answers, a slice of 10,000 is refused with its cost", async () => {
    const { status, body } = await stack.query('{ topReviews(first: 3) { id rating } }');
    expect(status).toBe(200);
    expect(body.data.topReviews).toHaveLength(3);
    // first: 10000 is 10,000 reviews by the slicing argument: 30,000 with their authors and products.
    const big = await stack.query('{ topReviews(first: 10000) { id author { id } product { sku } } }');
    expect(big.status).toBe(400);
    expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', cost: 10_000 * 3, maxCost: 20_000 });
    // The same slice through a variable's default: variables are read as the executor coerces them.
    const byDefault = await stack.query('query ($n: Int = 10000) { topReviews(first: $n) { id author { id } product { sku } } }');
    expect(byDefault.status).toBe(400);
    expect(byDefault.body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', cost: 10_000 * 3 });
    const badVariable = await stack.query('query ($n: Int) { topReviews(first: $n) { id } }', { n: 'many' }, { accept: 'application/graphql-response+json' });
    expect(badVariable.status).toBe(400);
    expect(badVariable.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lets one heavy operation per client run at once: a second one of the same client gets 429, another client waits its turn', async () => {
    const heavy = '{ users(ids: ["1", "2"]) { id reviews { id } } }';
    stack.mocks.reviews.setFaults({ latencyMs: 700 });
    try {
      const a = `Bearer ${await token('1')}`;
      const b = `Bearer ${await token('2')}`;
      const first = stack.query(heavy, undefined, { authorization: a });
      await new Promise((r) => setTimeout(r, 150));
      const sameClient = await stack.query(heavy, undefined, { authorization: a });
      expect(sameClient.status).toBe(429);
      expect(sameClient.headers.get('retry-after')).toBe('1');
      expect(sameClient.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'heavyOperations' });
      // Another client waits up to HEAVY_OPERATION_WAIT_MS for the one slot, then is told the gateway is busy.
      const otherClient = await stack.query(heavy, undefined, { authorization: b });
      expect(otherClient.status).toBe(503);
      expect(otherClient.body.errors?.[0]?.extensions?.code).toBe('OVERLOADED');
      // A light operation never waits for the slot.
      expect((await stack.query(NORMAL, undefined, { authorization: b })).status).toBe(200);
      expect((await first).status).toBe(200);
      expect((await first).body.data.users).toHaveLength(2);
    } finally {
      stack.mocks.reviews.setFaults({});
    }
    // The slot is free again.
    expect((await stack.query(heavy, undefined, { authorization: `Bearer ${await token('2')}` })).status).toBe(200);
  });

  it('drops a remote subgraph answer larger than MAX_SUBGRAPH_RESPONSE_BYTES while reading it; the rest of the data stays', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const { status, body } = await stack.query('query ($ids: [ID!]!) { users(ids: $ids) { id reviews { id body } } }', { ids });
    expect(status).toBe(200);
    expect(body.data.users.map((u: { id: string }) => u.id)).toEqual(ids);
    for (const user of body.data.users) expect(user.reviews).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', serviceName: 'reviews', limit: 'subgraphResponseBytes' });
    // Small answers of the same subgraph still pass, and the breaker was not told it failed.
    expect((await stack.query('{ topReviews(first: 2) { id } }')).body.data.topReviews).toHaveLength(2);
  });

  it('caps the REST answers behind in-process subgraphs the same way', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => String(i + 1));
    const { status, body } = await stack.query('query ($ids: [ID!]!) { users(ids: $ids) { id name } }', { ids });
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', service: 'users', limit: 'subgraphResponseBytes' });
    expect((await stack.query('{ users(ids: ["1"]) { id name } }')).body.data.users).toEqual([{ id: '1', name: 'Ada Lovelace' }]);
  });
});

describe('the answer-size limit while the answer is shaped', () => {
  it('cuts an answer that outgrows MAX_RESPONSE_BYTES with RESPONSE_TOO_LARGE, and answers smaller ones whole', async () => {
    await using stack = await startStack({ env: { MAX_RESPONSE_BYTES: '4096' } });
    // topReviews comes from a remote subgraph: the gateway's shaping is what counts it.
    const { status, body } = await stack.query('{ topReviews(first: 100) { id body rating } }');
    expect({ status, body }).toMatchObject({ status: 200 });
    expect(body.data ?? null).toBeNull();
    expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RESPONSE_TOO_LARGE', limit: 'responseBytes', maxBytes: 4096 }) })]);
    expect((await stack.query('{ topReviews(first: 5) { id body rating } }')).body.data.topReviews).toHaveLength(5);
    // In-process subgraphs count their lists as they resolve: a nested answer stops growing there.
    const nested = await stack.query(`{ users(ids: ["1", "2", "3", "4", "5", "6", "7", "8"]) { id } }`);
    expect(nested.status).toBe(200);
    expect(nested.body.errors?.map((e) => e.extensions?.code)).toContain('RESPONSE_TOO_LARGE');
  });
});

describe('cost directives of a newly registered subgraph', () => {
  it('apply as soon as the graph recomposes: its @cost and @listSize, and a missing slicing argument refused', async () => {
    const mocks = await startAllMocks();
    const dir = await tempDir();
    try {
      await using stack = await startStack({
        mocks,
        env: { SUPERGRAPH_CONFIG: await writeSupergraphWithoutReviews(dir.path, mocks), DATA_DIR: join(dir.path, 'data'), ADMIN_TOKEN },
      });
      const sdl = REVIEWS_SDL.replace('["@key", "@listSize"]', '["@key", "@listSize", "@cost"]')
        .replace('topReviews(first: Int = 5): [Review!]! @listSize(slicingArguments: ["first"])', 'topReviews(first: Int, last: Int): [Review!]! @listSize(slicingArguments: ["first", "last"])')
        .replace('review(id: ID!): Review', 'review(id: ID!): Review @cost(weight: 25000)');
      expect(sdl).toContain('@cost(weight: 25000)');
      const registered = await admin(stack.url, 'PUT', '/admin/subgraphs/reviews', { url: `${mocks.reviews.url}/graphql`, sdl });
      expect(registered.status).toBe(200);

      expect((await stack.query('{ topReviews(first: 2) { id } }')).body.data.topReviews).toHaveLength(2);
      // A request error: 400 for application/graphql-response+json, 200 for plain application/json.
      const unsliced = await stack.query('{ topReviews { id } }', undefined, { accept: 'application/graphql-response+json' });
      expect(unsliced.status).toBe(400);
      expect(unsliced.body.errors?.[0]).toMatchObject({
        message: expect.stringContaining('Query.topReviews needs exactly one of its slicing arguments (first, last)'),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      const weighted = await stack.query('{ review(id: "1") { id } }');
      expect(weighted.status).toBe(400);
      expect(weighted.body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', cost: 25_000 });
    } finally {
      await mocks.close();
      await dir.remove();
    }
  });
});
