import { execute, parse, type ExecutionResult, type GraphQLError } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAllMocks, type MockService, type MockSet } from '../../services-mock/index.js';
import { ANONYMOUS } from '../../src/auth/viewer.js';
import type { TesseraContext } from '../../src/graphql/context.js';
import { createLocalSubgraphs, type LocalSubgraphOptions, type LocalSubgraphs } from '../../app/subgraphs/index.js';
import { restServices } from '../helpers/stack.js';

let mocks: MockSet;
let local: LocalSubgraphs;
const extra: LocalSubgraphs[] = [];

const services = (): LocalSubgraphOptions['services'] => restServices(mocks);
const rest = (): MockService[] => [mocks.users, mocks.orders, mocks.catalog];

beforeAll(async () => {
  mocks = await startAllMocks();
  local = createLocalSubgraphs({ services: services() });
});
afterAll(async () => {
  await Promise.all([local, ...extra].map((l) => l.close()));
  await mocks.close();
});
beforeEach(() => {
  for (const s of rest()) {
    s.clearFaults();
    s.resetStats();
  }
});

function context(): TesseraContext {
  return { requestId: 'req-test', viewer: ANONYMOUS, log: pino({ level: 'silent' }), ip: '127.0.0.1', headers: {}, exchange: {} };
}

type Data = Record<string, any>;

async function run(
  subgraph: string,
  source: string,
  variables?: Record<string, unknown>,
  ctx: TesseraContext = context(),
  from: LocalSubgraphs = local,
): Promise<ExecutionResult<Data>> {
  const target = from.subgraphs.find((s) => s.name === subgraph);
  if (!target) throw new Error(`no subgraph ${subgraph}`);
  return (await execute({ schema: target.schema, document: parse(source), variableValues: variables, contextValue: ctx })) as ExecutionResult<Data>;
}

const calls = (service: MockService, route: string): number => service.stats().routes[route] ?? 0;
const upstreamTotal = (): number => rest().reduce((sum, s) => sum + s.stats().total, 0);
const codes = (errors: readonly GraphQLError[] | undefined) => (errors ?? []).map((e) => ({ path: e.path, ...e.extensions }));

const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku title price } ... on User { id name } ... on Order { id status } } }';

