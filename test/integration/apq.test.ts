import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { startGateway, type Gateway } from '../helpers/cacheStack.js';
import { REDIS_URL, redisScope, type RedisScope } from '../helpers/redis.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function post(url: string, body: unknown) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

describe('persisted queries', () => {
  let mocks: MockSet;
  let redis: RedisScope;
  let dir: string;

  beforeAll(async () => {
    redis = await redisScope();
    mocks = await startAllMocks();
    dir = await mkdtemp(join(tmpdir(), 'tessera-apq-'));
  });
  afterAll(async () => {
    await mocks?.close();
    await redis?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('automatic (APQ) in the shared store', () => {
    let a: Gateway;
    let b: Gateway;
    beforeAll(async () => {
      const env = { REDIS_URL, REDIS_PREFIX: redis.prefix };
      a = await startGateway(mocks, env);
      b = await startGateway(mocks, env);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('a hash unknown everywhere is PERSISTED_QUERY_NOT_FOUND; registered on A, it runs on B', async () => {
      const query = `{ product(sku: "SKU-0077") { sku title } }`;
      const hash = sha256(query);
      const unknown = await post(b.url, { extensions: persisted(hash) });
      expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

      const registered = await post(a.url, { query, extensions: persisted(hash) });
      expect(registered.body.errors).toBeUndefined();
      expect(registered.body.data.product.sku).toBe('SKU-0077');
      expect(await redis.keys('cache:apq::*')).not.toHaveLength(0);

      const onB = await post(b.url, { extensions: persisted(hash) });
      expect(onB.body.errors).toBeUndefined();
      expect(onB.body.data).toEqual(registered.body.data);
    });
  });

  describe('safelist mode (PERSISTED_QUERIES_SAFELIST)', () => {
    let gateway: Gateway;
    const listed = 'query ListedProduct($sku: ID!) { product(sku: $sku) { sku title } }';
    beforeAll(async () => {
      const manifest = join(dir, 'manifest.json');
      await writeFile(
        manifest,
        JSON.stringify({
          format: 'apollo-persisted-query-manifest',
          version: 1,
          operations: [{ id: sha256(listed), name: 'ListedProduct', type: 'query', body: listed }],
        }),
      );
      // No warm-up: in this mode the warm-up query is not registered.
      gateway = await startGateway(mocks, { REDIS_URL, REDIS_PREFIX: redis.prefix, PERSISTED_QUERIES_SAFELIST: manifest }, undefined, {
        waitForCache: false,
      });
    });
    afterAll(() => gateway?.close());

    it('runs a registered operation by its id', async () => {
      const res = await post(gateway.url, { extensions: persisted(sha256(listed)), variables: { sku: 'SKU-0001' } });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.product.sku).toBe('SKU-0001');
    });

    it('runs the registered text sent in full', async () => {
      const res = await post(gateway.url, { query: listed, variables: { sku: 'SKU-0002' } });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.product.sku).toBe('SKU-0002');
    });

    it('an unknown id is PERSISTED_QUERY_NOT_FOUND, and cannot be registered', async () => {
      const other = '{ product(sku: "SKU-0003") { sku } }';
      const register = await post(gateway.url, { query: other, extensions: persisted(sha256(other)) });
      expect(register.status).toBe(403);
      expect(register.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const byId = await post(gateway.url, { extensions: persisted(sha256(other)) });
      expect(byId.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('a free-form operation that is not registered is FORBIDDEN (403) and reaches no service', async () => {
      const before = mocks.users.stats().total;
      const res = await post(gateway.url, { query: '{ user(id: "1") { name } }' });
      expect(res.status).toBe(403);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(mocks.users.stats().total).toBe(before);
    });
  });
});
