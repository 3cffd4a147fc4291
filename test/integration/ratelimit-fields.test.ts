import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/devToken.js';
import { redisScope, REDIS_URL, type RedisScope } from '../helpers/redis.js';
import { startStack, type GraphQLResponse, type Stack } from '../helpers/stack.js';

const JWT_SECRET = 'ratelimit-test-secret-of-at-least-32-bytes';
const bearer = async (sub: string) => ({ authorization: `Bearer ${await signDevToken({ secret: JWT_SECRET, sub })}` });
const codesOf = (res: GraphQLResponse) => (res.body.errors ?? []).map((e) => e.extensions?.code);

let redis: RedisScope;
const stacks: Stack[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  redis = await redisScope();
});

afterAll(async () => {
  for (const stack of stacks) await stack.close();
  await redis?.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/** A gateway in this process whose counters live in the test's Redis prefix. */
async function stack(env: Record<string, string> = {}, prefix = `${redis.prefix}${stacks.length}:`): Promise<Stack> {
  const started = await startStack({ env: { JWT_SECRET, REDIS_URL, REDIS_PREFIX: prefix, RATE_LIMIT_TIMEOUT_MS: '500', ...env } });
  stacks.push(started);
  return started;
}

describe('field rate limits (rules in the edge rule tree)', () => {
  it('the demo limit: Query.searchProducts 5 per 10 s per viewer; then null + RATE_LIMITED at its path, search not called', async () => {
    const s = await stack();
    const query = '{ product(sku: "SKU-0001") { sku } searchProducts(query: "a", first: 1) { sku } }';
    const ada = await bearer('ada');
    for (let i = 0; i < 5; i++) {
      const res = await s.query(query, undefined, ada);
      expect(res.body.errors, JSON.stringify(res.body)).toBeUndefined();
      expect(res.body.data.searchProducts).toHaveLength(1);
    }
    const searches = s.mocks.catalog.stats().routes['GET /products/search'];
    const limited = await s.query(query, undefined, ada);
    expect(limited.status).toBe(200);
    // searchProducts is non-null ([Product!]!), so its null nulls `data`, as a failed resolver's would.
    expect(limited.body.data).toBeNull();
    expect(limited.body.errors).toHaveLength(1);
    const [error] = limited.body.errors!;
    expect(error!.path).toEqual(['searchProducts']);
    expect(error!.extensions?.code).toBe('RATE_LIMITED');
    expect(error!.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    expect(error!.extensions?.retryAfter).toBeLessThanOrEqual(10);
    // The limited field was pruned before planning: the search endpoint saw nothing more.
    expect(s.mocks.catalog.stats().routes['GET /products/search']).toBe(searches);
    // Another viewer, and the anonymous viewer (per IP), have their own budgets.
    expect(codesOf(await s.query(query, undefined, await bearer('grace')))).toEqual([]);
    expect(codesOf(await s.query(query))).toEqual([]);
    // The rejection is counted for operators, by rule and client profile.
    const metrics = await (await fetch(s.metricsUrl)).text();
    expect(metrics).toMatch(/tessera_rate_limit_rejections_total\{rule="Query\.searchProducts:5\/10s:viewer",client="default"\} [1-9]/);
  });

  it('20 aliases of a field limited to 10 spend 20 and get at most 10; the first ones win', async () => {
    const s = await stack({ RATE_LIMIT_FIELDS: 'Query.product=10/60s' });
    const aliases = Array.from({ length: 20 }, (_, i) => `p${i}: product(sku: "SKU-000${(i % 9) + 1}") { sku }`).join(' ');
    const res = await s.query(`{ ${aliases} }`, undefined, await bearer('ada'));
    const data = res.body.data as Record<string, { sku: string } | null>;
    const served = Object.keys(data).filter((k) => data[k] !== null);
    expect(served).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`));
    expect(res.body.errors).toHaveLength(10);
    for (const error of res.body.errors!) expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(res.body.errors!.map((e) => e.path![0]).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `p${i + 10}`).sort());
    // 20 spent in one atomic round trip.
    const keys = await redis.keys(`${s.env.REDIS_PREFIX!.slice(redis.prefix.length)}rl:*`);
    expect(keys).toHaveLength(1);
    expect(Number(await redis.client.get(keys[0]!))).toBe(20);
    // The budget is gone for the window.
    const next = await s.query('{ product(sku: "SKU-0001") { sku } }', undefined, await bearer('ada'));
    expect(codesOf(next)).toEqual(['RATE_LIMITED']);
  });

  it('a field inside a named fragment spends once per path the fragment is spread at', async () => {
    const s = await stack({ RATE_LIMIT_FIELDS: 'Product.title=3/60s' });
    const query = `{ ${Array.from({ length: 4 }, (_, i) => `p${i}: product(sku: "SKU-000${i + 1}") { ...T }`).join(' ')} }
      fragment T on Product { sku title }`;
    const res = await s.query(query, undefined, await bearer('ada'));
    // One field node, four paths: four spends over a budget of three → the field is refused at every path.
    expect(codesOf(res)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // title is non-null: its null propagates to the (nullable) product, as a failed resolver's would.
    expect(res.body.data).toEqual({ p0: null, p1: null, p2: null, p3: null });
    expect(res.body.errors!.map((e) => e.path)).toEqual([['p0', 'title'], ['p1', 'title'], ['p2', 'title'], ['p3', 'title']]);
  });

  it('two viewers have independent budgets, and a 1 s window resets', async () => {
    const s = await stack({ RATE_LIMIT_FIELDS: 'Query.product=2/1s' });
    const query = '{ product(sku: "SKU-0001") { sku } }';
    const [ada, grace] = [await bearer('ada'), await bearer('grace')];
    // Aligned to a fresh window so all six requests fall into it.
    const outcomes = async (headers: Record<string, string>) => {
      const out: string[] = [];
      for (let i = 0; i < 3; i++) out.push(codesOf(await s.query(query, undefined, headers))[0] ?? 'OK');
      return out;
    };
    let first: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const [a, g] = await Promise.all([outcomes(ada), outcomes(grace)]);
      first = [...a, ...g];
      if (first.join() === 'OK,OK,RATE_LIMITED,OK,OK,RATE_LIMITED') break;
      await new Promise((r) => setTimeout(r, 1_100));
    }
    expect(first).toEqual(['OK', 'OK', 'RATE_LIMITED', 'OK', 'OK', 'RATE_LIMITED']);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(codesOf(await s.query(query, undefined, ada))).toEqual([]);
  });

  it('a limited field stays limited on a response-cache HIT: the policy runs before the cache is read', async () => {
    const s = await stack({ RATE_LIMIT_FIELDS: 'Query.product=1/60s', RESPONSE_CACHE: 'true' });
    const query = '{ product(sku: "SKU-0042") { sku title } }';
    const [ada, grace] = [await bearer('ada'), await bearer('grace')];
    const first = await s.query(query, undefined, ada);
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('x-cache')).toBe('MISS');
    // Stored after the response is sent; the same viewer class (no scopes) shares the PUBLIC entry.
    let hit: GraphQLResponse | undefined;
    for (let i = 0; i < 50 && hit?.headers.get('x-cache') !== 'HIT'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      hit = await s.query(query, undefined, grace);
      if (codesOf(hit).length > 0) break;
    }
    // Grace's first request was a HIT, and it still spent Grace's budget.
    expect(hit!.headers.get('x-cache')).toBe('HIT');
    expect(hit!.body.data).toEqual(first.body.data);
    const graceAgain = await s.query(query, undefined, grace);
    expect(codesOf(graceAgain)).toEqual(['RATE_LIMITED']);
    // Nothing is left to run; the nullable root field is null, as if its resolver had failed.
    expect(graceAgain.body.data).toEqual({ product: null });
    // Ada's budget is spent: the cached answer is not served to her.
    const adaAgain = await s.query(query, undefined, ada);
    expect(adaAgain.body.data).toEqual({ product: null });
    expect(codesOf(adaAgain)).toEqual(['RATE_LIMITED']);
    expect(adaAgain.headers.get('x-cache')).not.toBe('HIT');
  });
});

describe('request limits per client', () => {
  it('over the budget: 429 with Retry-After, RateLimit-* and a GraphQL error; allowed answers carry RateLimit-*', async () => {
    const s = await stack({ RATE_LIMIT_DEFAULT: '3/30s' });
    const ada = await bearer('ada');
    for (let i = 0; i < 3; i++) {
      const res = await s.query('{ product(sku: "SKU-0001") { sku } }', undefined, ada);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      expect(res.headers.get('ratelimit-remaining')).toBe(String(2 - i));
      const reset = Number(res.headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(30);
    }
    const refused = await s.query('{ product(sku: "SKU-0001") { sku } }', undefined, ada);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(refused.headers.get('ratelimit-limit')).toBe('3');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    // Another identity is not affected.
    expect((await s.query('{ product(sku: "SKU-0001") { sku } }', undefined, await bearer('grace'))).status).toBe(200);
  });

  it("a client profile is chosen by the credential's client; the client-name header opens no budget of its own", async () => {
    // The demo app's profile: nightly-export gets 60/60s whatever RATE_LIMIT_DEFAULT says.
    const s = await stack({ RATE_LIMIT_DEFAULT: '1/30s' });
    const query = '{ product(sku: "SKU-0001") { sku } }';
    const exporter = { authorization: `Bearer ${await signDevToken({ secret: JWT_SECRET, sub: 'exporter', client: 'nightly-export' })}` };
    const res = await s.query(query, undefined, exporter);
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe('60');
    expect((await s.query(query, undefined, exporter)).status).toBe(200);

    // The header alone is the caller's own word: the default budget, one counter whatever the name.
    const ada = await bearer('ada');
    const named = (client: string) => s.query(query, undefined, { ...ada, 'apollographql-client-name': client });
    const first = await named('nightly-export');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('1');
    expect((await named('nightly-export')).status).toBe(429);
    expect((await named('another-name')).status).toBe(429);
    expect((await s.query(query, undefined, ada)).status).toBe(429);
    const metrics = await (await fetch(s.metricsUrl)).text();
    expect(metrics).toMatch(/tessera_rate_limit_rejections_total\{rule="request",client="default"\} [1-9]/);
  });

  it('every request counts: refused at parse, validation, an APQ miss, a bad body or a bad credential', async () => {
    const s = await stack({ RATE_LIMIT_DEFAULT: '5/30s' });
    const ada = await bearer('ada');
    const post = (body: string, headers: Record<string, string> = ada) =>
      fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const parse = await post(JSON.stringify({ query: '{ product(' }));
    expect(parse.headers.get('ratelimit-remaining')).toBe('4');
    expect(((await parse.json()) as GraphQLResponse['body']).errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await post(JSON.stringify({ query: '{ noSuchField }' }));
    expect(((await invalid.json()) as GraphQLResponse['body']).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const apqMiss = await post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }));
    expect(((await apqMiss.json()) as GraphQLResponse['body']).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const badJson = await post('{ not json');
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('ratelimit-remaining')).toBe('1');
    expect((await post(JSON.stringify({ query: '{ product(sku: "SKU-0001") { sku } }' }))).status).toBe(200);
    const refused = await post(JSON.stringify({ query: '{ product(sku: "SKU-0001") { sku } }' }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await refused.json()) as GraphQLResponse['body']).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    // A refused credential is no identity: its attempts count against the address, then 429 instead of 401.
    const guess = () => post(JSON.stringify({ query: '{ __typename }' }), { authorization: 'Bearer not.a.token' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await guess()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // The anonymous caller at that address has spent the same budget.
    expect((await s.query('{ __typename }')).status).toBe(429);
  });

  it('batched HTTP operations: every operation counts, for request and field limits', async () => {
    const s = await stack({ BATCH_MAX_OPERATIONS: '10', RATE_LIMIT_DEFAULT: '5/30s', RATE_LIMIT_FIELDS: 'Query.product=2/30s' });
    const ada = await bearer('ada');
    const op = { query: '{ product(sku: "SKU-0001") { sku } }' };
    const batch = (size: number) =>
      fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...ada }, body: JSON.stringify(Array(size).fill(op)) });
    const res = await batch(4);
    const body = (await res.json()) as GraphQLResponse['body'][];
    expect(body).toHaveLength(4);
    expect(res.headers.get('ratelimit-remaining')).toBe('1');
    // The operations run concurrently: all 4 pass the request limit, 2 of them get the field.
    const served = body.filter((b) => !b.errors && b.data?.product?.sku === 'SKU-0001');
    const fieldLimited = body.filter((b) => b.errors?.[0]?.extensions?.code === 'RATE_LIMITED' && b.data?.product === null);
    expect([served.length, fieldLimited.length]).toEqual([2, 2]);
    // Every refused field has its error at its path, even though the operations were parsed concurrently.
    for (const b of fieldLimited) expect(b.errors![0]!.path).toEqual(['product']);
    // Two more operations do not fit the one left: the whole batch is refused.
    const over = await batch(2);
    expect(over.status).toBe(429);
    expect(((await over.json()) as GraphQLResponse['body']).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('identical operations parsed concurrently in one batch are each denied (the policy plan matches its own document)', async () => {
    const s = await stack({ BATCH_MAX_OPERATIONS: '10' });
    const op = { query: '{ user(id: "1") { id email } }' };
    const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([op, op, op, op]) });
    const body = (await res.json()) as GraphQLResponse['body'][];
    for (const b of body) {
      expect(b.data).toEqual({ user: { id: '1', email: null } });
      expect(b.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['UNAUTHENTICATED', ['user', 'email']]]);
    }
  });
});
