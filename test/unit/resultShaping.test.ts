import { buildSchema, operationFromDocument, type FieldSelection } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { computeResponse, type ComputeResponseArgs } from '../../src/gateway/execution/resultShaping.js';

// The reference: @apollo/gateway's own result shaping, a module it does not export. Only this test
// reads it; if a gateway release moves it, this reference moves with it and the product does not.
const apolloComputeResponse = () =>
  (createRequire(import.meta.url)('@apollo/gateway/dist/resultShaping.js') as { computeResponse: typeof computeResponse }).computeResponse;

const schema = buildSchema(`
  scalar JSON
  type Query { me: User, users: [User!]!, node(id: ID!): Node, search: [Result], product(id: ID!): Product!, count: Int, flag: Boolean, code: ID, ratio: Float, meta: JSON, level: Status, name: String }
  interface Node { id: ID! }
  type User implements Node { id: ID!, name: String, friends: [User], status: Status!, score: Float }
  type Product implements Node { id: ID!, title: String!, price: Int!, tags: [String!] }
  union Result = User | Product
  enum Status { ACTIVE INACTIVE }
`);

const introspectionHandling = (selection: FieldSelection) => ({ name: `introspected ${selection.element.responseName()}` });

function both(query: string, input: Record<string, unknown> | null, variables?: Record<string, unknown>) {
  const run = (shape: (args: ComputeResponseArgs) => { data: unknown; errors: readonly { message: string; path?: readonly unknown[] }[] }) => {
    // A fresh operation per run, as the gateway builds one per request.
    const operation = operationFromDocument(schema, parse(query), { validate: false });
    const { data, errors } = shape({ operation, variables, input: structuredClone(input), introspectionHandling });
    return { data: JSON.parse(JSON.stringify(data ?? null)) as unknown, errors: errors.map((e) => ({ message: e.message, path: e.path })) };
  };
  const ours = run(computeResponse);
  expect(ours).toEqual(run(apolloComputeResponse() as never));
  // Twice: the second run reads its compiled steps from the cache.
  expect(run(computeResponse)).toEqual(ours);
  return ours;
}

const user = (id: number, extra: Record<string, unknown> = {}) => ({ __typename: 'User', id: String(id), name: `U${id}`, status: 'ACTIVE', score: 1.5, friends: [], ...extra });

describe('result shaping, compared with @apollo/gateway', () => {
  it('keeps aliases and __typename, drops what the plan added', () => {
    const out = both('{ me { __typename id n: name t: __typename } users { id name status } }', {
      me: { __typename: 'User', id: '1', n: 'Ann', t: 'User', hidden: 'key-field' },
      users: [user(2), user(3)],
    });
    expect(out.data).toEqual({ me: { __typename: 'User', id: '1', n: 'Ann', t: 'User' }, users: [{ id: '2', name: 'U2', status: 'ACTIVE' }, { id: '3', name: 'U3', status: 'ACTIVE' }] });
  });

  it('applies type conditions on interfaces and unions, and named fragments', () => {
    both(
      'query Q { node(id: 1) { __typename id ... on User { name } ... on Product { title } } search { ... on User { id } ... F } } fragment F on Product { id title price }',
      { node: { __typename: 'Product', id: 'p', title: 'Lamp' }, search: [user(1), { __typename: 'Product', id: 'p', title: 'Lamp', price: 3 }, null] },
    );
  });

  it('reads @skip and @include literals and variables', () => {
    const query = 'query($s: Boolean!, $i: Boolean = true) { me @skip(if: $s) { id } users @include(if: $i) { id name @include(if: false) } }';
    const input = { me: user(1), users: [user(2)] };
    expect(both(query, input, { s: false }).data).toEqual({ me: { id: '1' }, users: [{ id: '2' }] });
    expect(both(query, input, { s: true, i: false }).data).toEqual({});
  });

  it('bubbles nulls to the nearest nullable parent, with one error', () => {
    const out = both('{ product(id: 1) { id title } count }', { product: { __typename: 'Product', id: 'p', title: null }, count: 3 });
    expect(out.data).toBeNull();
    expect(out.errors[0]!.message).toMatch(/non-nullable field Product.title/);
    both('{ users { id name } me { id } }', { users: [user(1), { __typename: 'User', id: null, name: 'x' }], me: user(3) });
    both('{ me { friends { id } } }', { me: { __typename: 'User', friends: [user(1), null, { __typename: 'User', id: null }] } });
  });

  it('reports leaf values of the wrong type and unknown __typenames', () => {
    const out = both('{ count flag me { status score } }', { count: 'abc', flag: 1, me: { __typename: 'User', status: 'UNKNOWN', score: 'x' } });
    expect(out.errors.length).toBeGreaterThan(0);
    both('{ me { id } node(id: 1) { id } }', { me: { __typename: 'Nope', id: '1' }, node: { __typename: 'Query', id: '1' } });
  });

  it('checks every kind of leaf as the gateway does', () => {
    const query = '{ count flag code ratio meta level name me { status score } }';
    const inputs = [
      { count: 3, flag: true, code: 12, ratio: 2, meta: { any: ['thing'] }, level: 'ACTIVE', name: 'n', me: { __typename: 'User', status: 'INACTIVE', score: 1 } },
      { count: 1.5, flag: 'true', code: 1.5, ratio: '2', meta: 'x', level: 'NOPE', name: 7, me: { __typename: 'User', status: 3, score: true } },
      { count: '3', flag: 0, code: true, ratio: Number.POSITIVE_INFINITY, meta: null, level: 1, name: true, me: { __typename: 'User', status: null, score: null } },
      { count: -0, flag: null, code: '00', ratio: -1.25, meta: 0, level: null, name: null, me: { __typename: 'User', status: 'ACTIVE', score: '1.5' } },
      // Integers are told by how they print: 1e21 and above print in exponent form.
      { count: 1e21, code: 999_999_999_999_999_900_000, ratio: 1e21 },
      { count: -999_999_999_999_999_900_000, code: -1e21, ratio: Number.NaN },
      { count: 2 ** 53 + 2, code: -2.5e-7, ratio: 3 },
    ];
    for (const input of inputs) both(query, input);
    const bad = both(query, inputs[1]!);
    expect(bad.errors.map((e) => e.path)).toContainEqual(['count']);
  });

  it('fills missing fields with null and keeps a null answer null', () => {
    both('{ me { id name } count }', { me: { __typename: 'User', id: '1' } });
    both('{ me { id } }', null);
  });

  it('answers __typename at the root and hands introspection fields to the gateway', () => {
    const out = both('{ __typename t: __typename __type(name: "User") { name } count }', { count: 1 });
    expect(out.data).toEqual({ __typename: 'Query', t: 'Query', __type: { name: 'introspected __type' }, count: 1 });
  });

  it('shapes lists of scalars and nested lists of objects', () => {
    both('{ product(id: 1) { tags } users { friends { name friends { id } } } }', {
      product: { __typename: 'Product', tags: ['a', 'b'] },
      users: [user(1, { friends: [user(2, { friends: [user(3)] }), null] })],
    });
    both('{ product(id: 1) { tags } }', { product: { __typename: 'Product', tags: ['a', null] } });
  });
});
