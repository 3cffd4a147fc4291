import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startAllMocks,
  startCatalog,
  startInventory,
  startOrders,
  startReviews,
  startUsers,
  type MockService,
} from '../../services-mock/index.js';

// Every test registers what it starts here; afterEach closes it whatever happened.
const running: MockService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});
async function start(starter: (o: { port: number }) => Promise<MockService>): Promise<MockService> {
  const service = await starter({ port: 0 });
  running.push(service);
  return service;
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  getJson(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const gql = (service: MockService, query: string, variables?: Record<string, unknown>) =>
  postJson(`${service.url}/graphql`, { query, variables });

/** Error code of a fresh TCP connection (no pooled socket involved), or 'connected'. */
function connectCode(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'unknown'));
  });
}

/** The error code under fetch's "fetch failed". */
async function fetchErrorCode(url: string): Promise<string | undefined> {
  try {
    await fetch(url);
  } catch (err) {
    return ((err as { cause?: { code?: string } }).cause ?? {}).code ?? 'unknown';
  }
  return undefined;
}

describe('users', () => {
  it('serves the seeded users with cache headers', async () => {
    const users = await start(startUsers);
    const ada = await getJson(`${users.url}/users/1`);
    expect(ada.status).toBe(200);
    expect(ada.body).toMatchObject({ id: '1', name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(ada.headers.get('cache-control')).toBe('private, max-age=30');
    expect((await getJson(`${users.url}/users/200`)).status).toBe(200);
  });

  it('answers 404 with a JSON body for unknown ids', async () => {
    const users = await start(startUsers);
    const missing = await getJson(`${users.url}/users/201`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'user not found', id: '201' });
  });

  it('batches: unknown ids left out, not in request order', async () => {
    const users = await start(startUsers);
    const ids = ['1', '2', '3', '4', '5', '6', 'nope'];
    const { body } = await getJson(`${users.url}/users?ids=${ids.join(',')}`);
    const got = (body as { id: string }[]).map((u) => u.id);
    expect([...got].sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(got).not.toEqual(['1', '2', '3', '4', '5', '6']);
  });
});

describe('catalog', () => {
  it('serves 500 products, 404s, batches, search and recommendations', async () => {
    const catalog = await start(startCatalog);
    const last = await getJson(`${catalog.url}/products/SKU-0500`);
    expect(last.body.sku).toBe('SKU-0500');
    expect(last.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await getJson(`${catalog.url}/products/SKU-0501`)).body).toEqual({ error: 'product not found', sku: 'SKU-0501' });

    const batch = await getJson(`${catalog.url}/products?skus=SKU-0001,SKU-0002,SKU-9999`);
    expect(batch.body.map((p: { sku: string }) => p.sku)).toEqual(['SKU-0002', 'SKU-0001']);

    const search = await getJson(`${catalog.url}/products/search?q=KETTLE&limit=3`);
    expect(search.body.length).toBeGreaterThan(0);
    expect(search.body.length).toBeLessThanOrEqual(3);
    for (const p of search.body) expect(`${p.title} ${p.category}`.toLowerCase()).toContain('kettle');

    const recs = await getJson(`${catalog.url}/products/recommendations?userId=1&limit=4`);
    expect(recs.body).toHaveLength(4);
    expect((await getJson(`${catalog.url}/products/recommendations?userId=1&limit=4`)).body).toEqual(recs.body);
    expect((await getJson(`${catalog.url}/products/search?q=x&limit=0`)).status).toBe(400);
  });
});

describe('orders', () => {
  it('has 2000 seeded orders, lists a user newest first and batches', async () => {
    const orders = await start(startOrders);
    expect((await getJson(`${orders.url}/orders/2000`)).body.id).toBe('2000');
    expect((await getJson(`${orders.url}/orders/2001`)).status).toBe(404);

    const mine = await getJson(`${orders.url}/orders?userId=1`);
    expect(mine.body.length).toBeGreaterThan(0);
    const dates = mine.body.map((o: { createdAt: string }) => o.createdAt);
    expect(dates).toEqual([...dates].sort().reverse());
    expect((await getJson(`${orders.url}/orders?userId=1&limit=1`)).body).toEqual(mine.body.slice(0, 1));

    const batch = await getJson(`${orders.url}/orders?ids=10,20,99999`);
    expect(batch.body.map((o: { id: string }) => o.id)).toEqual(['20', '10']);
  });

  it('validates POST /orders with the failing field', async () => {
    const orders = await start(startOrders);
    const bad = await postJson(`${orders.url}/orders`, { userId: '1', items: [{ sku: 'SKU-0001', quantity: 0 }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid order', field: 'items[0].quantity', message: 'must be a positive integer' });
    expect((await postJson(`${orders.url}/orders`, { userId: '999', items: [] })).body.field).toBe('userId');
    expect((await postJson(`${orders.url}/orders`, { userId: '1', items: [] })).body.field).toBe('items');
    expect((await postJson(`${orders.url}/orders`, { userId: '1', items: [{ sku: 'X', quantity: 1 }] })).body.field).toBe(
      'items[0].sku',
    );
  });

  it('creates orders with ids after 2000, visible afterwards', async () => {
    const orders = await start(startOrders);
    const created = await postJson(`${orders.url}/orders`, { userId: '7', items: [{ sku: 'SKU-0003', quantity: 2 }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: '2001', userId: '7', status: 'PENDING', items: [{ sku: 'SKU-0003', quantity: 2 }] });
    expect((await getJson(`${orders.url}/orders/2001`)).body).toEqual(created.body);
    expect((await getJson(`${orders.url}/orders?userId=7&limit=1`)).body[0].id).toBe('2001');
    const next = await postJson(`${orders.url}/orders`, { userId: '7', items: [{ sku: 'SKU-0003', quantity: 1 }] });
    expect(next.body.id).toBe('2002');
  });
});

describe('stats', () => {
  it('counts per route pattern, keeps the last headers, ignores control endpoints and resets', async () => {
    const users = await start(startUsers);
    await fetch(`${users.url}/users/1`, { headers: { 'X-Request-Id': 'abc' } });
    await fetch(`${users.url}/users/2`);
    await fetch(`${users.url}/users?ids=1,2`, { headers: { 'X-Trace': 't1' } });
    await fetch(`${users.url}/__stats`);

    const stats = users.stats();
    expect(stats.total).toBe(3);
    expect(stats.routes).toEqual({ 'GET /users': 1, 'GET /users/:id': 2 });
    expect(stats.lastHeaders['x-trace']).toBe('t1');
    expect((await getJson(`${users.url}/__stats`)).body).toEqual(stats);

    expect((await postJson(`${users.url}/__stats/reset`, {})).status).toBe(200);
    expect(users.stats()).toEqual({ total: 0, routes: { 'GET /users': 0, 'GET /users/:id': 0 }, lastHeaders: {} });
    await fetch(`${users.url}/users/3`);
    users.resetStats();
    expect(users.stats().total).toBe(0);
  });

  it('counts GraphQL root fields', async () => {
    const reviews = await start(startReviews);
    await gql(reviews, '{ review(id: "r1") { id } topReviews(first: 2) { id } }');
    await gql(reviews, '{ _service { sdl } }');
    const { routes, total } = reviews.stats();
    expect(total).toBe(2);
    expect(routes).toMatchObject({ 'POST /graphql': 2, review: 1, topReviews: 1, _service: 1 });
  });
});

describe('faults', () => {
  it('adds latency', async () => {
    const users = await start(startUsers);
    users.setFaults({ latencyMs: 150 });
    const t0 = performance.now();
    expect((await getJson(`${users.url}/users/1`)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('answers with an injected status, set over HTTP and cleared', async () => {
    const orders = await start(startOrders);
    const put = await getJson(`${orders.url}/__faults`, { method: 'PUT', body: JSON.stringify({ status: 503 }) });
    expect(put.body).toEqual({ status: 503 });
    expect((await fetch(`${orders.url}/orders/1`)).status).toBe(503);
    expect((await fetch(`${orders.url}/orders/1`)).status).toBe(503);
    expect(orders.stats().routes['GET /orders/:id']).toBe(2); // failed attempts are counted
    await fetch(`${orders.url}/__faults`, { method: 'DELETE' });
    expect((await fetch(`${orders.url}/orders/1`)).status).toBe(200);
    expect((await getJson(`${orders.url}/__faults`, { method: 'PUT', body: '{"nope":1}' })).status).toBe(400);
  });

  it('answers with a body that is not JSON', async () => {
    const catalog = await start(startCatalog);
    catalog.setFaults({ invalidBody: true });
    const res = await fetch(`${catalog.url}/products/SKU-0001`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    // Control endpoints are unaffected.
    expect((await getJson(`${catalog.url}/__stats`)).body.total).toBe(1);
    catalog.clearFaults();
    expect((await getJson(`${catalog.url}/products/SKU-0001`)).body.sku).toBe('SKU-0001');
  });

  it('refuses connections, then serves again once cleared', async () => {
    const users = await start(startUsers);
    expect((await fetch(`${users.url}/users/1`)).status).toBe(200); // leaves a pooled keep-alive socket
    users.setFaults({ refuse: true });
    expect(await fetchErrorCode(`${users.url}/users/1`)).toBeDefined();
    users.clearFaults();
    expect((await fetch(`${users.url}/users/1`)).status).toBe(200);
  });

  it('stop gives ECONNREFUSED and resume listens on the same port', async () => {
    const users = await start(startUsers);
    const { port, url } = users;
    expect((await fetch(`${url}/users/1`)).status).toBe(200);
    await users.stop();
    expect(await connectCode(port)).toBe('ECONNREFUSED');
    // A pooled keep-alive socket may fail with a reset instead; either way the request fails.
    expect(await fetchErrorCode(`${url}/users/1`)).toBeDefined();
    await users.resume();
    expect(users.port).toBe(port);
    expect((await getJson(`${url}/users/1`)).body.name).toBe('Ada Lovelace');
  });
});

describe('GraphQL subgraphs', () => {
  it('reviews: SDL, queries and entities', async () => {
    const reviews = await start(startReviews);
    const sdl = (await gql(reviews, '{ _service { sdl } }')).body.data._service.sdl as string;
    expect(sdl).toContain('type Review');
    expect(sdl).toContain('@key(fields: "sku")');

    const one = await gql(reviews, '{ review(id: "r1") { id rating body author { id } product { sku } } }');
    expect(one.headers.get('cache-control')).toBe('public, max-age=30');
    expect(one.body.data.review).toMatchObject({ id: 'r1', author: { id: expect.any(String) }, product: { sku: expect.stringMatching(/^SKU-/) } });

    const top = (await gql(reviews, '{ topReviews { rating } }')).body.data.topReviews;
    expect(top).toHaveLength(5);
    expect(top.every((r: { rating: number }) => r.rating === 5)).toBe(true);

    const ents = await gql(
      reviews,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku reviews { id } } ... on User { id reviews { id } } } }',
      { r: [{ __typename: 'Product', sku: 'SKU-0002' }, { __typename: 'User', id: '1' }, { __typename: 'Product', sku: 'SKU-9999' }] },
    );
    const [product, user, unknown] = ents.body.data._entities;
    expect(product.sku).toBe('SKU-0002');
    expect(product.reviews.length).toBeGreaterThanOrEqual(1);
    expect(user.id).toBe('1');
    expect(unknown).toEqual({ sku: 'SKU-9999', reviews: [] });
    expect(reviews.stats().routes._entities).toBe(1);
  });

  it('inventory: shippingEstimate comes from the provided price and weight', async () => {
    const inventory = await start(startInventory);
    const sdl = (await gql(inventory, '{ _service { sdl } }')).body.data._service.sdl as string;
    expect(sdl).toContain('@requires(fields: "price weight")');

    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Product { sku inStock shippingEstimate } } }';
    const { body } = await gql(inventory, query, {
      r: [
        { __typename: 'Product', sku: 'SKU-0007', price: 12.5, weight: 1.2 },
        { __typename: 'Product', sku: 'SKU-0002', price: 150, weight: 9 },
        { __typename: 'Product', sku: 'SKU-0003' },
      ],
    });
    expect(body.data._entities).toEqual([
      { __typename: 'Product', sku: 'SKU-0007', inStock: false, shippingEstimate: 3 },
      { __typename: 'Product', sku: 'SKU-0002', inStock: true, shippingEstimate: 0 },
      { __typename: 'Product', sku: 'SKU-0003', inStock: true, shippingEstimate: null },
    ]);
  });

  it('answers GET, and 400 for unparsable or invalid documents', async () => {
    const reviews = await start(startReviews);
    const viaGet = await getJson(`${reviews.url}/graphql?query=${encodeURIComponent('{ review(id: "r2") { id } }')}`);
    expect(viaGet.body).toEqual({ data: { review: { id: 'r2' } } });
    const syntax = await gql(reviews, '{ review(id: ');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0].message).toMatch(/Syntax Error/);
    const invalid = await gql(reviews, '{ nope }');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].message).toMatch(/nope/);
    expect(invalid.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('composes with the REST-wrapped subgraphs', async () => {
    const [reviews, inventory] = [await start(startReviews), await start(startInventory)];
    const sdlOf = async (s: MockService) => (await gql(s, '{ _service { sdl } }')).body.data._service.sdl as string;
    const owned = ['users', 'orders', 'catalog', 'bff'].map((name) => ({
      name,
      typeDefs: parse(readFileSync(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8')),
    }));
    const result = composeServices([
      ...owned,
      { name: 'reviews', typeDefs: parse(await sdlOf(reviews)) },
      { name: 'inventory', typeDefs: parse(await sdlOf(inventory)) },
    ]);
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
  });
});

describe('startAllMocks', () => {
  it('starts all five on free ports and closes them', async () => {
    const mocks = await startAllMocks({ latencyMs: 1 });
    try {
      const urls = [mocks.users, mocks.orders, mocks.catalog, mocks.reviews, mocks.inventory].map((s) => s.url);
      expect(new Set(urls).size).toBe(5);
      expect((await getJson(`${mocks.users.url}/users/1`)).body.id).toBe('1');
      expect((await gql(mocks.inventory, '{ _service { sdl } }')).status).toBe(200);
    } finally {
      await mocks.close();
    }
    expect(await connectCode(mocks.users.port)).toBe('ECONNREFUSED');
  });
});