describe('users', () => {
  it('resolves a user', async () => {
    const result = await run('users', '{ user(id: "1") { id name email createdAt } }');
    expect(result.errors).toBeUndefined();
    expect(result.data?.user).toMatchObject({ id: '1', name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('lists users in the order asked, in one call; an unknown id nulls its own position only', async () => {
    const result = await run('users', '{ users(ids: ["2", "nope", "1"]) { id } }');
    expect(result.data?.users).toEqual([{ id: '2' }, null, { id: '1' }]);
    expect(codes(result.errors)).toEqual([{ path: ['users', 1], code: 'NOT_FOUND', typename: 'User', key: 'nope' }]);
    expect(calls(mocks.users, 'GET /users')).toBe(1);
  });
});

describe('catalog', () => {
  it('resolves 50 entity representations with ONE GET /products, matched by key', async () => {
    const skus = Array.from({ length: 50 }, (_, i) => `SKU-${String(i * 7 + 3).padStart(4, '0')}`);
    const result = await run('catalog', ENTITIES, { r: skus.map((sku) => ({ __typename: 'Product', sku })) });
    expect(result.errors).toBeUndefined();
    expect((result.data?._entities as Array<{ sku: string }>).map((p) => p.sku)).toEqual(skus);
    expect(calls(mocks.catalog, 'GET /products')).toBe(1);
    expect(mocks.catalog.stats().total).toBe(1);
  });

  it('splits a batch over maxBatchSize', async () => {
    const small = createLocalSubgraphs({ services: services(), maxBatchSize: 20 });
    extra.push(small);
    const skus = Array.from({ length: 50 }, (_, i) => `SKU-${String(i + 1).padStart(4, '0')}`);
    const result = await run('catalog', ENTITIES, { r: skus.map((sku) => ({ __typename: 'Product', sku })) }, context(), small);
    expect(result.errors).toBeUndefined();
    expect(calls(mocks.catalog, 'GET /products')).toBe(3);
  });

  it('nulls an unknown sku with NOT_FOUND', async () => {
    const result = await run('catalog', '{ product(sku: "SKU-9999") { sku } }');
    expect(result.data?.product).toBeNull();
    expect(codes(result.errors)).toMatchObject([{ path: ['product'], code: 'NOT_FOUND' }]);
  });

  it('searches, and primes the loader with what it found', async () => {
    const ctx = context();
    const first = await run('catalog', '{ product(sku: "SKU-0001") { category } }', undefined, ctx);
    const category = first.data?.product.category as string;
    const result = await run('catalog', 'query ($q: String!) { searchProducts(query: $q, first: 3) { sku category } }', { q: category }, ctx);
    const found = result.data?.searchProducts as Array<{ sku: string; category: string }>;
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThanOrEqual(3);
    mocks.catalog.resetStats();
    await run('catalog', ENTITIES, { r: found.map((p) => ({ __typename: 'Product', sku: p.sku })) }, ctx);
    expect(mocks.catalog.stats().total).toBe(0);
  });

  it('rejects a bad first with BAD_USER_INPUT before calling the service', async () => {
    const result = await run('catalog', '{ searchProducts(query: "a", first: -1) { sku } }');
    expect(codes(result.errors)).toMatchObject([{ code: 'BAD_USER_INPUT', field: 'first' }]);
    expect(mocks.catalog.stats().total).toBe(0);
  });
});

describe('orders', () => {
  it('resolves an order with its user and products as keys', async () => {
    const result = await run('orders', '{ order(id: "1") { id status createdAt total items { quantity unitPrice product { sku } } user { id } } }');
    expect(result.errors).toBeUndefined();
    const order = result.data?.order;
    expect(order.id).toBe('1');
    expect(['PENDING', 'PAID', 'SHIPPED', 'DELIVERED']).toContain(order.status);
    expect(order.items.length).toBeGreaterThan(0);
    expect(order.items[0].product.sku).toMatch(/^SKU-\d{4}$/);
    expect(order.user.id).toMatch(/^\d+$/);
  });

  it("lists a user's orders and primes the order loader", async () => {
    const ctx = context();
    const result = await run(
      'orders',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders(first: 2) { id } } } }',
      { r: [{ __typename: 'User', id: '1' }, { __typename: 'User', id: '2' }] },
      ctx,
    );
    expect(result.errors).toBeUndefined();
    const ids = (result.data?._entities as Array<{ orders: Array<{ id: string }> }>).flatMap((u) => u.orders.map((o) => o.id));
    expect(ids.length).toBeGreaterThan(0);
    // Both users' orders in one batch call.
    expect(calls(mocks.orders, 'GET /orders')).toBe(1);
    await run('orders', ENTITIES, { r: ids.map((id) => ({ __typename: 'Order', id })) }, ctx);
    expect(calls(mocks.orders, 'GET /orders')).toBe(1);
  });

  it('creates an order', async () => {
    const result = await run(
      'orders',
      'mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id status total items { quantity product { sku } } user { id } } }',
      { input: { userId: '1', items: [{ sku: 'SKU-0002', quantity: 2 }] } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.createOrder).toMatchObject({ user: { id: '1' }, items: [{ quantity: 2, product: { sku: 'SKU-0002' } }] });
  });

  it('turns a 400 into BAD_USER_INPUT with the field', async () => {
    const result = await run('orders', 'mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id } }', {
      input: { userId: '1', items: [{ sku: 'SKU-0002', quantity: 0 }] },
    });
    expect(result.data).toBeNull();
    expect(codes(result.errors)).toEqual([{ path: ['createOrder'], code: 'BAD_USER_INPUT', field: 'items[0].quantity' }]);
  });
});

describe('bff dashboard', () => {
  const DASHBOARD = '{ dashboard(userId: "1") { user { id } recentOrders { id } recommendedProducts { sku } } }';

  it('reads three services and primes the loaders, so the follow-up entity fetches cost nothing', async () => {
    const ctx = context();
    const result = await run('bff', DASHBOARD, undefined, ctx);
    expect(result.errors).toBeUndefined();
    const dashboard = result.data?.dashboard;
    expect(dashboard.user).toEqual({ id: '1' });
    expect(dashboard.recentOrders.length).toBeGreaterThan(0);
    expect(dashboard.recentOrders.length).toBeLessThanOrEqual(5);
    expect(dashboard.recommendedProducts).toHaveLength(5);
    expect(calls(mocks.users, 'GET /users')).toBe(1);
    expect(calls(mocks.orders, 'GET /orders')).toBe(1);
    expect(calls(mocks.catalog, 'GET /products/recommendations')).toBe(1);
    expect(mocks.orders.stats().lastHeaders['x-request-id']).toBe('req-test');

    const before = upstreamTotal();
    // What the gateway does next, with the same context: fetch the stubs from their owners.
    const users = await run('users', ENTITIES, { r: [{ __typename: 'User', id: '1' }] }, ctx);
    const orders = await run('orders', ENTITIES, { r: dashboard.recentOrders.map((o: { id: string }) => ({ __typename: 'Order', ...o })) }, ctx);
    const products = await run('catalog', ENTITIES, { r: dashboard.recommendedProducts.map((p: { sku: string }) => ({ __typename: 'Product', ...p })) }, ctx);
    expect([users.errors, orders.errors, products.errors]).toEqual([undefined, undefined, undefined]);
    expect(users.data?._entities[0].name).toBe('Ada Lovelace');
    expect(orders.data?._entities.every((o: { status?: string }) => typeof o.status === 'string')).toBe(true);
    expect(products.data?._entities.every((p: { title?: string }) => typeof p.title === 'string')).toBe(true);
    expect(upstreamTotal()).toBe(before);
  });

  it('starts the three reads at once', async () => {
    for (const s of rest()) s.setFaults({ latencyMs: 300 });
    const started = Date.now();
    const result = await run('bff', DASHBOARD);
    expect(result.errors).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('reads only the services of the fields asked for', async () => {
    const result = await run('bff', '{ dashboard(userId: "1") { user { id } } }');
    expect(result.data?.dashboard).toEqual({ user: { id: '1' } });
    expect(mocks.orders.stats().total + mocks.catalog.stats().total).toBe(0);
  });

  it('users down: only dashboard.user is null, with SUBGRAPH_UNAVAILABLE naming users', async () => {
    await mocks.users.stop();
    try {
      const result = await run('bff', DASHBOARD);
      expect(result.data?.dashboard.user).toBeNull();
      expect(result.data?.dashboard.recentOrders.length).toBeGreaterThan(0);
      expect(result.data?.dashboard.recommendedProducts).toHaveLength(5);
      expect(codes(result.errors)).toEqual([{ path: ['dashboard', 'user'], code: 'SUBGRAPH_UNAVAILABLE', service: 'users' }]);
      expect(result.errors?.[0]?.message).toBe('The users service is unavailable.');
    } finally {
      await mocks.users.resume();
    }
  });

  it('catalog failing or slow nulls recommendedProducts only', async () => {
    mocks.catalog.setFaults({ status: 500 });
    const failed = await run('bff', DASHBOARD);
    expect(failed.data?.dashboard.user).toEqual({ id: '1' });
    expect(failed.data?.dashboard.recommendedProducts).toBeNull();
    expect(codes(failed.errors)).toEqual([{ path: ['dashboard', 'recommendedProducts'], code: 'SUBGRAPH_UNAVAILABLE', service: 'catalog' }]);

    const quick = createLocalSubgraphs({ services: services(), timeoutMs: 150 });
    extra.push(quick);
    mocks.catalog.setFaults({ latencyMs: 2_000 });
    const slow = await run('bff', DASHBOARD, undefined, context(), quick);
    expect(slow.data?.dashboard.recentOrders.length).toBeGreaterThan(0);
    expect(slow.data?.dashboard.recommendedProducts).toBeNull();
    expect(codes(slow.errors)).toEqual([{ path: ['dashboard', 'recommendedProducts'], code: 'SUBGRAPH_TIMEOUT', service: 'catalog' }]);
  });
});

describe('createLocalSubgraphs', () => {
  it('names the bad option', () => {
    expect(() => createLocalSubgraphs({ services: services(), maxBatchSize: 0 })).toThrow(/maxBatchSize/);
    expect(() => createLocalSubgraphs({ services: { ...services(), orders: 'not a url' } })).toThrow(/orders/);
  });
});
