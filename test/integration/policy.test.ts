import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/devToken.js';
import { startStack, type GraphQLResponse, type Stack } from '../helpers/stack.js';

const JWT_SECRET = 'policy-test-secret-of-at-least-32-bytes';
const as = async (sub: string, ...scopes: string[]) => ({
  authorization: `Bearer ${await signDevToken({ secret: JWT_SECRET, sub, scopes })}`,
});
const errorsAt = (body: GraphQLResponse['body']) =>
  (body.errors ?? []).map((e) => ({ path: e.path?.join('.'), code: e.extensions?.code }));

describe('the rule tree at the edge, over every subgraph', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { JWT_SECRET } });
  });
  afterAll(() => stack?.close());

  it('@requiresScopes declared in the remote inventory SDL is enforced at the edge, at the exact path', async () => {
    const query = '{ product(sku: "SKU-0002") { sku title shippingEstimate inStock } }';
    stack.mocks.inventory.resetStats();

    const anonymous = await stack.query(query);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.data.product).toEqual({ sku: 'SKU-0002', title: expect.any(String), shippingEstimate: null, inStock: true });
    expect(errorsAt(anonymous.body)).toEqual([{ path: 'product.shippingEstimate', code: 'UNAUTHENTICATED' }]);

    const withoutScope = await stack.query(query, undefined, await as('1', 'user:email'));
    expect(withoutScope.body.data.product.shippingEstimate).toBeNull();
    expect(withoutScope.body.data.product.title).toEqual(expect.any(String));
    expect(errorsAt(withoutScope.body)).toEqual([{ path: 'product.shippingEstimate', code: 'FORBIDDEN' }]);

    const withScope = await stack.query(query, undefined, await as('1', 'inventory:read'));
    expect(withScope.body.errors).toBeUndefined();
    expect(withScope.body.data.product.shippingEstimate).toEqual(expect.any(Number));
  });

  it('a denied remote field is never asked of its subgraph', async () => {
    stack.mocks.inventory.resetStats();
    const { body } = await stack.query('{ product(sku: "SKU-0004") { title shippingEstimate } }');
    expect(body.data.product.title).toEqual(expect.any(String));
    expect(stack.mocks.inventory.stats().total).toBe(0);
  });

  it('a rule on a field of the remote reviews subgraph: null with null propagation, siblings served', async () => {
    const query = '{ review(id: "r1") { rating author { name } } product(sku: "SKU-0002") { title } }';
    const anonymous = await stack.query(query);
    // `author` is non-null, so its review becomes null; the sibling root field is served.
    expect(anonymous.body.data).toEqual({ review: null, product: { title: expect.any(String) } });
    expect(errorsAt(anonymous.body)).toEqual([{ path: 'review.author', code: 'UNAUTHENTICATED' }]);

    const signedIn = await stack.query(query, undefined, await as('7'));
    expect(signedIn.body.errors).toBeUndefined();
    expect(signedIn.body.data.review).toEqual({ rating: expect.any(Number), author: { name: expect.any(String) } });
  });

  it('the same query from a denied viewer, an allowed one, then the denied one again: each gets its own shape', async () => {
    const query = '{ user(id: "1") { name email } }';
    const allowed = await as('1', 'user:email');
    for (const headers of [{}, allowed, {}, allowed, {}]) {
      const { body } = await stack.query(query, undefined, headers);
      if ('authorization' in headers) {
        expect(body.errors).toBeUndefined();
        expect(body.data.user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
      } else {
        expect(body.data.user).toEqual({ name: 'Ada Lovelace', email: null });
        expect(errorsAt(body)).toEqual([{ path: 'user.email', code: 'UNAUTHENTICATED' }]);
      }
    }
  });

  it('a denied mutation never reaches its service; with nothing left, data is null', async () => {
    const mutation = 'mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id status } }';
    const input = { input: { userId: '1', items: [{ sku: 'SKU-0002', quantity: 1 }] } };
    stack.mocks.orders.resetStats();

    const denied = await stack.query(mutation, input);
    expect(denied.status).toBe(200);
    expect(denied.body.data).toBeNull();
    expect(errorsAt(denied.body)).toEqual([{ path: 'createOrder', code: 'UNAUTHENTICATED' }]);
    expect(stack.mocks.orders.stats().routes['POST /orders']).toBe(0);

    const allowed = await stack.query(mutation, input, await as('1'));
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data.createOrder.status).toBe('PENDING');
    expect(stack.mocks.orders.stats().routes['POST /orders']).toBe(1);
  });

  it('fragments, aliases and variables: every path that reaches a denied field gets its null', async () => {
    const query = `query Q($id: ID!, $sku: ID!) {
      a: user(id: $id) { ...Who }
      b: user(id: "2") { ...Who mail: email }
      product(sku: $sku) { title }
    }
    fragment Who on User { name email }`;
    const { body } = await stack.query(query, { id: '1', sku: 'SKU-0003' });
    expect(body.data).toEqual({
      a: { name: 'Ada Lovelace', email: null },
      b: { name: expect.any(String), email: null, mail: null },
      product: { title: expect.any(String) },
    });
    expect(errorsAt(body).map((e) => e.path)).toEqual(['a.email', 'b.email', 'b.mail']);
  });
});

describe('the order-owner rule, inside the orders subgraph', () => {
  let stack: Stack;
  let own: string;
  let other: string;
  beforeAll(async () => {
    stack = await startStack({ env: { JWT_SECRET } });
    const orders = (await (await fetch(`${stack.mocks.orders.url}/orders?ids=1,2,3,4,5,6,7,8,9,10`)).json()) as { id: string; userId: string }[];
    own = (await (await fetch(`${stack.mocks.orders.url}/orders?userId=1`)).json() as { id: string }[])[0]!.id;
    other = orders.find((o) => o.userId !== '1')!.id;
  });
  afterAll(() => stack?.close());

  const query = (id: string) => `{ order(id: "${id}") { id status total } }`;

  it('the owner reads the total; another viewer gets FORBIDDEN from the orders subgraph', async () => {
    const owner = await stack.query(query(own), undefined, await as('1'));
    expect(owner.body.errors).toBeUndefined();
    expect(owner.body.data.order.total).toEqual(expect.any(Number));

    const stranger = await stack.query(query(other), undefined, await as('1'));
    // `total` is non-null: the order becomes null, with the error at the field.
    expect(stranger.body.data.order).toBeNull();
    expect(stranger.body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.serviceName])).toEqual([
      ['order.total', 'FORBIDDEN', 'orders'],
    ]);

    const anonymous = await stack.query(query(own));
    expect(anonymous.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('orders:read:all reads any order; fields without a rule are readable by anyone', async () => {
    const ops = await stack.query(query(other), undefined, await as('ops', 'orders:read:all'));
    expect(ops.body.errors).toBeUndefined();
    expect(ops.body.data.order.total).toEqual(expect.any(Number));
    const open = await stack.query(`{ order(id: "${other}") { id status } }`);
    expect(open.body.errors).toBeUndefined();
    expect(open.body.data.order).toEqual({ id: other, status: expect.any(String) });
  });
});
