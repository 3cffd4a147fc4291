import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCatalog, startOrders, startUsers, type MockService } from '../../services-mock/index.js';
import { parseProducts } from '../../app/subgraphs/catalog/mappers.js';
import { RestClient, RestError } from '../../src/subgraphs/rest/restClient.js';
import { parseUsers } from '../../app/subgraphs/users/mappers.js';

let users: MockService;
let catalog: MockService;
let orders: MockService;
const clients: RestClient[] = [];

const client = (service: MockService, options: { cache?: KeyValueCache<string>; timeoutMs?: number; maxResponseBytes?: number } = {}): RestClient => {
  const c = new RestClient({ service: service.name, baseUrl: service.url, ...options });
  clients.push(c);
  return c;
};
const calls = (service: MockService, route: string): number => service.stats().routes[route] ?? 0;
const failure = async (promise: Promise<unknown>): Promise<RestError> => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RestError);
  return err as RestError;
};

beforeAll(async () => {
  [users, catalog, orders] = await Promise.all([startUsers({ port: 0 }), startCatalog({ port: 0 }), startOrders({ port: 0 })]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([users, catalog, orders].map((s) => s.close()));
});
beforeEach(() => {
  for (const s of [users, catalog, orders]) {
    s.clearFaults();
    s.resetStats();
  }
});

describe('RestClient', () => {
  it('GETs, builds the query string and parses the body', async () => {
    const found = await client(users).get('/users', parseUsers, { query: { ids: '1,2', absent: undefined } });
    expect(found.map((u) => u.id).sort()).toEqual(['1', '2']);
    expect(found.find((u) => u.id === '1')?.name).toBe('Ada Lovelace');
  });

  it('reads no further than maxResponseBytes: a larger answer fails the call as too_large, a smaller one passes', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => String(i + 1)).join(',');
    const capped = client(users, { maxResponseBytes: 2048 });
    const err = await failure(capped.get('/users', parseUsers, { query: { ids } }));
    expect(err.kind).toBe('too_large');
    expect(err.message).toContain('more than 2048 bytes');
    expect((await capped.get('/users', parseUsers, { query: { ids: '1' } })).map((u) => u.id)).toEqual(['1']);
    expect(() => new RestClient({ service: 'users', baseUrl: users.url, maxResponseBytes: 0 })).toThrow(/maxResponseBytes must be a positive number/);
  });

  it('sends the request id upstream', async () => {
    await client(users).get('/users', parseUsers, { query: { ids: '1' }, requestId: 'req-42' });
    expect(users.stats().lastHeaders['x-request-id']).toBe('req-42');
  });

  it('shares one upstream call between identical GETs in flight, per viewer', async () => {
    users.setFaults({ latencyMs: 50 });
    const c = client(users);
    const get = (viewerId?: string) => c.get('/users', parseUsers, { query: { ids: '1' }, viewerId });
    await Promise.all([get('alice'), get('alice'), get('alice'), get('bob'), get()]);
    expect(calls(users, 'GET /users')).toBe(3);
    // Once settled, the next call goes upstream again (no cache configured).
    await get('alice');
    expect(calls(users, 'GET /users')).toBe(4);
  });

  it('caches public responses for every viewer when a cache is given', async () => {
    const c = client(catalog, { cache: new InMemoryLRUCache() });
    const get = (viewerId?: string) => c.get('/products', parseProducts, { query: { skus: 'SKU-0001' }, viewerId });
    expect((await get('alice'))[0]?.sku).toBe('SKU-0001');
    expect((await get('bob'))[0]?.sku).toBe('SKU-0001');
    await get();
    expect(calls(catalog, 'GET /products')).toBe(1);
  });

  it('does not cache without a KeyValueCache', async () => {
    const c = client(catalog);
    await c.get('/products', parseProducts, { query: { skus: 'SKU-0001' } });
    await c.get('/products', parseProducts, { query: { skus: 'SKU-0001' } });
    expect(calls(catalog, 'GET /products')).toBe(2);
  });

  it('keys private responses by viewer and does not store them for the anonymous viewer', async () => {
    const c = client(users, { cache: new InMemoryLRUCache() });
    const get = (viewerId?: string) => c.get('/users', parseUsers, { query: { ids: '2' }, viewerId });
    await get('alice');
    await get('alice');
    expect(calls(users, 'GET /users')).toBe(1);
    await get('bob');
    expect(calls(users, 'GET /users')).toBe(2);
    await get();
    await get();
    expect(calls(users, 'GET /users')).toBe(4);
  });

  it('treats cache errors as misses', async () => {
    const broken: KeyValueCache<string> = {
      get: async () => {
        throw new Error('redis down');
      },
      set: () => {
        throw new Error('redis down');
      },
      delete: async () => false,
    };
    const c = client(catalog, { cache: broken });
    expect(await c.get('/products', parseProducts, { query: { skus: 'SKU-0002' } })).toHaveLength(1);
    expect(await c.get('/products', parseProducts, { query: { skus: 'SKU-0002' } })).toHaveLength(1);
    expect(calls(catalog, 'GET /products')).toBe(2);
  });

  it('reports a non-2xx answer with status and service', async () => {
    catalog.setFaults({ status: 503 });
    const err = await failure(client(catalog).get('/products', parseProducts, { query: { skus: 'SKU-0001' } }));
    expect(err).toMatchObject({ kind: 'status', status: 503, service: 'catalog', method: 'GET' });
    expect(err.path).toBe('/products?skus=SKU-0001');
  });

  it('reports a body that is not JSON, or not of the expected shape', async () => {
    catalog.setFaults({ invalidBody: true });
    expect(await failure(client(catalog).get('/products', parseProducts, { query: { skus: 'SKU-0001' } }))).toMatchObject({
      kind: 'invalid_body',
      service: 'catalog',
    });
    catalog.clearFaults();
    expect(await failure(client(catalog).get('/products/SKU-0001', parseProducts))).toMatchObject({ kind: 'invalid_body' });
  });

  it('times out after timeoutMs', async () => {
    catalog.setFaults({ latencyMs: 1_000 });
    const started = Date.now();
    const err = await failure(client(catalog, { timeoutMs: 100 }).get('/products', parseProducts, { query: { skus: 'SKU-0001' } }));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('reports a refused connection as a network error', async () => {
    await users.stop();
    try {
      expect(await failure(client(users).get('/users', parseUsers, { query: { ids: '1' } }))).toMatchObject({ kind: 'network', service: 'users' });
    } finally {
      await users.resume();
    }
  });

  it('POSTs JSON and reports a 400 with its body', async () => {
    const c = client(orders);
    const created = await c.post('/orders', { userId: '1', items: [{ sku: 'SKU-0001', quantity: 1 }] }, (json) => json as { id: string });
    expect(created.id).toBeTruthy();
    const err = await failure(c.post('/orders', { userId: '1', items: [{ sku: 'SKU-0001', quantity: 0 }] }, (json) => json));
    expect(err).toMatchObject({ kind: 'status', status: 400, method: 'POST' });
    expect(err.body).toMatchObject({ field: 'items[0].quantity' });
  });

  it('validates its options', () => {
    expect(() => new RestClient({ service: 'x', baseUrl: 'ftp://host' })).toThrow(/http or https/);
    expect(() => new RestClient({ service: 'x', baseUrl: 'http://host', timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
