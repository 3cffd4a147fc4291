import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/devToken.js';
import { startStack, type Stack } from '../helpers/stack.js';

// Order totals and items are readable by their owner (or `orders:read:all`), review authors by any
// signed-in viewer (app/rules.ts): these tests read them as user 1.
const JWT_SECRET = 'gateway-test-secret-of-at-least-32-bytes';
const asUser1 = async () => ({ authorization: `Bearer ${await signDevToken({ secret: JWT_SECRET, sub: '1' })}` });
const asOrdersReader = async () => ({
  authorization: `Bearer ${await signDevToken({ secret: JWT_SECRET, sub: 'ops', scopes: ['orders:read:all'] })}`,
});

const FIVE_SERVICE_QUERY = `{
  user(id: "1") {
    name
    orders { id total items { quantity product { sku title price inStock reviews { rating author { name } } } } }
  }
}`;

describe('one endpoint over five services', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { JWT_SECRET } });
  });
  afterAll(() => stack.close());

  it('answers a query spanning users, orders, catalog, inventory and reviews with the seeded data', async () => {
    const { status, body } = await stack.query(FIVE_SERVICE_QUERY, undefined, await asUser1());
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const user = body.data.user;
    expect(user.name).toBe('Ada Lovelace');

    // Cross-check every part against the services themselves.
    const restOrders = (await (await fetch(`${stack.mocks.orders.url}/orders?userId=1`)).json()) as any[];
    expect(user.orders.map((o: any) => o.id).sort()).toEqual(restOrders.map((o) => o.id).sort());
    for (const order of user.orders) {
      const rest = restOrders.find((o) => o.id === order.id);
      expect(order.total).toBe(rest.total);
      expect(order.items.map((i: any) => i.quantity)).toEqual(rest.items.map((i: any) => i.quantity));
      for (const item of order.items) {
        const product = (await (await fetch(`${stack.mocks.catalog.url}/products/${item.product.sku}`)).json()) as any;
        expect(item.product.title).toBe(product.title);
        expect(item.product.price).toBe(product.price);
        expect(item.product.inStock).toBe(Number(item.product.sku.slice(4)) % 7 !== 0);
        for (const review of item.product.reviews) {
          expect(review.rating).toBeGreaterThanOrEqual(1);
          expect(review.rating).toBeLessThanOrEqual(5);
          expect(typeof review.author.name).toBe('string');
        }
      }
    }
    const reviewed = user.orders.flatMap((o: any) => o.items).filter((i: any) => i.product.reviews.length > 0);
    expect(reviewed.length).toBeGreaterThan(0);
  });

  it('batches: 50 orders cost one call to the catalog batch endpoint and one to users', async () => {
    for (const mock of Object.values(stack.mocks)) if (typeof mock === 'object') mock.resetStats();
    const fields = Array.from({ length: 50 }, (_, i) => `o${i}: order(id: "${i + 1}") { id user { name } items { product { title } } }`);
    const { body } = await stack.query(`{ ${fields.join('\n')} }`, undefined, await asOrdersReader());
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data)).toHaveLength(50);
    expect(body.data.o0.items[0].product.title).toEqual(expect.any(String));
    const catalog = stack.mocks.catalog.stats().routes;
    const users = stack.mocks.users.stats().routes;
    expect(catalog['GET /products']).toBe(1);
    expect(catalog['GET /products/:sku'] ?? 0).toBe(0);
    expect(users['GET /users']).toBe(1);
    expect(users['GET /users/:id'] ?? 0).toBe(0);
  });

  it('batches: twenty users\' orders cost one call to the orders service, matched by user', async () => {
    for (const mock of Object.values(stack.mocks)) if (typeof mock === 'object') mock.resetStats();
    const ids = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const { body } = await stack.query(`{ users(ids: ${JSON.stringify(ids)}) { id orders(first: 3) { id } } }`, undefined, await asOrdersReader());
    expect(body.errors).toBeUndefined();
    expect(stack.mocks.orders.stats().routes['GET /orders']).toBe(1);
    for (const user of body.data.users) {
      const rest = (await (await fetch(`${stack.mocks.orders.url}/orders?userId=${user.id}&limit=3`)).json()) as { id: string }[];
      expect(user.orders.map((o: { id: string }) => o.id)).toEqual(rest.map((o) => o.id));
    }
  });

  it('echoes x-request-id and forwards it to subgraphs', async () => {
    const { headers, body } = await stack.query('{ product(sku: "SKU-0002") { title reviews { rating } } }', undefined, {
      'x-request-id': 'test-req-42',
    });
    expect(body.errors).toBeUndefined();
    expect(headers.get('x-request-id')).toBe('test-req-42');
    expect(stack.mocks.reviews.stats().lastHeaders['x-request-id']).toBe('test-req-42');
  });

  it('serves /health and /readiness', async () => {
    const health = await fetch(`${stack.url}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${stack.url}/readiness`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).compositionId).toBe(stack.app.manager.state?.id);
  });

  it('serves the explorer to browsers, whole: nothing it loads comes from another host', async () => {
    const res = await fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<title>Tessera</title>');
    // No <script src>, <link href> or CSS url() that points off the gateway; Apollo Sandbox is a link.
    expect(html).not.toMatch(/<script[^>]+src=["']?https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']?https?:/i);
    expect(html).toContain('https://studio.apollographql.com/sandbox/explorer?endpoint=');
    // The stack has no preset: no token in the page.
    expect(html).not.toMatch(/Bearer /);
  });

  it('answers 404 for unknown paths', async () => {
    expect((await fetch(`${stack.url}/nope`)).status).toBe(404);
  });
});

