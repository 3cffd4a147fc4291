import { parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { rateLimit } from '../../src/ratelimit/rule.js';
import demoApp from '../../tessera.config.js';
import { startGateway, TEST_JWT_SECRET, type Gateway } from '../helpers/cacheStack.js';
import { REDIS_URL, redisScope, type RedisScope } from '../helpers/redis.js';

const ADA_EMAIL = 'ada@example.com';
const settle = () => new Promise((r) => setTimeout(r, 50));

/** Every order of the items (there are few). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('the response cache never shows one viewer what was meant for another', () => {
  let mocks: MockSet;
  let redis: RedisScope;
  let gateway: Gateway;
  const auth: Record<string, Record<string, string>> = {};
  // The same sub, on tokens issued to two clients (client_id).
  const clientTokens: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    redis = await redisScope();
    mocks = await startAllMocks();
    gateway = await startGateway(mocks, { REDIS_URL, REDIS_PREFIX: redis.prefix });
    const bearer = async (sub: string, scopes: string[], client?: string) => ({
      authorization: `Bearer ${await signDevToken({ secret: TEST_JWT_SECRET, sub, scopes, ...(client === undefined ? {} : { client }) })}`,
    });
    auth['A'] = await bearer('1', ['user:email']); // may read emails
    auth['B'] = await bearer('2', ['user:email']); // may read emails too, but is someone else
    auth['A without scope'] = await bearer('1', []); // A's sub, fewer scopes: email denied
    auth['anonymous'] = {};
    clientTokens.web = await bearer('1', ['user:email'], 'web');
    clientTokens.ios = await bearer('1', ['user:email'], 'ios');
  });
  afterAll(async () => {
    await gateway?.close();
    await mocks?.close();
    await redis?.close();
  });

  it("A's PRIVATE answer is never served to B, to A with fewer scopes, or to the anonymous viewer, in any order", async () => {
    const viewers = Object.keys(auth);
    let round = 0;
    for (const order of permutations(viewers)) {
      // A fresh operation name per order gives each order its own cache entries.
      const query = `query Email${round++} { user(id: "1") { id name email } }`;
      // Each viewer asks twice: the second time their own entry (if any) is a HIT.
      for (const pass of [1, 2]) {
        for (const viewer of order) {
          const res = await gateway.query(query, undefined, auth[viewer]);
          expect(res.status).toBe(200);
          expect(res.body.data?.user?.name).toBe('Ada Lovelace');
          const codes = (res.body.errors ?? []).map((e) => e.extensions?.code);
          const cache = res.headers.get('x-cache');
          if (viewer === 'A' || viewer === 'B') {
            expect(res.body.errors).toBeUndefined();
            expect(res.body.data.user.email).toBe(ADA_EMAIL);
            expect(res.headers.get('cache-control')).toMatch(/private$/);
            // The first ask of each viewer is theirs alone: never someone else's entry.
            expect(`${viewer}#${pass}@${order.join(",")}:${cache}`).toBe(`${viewer}#${pass}@${order.join(",")}:${pass === 1 ? "MISS" : "HIT"}`);
          } else {
            expect(res.body.data.user.email).toBeNull();
            expect(codes).toEqual([viewer === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
            expect(cache).toBe('MISS');
          }
          // Let a MISS's entry land before the next viewer asks, so a leak would show.
          if (cache === 'MISS') await settle();
        }
      }
    }
  });

  it('a PUBLIC answer is shared by anonymous viewers and kept apart from viewers with other scopes', async () => {
    const query = '{ product(sku: "SKU-0012") { sku title } }';
    expect((await gateway.query(query)).headers.get('x-cache')).toBe('MISS');
    await settle();
    expect((await gateway.query(query)).headers.get('x-cache')).toBe('HIT');
    const withScopes = await gateway.query(query, undefined, auth['A']);
    expect(withScopes.headers.get('x-cache')).toBe('MISS');
    expect(withScopes.headers.get('cache-control')).toMatch(/^max-age=(59|60), public$/);
  });

  it("the REST service's own Cache-Control narrows the answer: users says private, so user.name is per viewer", async () => {
    // schema/users.graphql leaves User.name PUBLIC for 30 s; the users service answers `private, max-age=30`.
    const query = '{ user(id: "3") { id name } }';
    const anonymous = await gateway.query(query);
    expect(anonymous.body.errors).toBeUndefined();
    expect(anonymous.headers.get('cache-control')).toMatch(/^max-age=(29|30), private$/);
    await settle();
    expect((await gateway.query(query)).headers.get('x-cache')).toBe('MISS');
    expect((await gateway.query(query, undefined, auth['B'])).headers.get('x-cache')).toBe('MISS');
    await settle();
    expect((await gateway.query(query, undefined, auth['B'])).headers.get('x-cache')).toBe('HIT');
    expect((await gateway.query(query, undefined, auth['A'])).headers.get('x-cache')).toBe('MISS');
  });

  it("the REST services' data behind a PRIVATE type stays per viewer (orders)", async () => {
    const query = '{ user(id: "1") { orders(first: 2) { id status } } }';
    const first = await gateway.query(query, undefined, auth['A']);
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('cache-control')).toMatch(/private$/);
    await settle();
    expect((await gateway.query(query, undefined, auth['A'])).headers.get('x-cache')).toBe('HIT');
    expect((await gateway.query(query, undefined, auth['B'])).headers.get('x-cache')).toBe('MISS');
    // Anonymous: PRIVATE data is never stored for a viewer without a sub.
    const anonymous = await gateway.query(query);
    expect(anonymous.headers.get('x-cache')).toBe('MISS');
    await settle();
    expect((await gateway.query(query)).headers.get('x-cache')).toBe('MISS');
  });

  it("a PRIVATE answer is the viewer's on one client: the same sub on another client has its own entry", async () => {
    // A subgraph may answer per client (it sees x-user-client): a private entry never crosses clients.
    const query = '{ user(id: "1") { orders(first: 1) { id } } }';
    const on = (client: string, header?: string) =>
      gateway.query(query, undefined, { ...clientTokens[client], ...(header === undefined ? {} : { 'apollographql-client-name': header }) });
    expect((await on('web')).headers.get('x-cache')).toBe('MISS');
    await settle();
    expect((await on('web')).headers.get('x-cache')).toBe('HIT');
    expect((await on('ios')).headers.get('x-cache')).toBe('MISS');
    // The client-name header is the caller's own word: it names no client of the credential's.
    expect((await on('web', 'ios')).headers.get('x-cache')).toBe('HIT');
  });

  it('a pruned operation whose pruned text another client cached gets the stored data with its denials, never an empty body', async () => {
    const full = '{ product(sku: "SKU-0002") { title reviews { rating author { name } } } }';
    // What the policy leaves of it for the anonymous viewer, as Apollo Client's print(doc) sends it.
    const pruned = print(parse('{ product(sku: "SKU-0002") { title reviews { rating } } }'));

    const first = await gateway.query(full);
    expect(first.body.data.product.title).toEqual(expect.any(String));
    expect(first.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const second = await gateway.query(pruned);
    expect(second.body.errors).toBeUndefined();
    await settle();
    expect((await gateway.query(pruned)).headers.get('x-cache')).toBe('HIT');

    const again = await gateway.query(full);
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.body.data).toEqual(first.body.data);
    expect(again.body.errors?.map((e) => e.extensions?.code)).toEqual(first.body.errors?.map((e) => e.extensions?.code));
    expect(again.body.errors?.length).toBeGreaterThan(0);
    expect(again.headers.get('cache-control')).toBe('no-store');
  });
});

describe('a cached answer never bypasses a rate limit', () => {
  let mocks: MockSet;
  let redis: RedisScope;
  let gateway: Gateway;

  beforeAll(async () => {
    redis = await redisScope();
    mocks = await startAllMocks();
    const rules = { ...demoApp.rules, Query: { ...demoApp.rules?.['Query'], product: rateLimit({ max: 3, window: '1m', by: (_ctx, args) => String(args['sku']) }) } };
    gateway = await startGateway(mocks, { REDIS_URL, REDIS_PREFIX: redis.prefix }, { ...demoApp, rules });
  });
  afterAll(async () => {
    await gateway?.close();
    await mocks?.close();
    await redis?.close();
  });

  it('a rate-limited field is still limited when its answer is in the cache', async () => {
    // Counted per sku, so the gateway's warm-up query (another sku) spends nothing here.
    const query = '{ product(sku: "SKU-0050") { sku title } }';
    const seen: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await gateway.query(query);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.product.sku).toBe('SKU-0050');
      seen.push(res.headers.get('x-cache'));
      await settle();
    }
    expect(seen).toContain('HIT');
    const limited = await gateway.query(query);
    expect(limited.body.data?.product ?? null).toBeNull();
    expect(limited.body.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(limited.headers.get('x-cache')).not.toBe('HIT');
  });
});
