import { createHash } from 'node:crypto';
import { allow } from 'graphql-shield';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import demoApp from '../../tessera.config.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { startGateway, TEST_JWT_SECRET, type Gateway } from '../helpers/cacheStack.js';
import { REDIS_URL, redisScope, type RedisScope } from '../helpers/redis.js';

const settle = () => new Promise((r) => setTimeout(r, 80));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** An APQ GET, as Apollo Client sends it with `useGETForHashedQueries`. */
async function persistedGet(url: string, hash: string, headers: Record<string, string> = {}) {
  const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
  const res = await fetch(`${url}/graphql?extensions=${encodeURIComponent(extensions)}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

async function persistedPost(url: string, query: string, headers: Record<string, string> = {}) {
  const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, extensions }) });
  return { status: res.status, headers: res.headers };
}

describe.each([
  ['with the response cache', 'true'],
  ['without the response cache', 'false'],
])('what clients and CDNs are told (%s)', (_name, responseCache) => {
  let mocks: MockSet;
  let redis: RedisScope;
  let gateway: Gateway;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    redis = await redisScope();
    mocks = await startAllMocks();
    // A constant `allow` on Product.sku: a rule that decides nothing about the viewer.
    const app = { ...demoApp, rules: { ...demoApp.rules, Product: { sku: allow } } };
    gateway = await startGateway(mocks, { REDIS_URL, REDIS_PREFIX: redis.prefix, RESPONSE_CACHE: responseCache, CORS_ORIGINS: 'http://app.example' }, app);
    bearer = { authorization: `Bearer ${await signDevToken({ secret: TEST_JWT_SECRET, sub: '1', scopes: [] })}` };
  });
  afterAll(async () => {
    await gateway?.close();
    await mocks?.close();
    await redis?.close();
  });

  it('an answer a rule decided on the credential goes out private, varying on the credential, even over APQ GET', async () => {
    // Review.author needs an authenticated viewer; product and reviews are public for 30-60 s.
    const query = `query ReviewAuthors${responseCache} { product(sku: "SKU-0003") { title reviews { rating author { name } } } }`;
    expect((await persistedPost(gateway.url, query, bearer)).status).toBe(200);
    for (let pass = 0; pass < 2; pass++) {
      const res = await persistedGet(gateway.url, sha256(query), bearer);
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.product.reviews[0].author.name).toEqual(expect.any(String));
      expect(res.headers.get('cache-control')).toMatch(/^max-age=\d+, private$/);
      expect(res.headers.get('vary')).toContain('Authorization, x-api-key');
      await settle();
    }
    // The anonymous viewer at the same URL: author denied (a non-null field: its reviews are null), nothing to reuse.
    const anonymous = await persistedGet(gateway.url, sha256(query));
    expect(anonymous.body.data.product.title).toEqual(expect.any(String));
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
  });

  it('an answer no rule decided on the viewer (none, or a constant allow) stays public and does not vary on the credential', async () => {
    const query = `query ProductTitle${responseCache} { product(sku: "SKU-0004") { sku title } }`;
    await persistedPost(gateway.url, query, bearer);
    const res = await persistedGet(gateway.url, sha256(query), bearer);
    expect(res.body.data.product.sku).toBe('SKU-0004');
    // At most 60 s: a REST answer read from its cache has less left.
    expect(res.headers.get('cache-control')).toMatch(/^max-age=(60|59), public$/);
    expect(res.headers.get('vary')).toBe('accept-language');
  });

  it('Vary adds to what CORS varies on', async () => {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://app.example' },
      body: JSON.stringify({ query: '{ product(sku: "SKU-0005") { sku } }' }),
    });
    expect(res.headers.get('cache-control')).toMatch(/^max-age=(60|59), public$/);
    expect(res.headers.get('vary')).toBe('origin, accept-language');
  });
});