describe('partial data when services fail', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { SUBGRAPH_TIMEOUT_MS: '1000', JWT_SECRET } });
  });
  afterAll(() => stack.close());

  it('dashboard: with users down, orders and recommendations still come back', async () => {
    await stack.mocks.users.stop();
    try {
      const { status, body } = await stack.query(
        '{ dashboard(userId: "1") { user { name } recentOrders { id total } recommendedProducts { sku title } } }',
        undefined,
        await asUser1(),
      );
      expect(status).toBe(200);
      expect(body.data.dashboard.user).toBeNull();
      expect(body.data.dashboard.recentOrders.length).toBeGreaterThan(0);
      expect(body.data.dashboard.recommendedProducts.length).toBeGreaterThan(0);
      const error = body.errors?.find((e) => e.path?.join('.') === 'dashboard.user');
      expect(error?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    } finally {
      await stack.mocks.users.resume();
    }
  });

  it('reviews down: products still come back, with an error naming the subgraph', async () => {
    await stack.mocks.reviews.stop();
    try {
      const { status, body } = await stack.query('{ product(sku: "SKU-0002") { title price reviews { rating } } }');
      expect(status).toBe(200);
      expect(body.data.product.title).toEqual(expect.any(String));
      const error = body.errors?.find((e) => e.extensions?.serviceName === 'reviews');
      expect(error?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(error?.message).toContain('reviews');
      // At the field the failed fetch would have filled, so a client can tell which part is missing.
      expect(error?.path).toEqual(['product', 'reviews']);
      // A list's entities share one error per field, not one each.
      const list = await stack.query('{ topReviews(first: 1) { id } searchProducts(query: "a", first: 5) { sku reviews { rating } } }');
      const paths = list.body.errors?.map((e) => [e.path, e.extensions?.code]);
      expect(paths).toHaveLength(2);
      expect(paths).toEqual(expect.arrayContaining([[['searchProducts', 0, 'reviews'], 'SUBGRAPH_UNAVAILABLE'], [['topReviews'], 'SUBGRAPH_UNAVAILABLE']]));
    } finally {
      await stack.mocks.reviews.resume();
    }
  });

  it('a slow catalog times out: the request returns within the timeout plus a margin', async () => {
    stack.mocks.catalog.setFaults({ latencyMs: 5_000 });
    try {
      const started = Date.now();
      const { status, body } = await stack.query('{ user(id: "2") { name } product(sku: "SKU-0003") { title } }');
      const elapsed = Date.now() - started;
      expect(status).toBe(200);
      expect(body.data?.user?.name, JSON.stringify(body)).toEqual(expect.any(String));
      expect(body.data.product).toBeNull();
      expect(body.errors?.some((e) => e.extensions?.code === 'SUBGRAPH_TIMEOUT')).toBe(true);
      expect(elapsed).toBeLessThan(1_000 + 1_500);
    } finally {
      stack.mocks.catalog.clearFaults();
    }
  });

  it('an invalid body from a remote subgraph is an error, not a crash', async () => {
    stack.mocks.inventory.setFaults({ invalidBody: true });
    try {
      const { body } = await stack.query('{ product(sku: "SKU-0004") { title inStock } }');
      expect(body.data.product.title).toEqual(expect.any(String));
      expect(body.data.product.inStock).toBeNull();
      const error = body.errors?.find((e) => e.extensions?.serviceName === 'inventory');
      expect(error?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    } finally {
      stack.mocks.inventory.clearFaults();
    }
    const { body } = await stack.query('{ product(sku: "SKU-0004") { title inStock } }');
    expect(body.errors).toBeUndefined();
  });
});
