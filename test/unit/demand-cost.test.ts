import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { actualCost } from '../../src/demand/actualCost.js';
import { costModel, EMPTY_COST_MODEL } from '../../src/demand/costDirectives.js';
import { estimateCost } from '../../src/demand/estimateCost.js';
import { supergraphOf } from '../helpers/supergraph.js';

// One subgraph with every cost directive; composition (Federation 2.9) carries them into the supergraph.
const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
  type Query {
    user(id: ID!): User
    users: [User!]!
    top(first: Int = 5, last: Int): [User!]! @listSize(slicingArguments: ["first", "last"])
    search(first: Int): [User!]! @listSize(slicingArguments: ["first"], assumedSize: 30, requireOneSlicingArgument: false)
    page(first: Int!): UserPage! @listSize(slicingArguments: ["first"], sizedFields: ["items"])
    report: String @cost(weight: 50)
    find(filter: Filter @cost(weight: 3)): [User!]! @listSize(assumedSize: 2)
  }
  type Mutation { rename(id: ID!, name: String!): User }
  type User @key(fields: "id") {
    id: ID!
    name: String!
    friends: [User!]! @listSize(assumedSize: 7)
    following(first: Int): [User!]! @listSize(slicingArguments: ["first"])
    avatar: Image
  }
  type Image @cost(weight: 4) { url: String! }
  type UserPage { items: [User!]! total: Int! }
  input Filter { name: String, tags: [String!] @cost(weight: 2) }
`;

const supergraphSdl = supergraphOf([{ name: 'users', url: 'http://users', sdl: SDL }]);
const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
const model = costModel(supergraphSdl);
const options = { model, defaultListSize: 10 };

function operation(query: string) {
  const document = parse(query);
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { op, fragments };
}

const cost = (query: string, variables: Record<string, unknown> = {}, opts = options) => {
  const { op, fragments } = operation(query);
  return estimateCost(schema, op, fragments, variables, opts);
};

describe('cost directives from the supergraph', () => {
  it('reads @cost on fields, types and arguments, and @listSize, from the composed supergraph', () => {
    expect(model.fieldWeights.get('Query.report')).toBe(50);
    expect(model.typeWeights.get('Image')).toBe(4);
    expect(model.inputWeights.get('Query.find(filter:)')).toBe(3);
    expect(model.inputWeights.get('Filter.tags')).toBe(2);
    expect(model.listSizes.get('User.friends')).toEqual({ assumedSize: 7, requireOneSlicingArgument: true });
    expect(model.listSizes.get('Query.page')).toEqual({ slicingArguments: ['first'], sizedFields: ['items'], requireOneSlicingArgument: true });
    expect(model.listSizes.get('Query.search')).toMatchObject({ assumedSize: 30, requireOneSlicingArgument: false });
  });

  it('finds renamed directives through the cost link', () => {
    const sdl = `
      schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/cost/v0.1", as: "price", import: [{ name: "@listSize", as: "@size" }]) { query: Query }
      type Query { a: [String] @size(assumedSize: 3) b: Int @price(weight: 9) c: [Int] @price__listSize(assumedSize: 1) }`;
    const renamed = costModel(sdl);
    expect(renamed.listSizes.get('Query.a')?.assumedSize).toBe(3);
    expect(renamed.fieldWeights.get('Query.b')).toBe(9);
    expect(renamed.listSizes.has('Query.c')).toBe(false);
  });

  it('is empty for a supergraph without the cost spec', () => {
    expect(costModel('type Query { a: Int @cost(weight: 5) }')).toBe(EMPTY_COST_MODEL);
  });
});

describe('static cost estimate', () => {
  it('costs objects 1 and scalars 0', () => {
    expect(cost('{ user(id: "1") { id name } }').cost).toBe(1);
    expect(cost('{ user(id: "1") { id avatar { url } } }').cost).toBe(1 + 4);
  });

  it('multiplies lists by the default size, or by @listSize(assumedSize:), down each path', () => {
    expect(cost('{ users { id } }').cost).toBe(10);
    expect(cost('{ users { friends { id } } }').cost).toBe(10 * (1 + 7));
    expect(cost('{ users { friends { friends { friends { id } } } } }').cost).toBe(10 * (1 + 7 * (1 + 7 * (1 + 7))));
    expect(cost('{ users { id } }', {}, { model, defaultListSize: 50 }).cost).toBe(50);
  });

  it('sizes a list by its slicing argument: literal, variable or default, the largest of several', () => {
    expect(cost('{ top(first: 3) { id } }').cost).toBe(3);
    expect(cost('query ($n: Int) { top(first: $n) { id } }', { n: 40 }).cost).toBe(40);
    expect(cost('{ search { id } }').cost).toBe(30);
    expect(cost('{ search(first: 2) { id } }').cost).toBe(2);
    expect(cost('{ top(first: 1000000) { friends { id } } }').cost).toBe(1_000_000 * 8);
  });

  it('reports a field that needs exactly one slicing argument and got two', () => {
    const { cost: estimate, problems } = cost('{ top(first: 3, last: 4) { id } }');
    expect(estimate).toBe(4);
    expect(problems).toEqual([expect.stringContaining('Query.top needs exactly one of its slicing arguments (first, last)')]);
    expect(cost('{ top(last: 4) { id } }').problems).toHaveLength(1);
    expect(cost('{ search { id } }').problems).toEqual([]);
  });

  it('passes a slicing argument to sized fields (connections)', () => {
    expect(cost('{ page(first: 25) { total items { id } } }').cost).toBe(1 + 25);
  });

  it('adds @cost of fields, input objects and weighted arguments; mutations cost 10 more', () => {
    expect(cost('{ report }').cost).toBe(50);
    expect(cost('{ find(filter: { name: "a" }) { id } }').cost).toBe(2 + 3);
    expect(cost('query ($f: Filter) { find(filter: $f) { id } }', { f: { tags: ['a', 'b', 'c'] } }).cost).toBe(2 + 3 + 2 + 3 * 2);
    expect(cost('mutation { rename(id: "1", name: "x") { id } }').cost).toBe(10 + 1);
  });

  it('follows fragments, spread once or a thousand times, and skips what @skip/@include leave out', () => {
    expect(cost('{ users { ...F } } fragment F on User { friends { id } }').cost).toBe(80);
    const spreads = Array.from({ length: 1000 }, () => '...F').join(' ');
    expect(cost(`{ users { ${spreads} } } fragment F on User { friends { id } }`).cost).toBe(10 * (1 + 1000 * 7));
    expect(cost('query ($s: Boolean!) { users { friends @skip(if: $s) { id } } }', { s: true }).cost).toBe(10);
    expect(cost('{ users { friends @include(if: false) { id } ... on User { avatar { url } } } }').cost).toBe(10 * (1 + 4));
  });

  it('leaves introspection free', () => {
    expect(cost('{ __typename __schema { types { name } } }').cost).toBe(0);
  });

  it('reaches astronomic numbers for amplification queries, never NaN', () => {
    const nest = (n: number): string => (n === 0 ? 'id' : `friends { ${nest(n - 1)} }`);
    const aliases = Array.from({ length: 4 }, (_, i) => `a${i}: users { ${nest(60)} }`).join(' ');
    const { cost: huge } = cost(`{ ${aliases} }`);
    expect(huge).toBeGreaterThan(1e50);
    // An empty list under which an infinite subtree hangs costs nothing, and never turns the sum into NaN.
    const nested = 'following(first: $n) { following(first: $n) { id } }';
    expect(cost(`query ($n: Int) { empty: top(first: 0) { ${nested} } }`, { n: 1e308 }).cost).toBe(0);
    expect(cost(`query ($n: Int) { empty: top(first: 0) { ${nested} } big: top(first: 1) { ${nested} } }`, { n: 1e308 }).cost).toBe(Infinity);
  });
});

describe('actual cost', () => {
  const actual = (query: string, data: Record<string, unknown>, variables: Record<string, unknown> = {}) => {
    const { op, fragments } = operation(query);
    return actualCost(schema, op, fragments, variables, data, model);
  };

  it('counts lists at their returned length, and nothing for null or absent fields', () => {
    const data = { users: [{ friends: [{ id: '1' }, { id: '2' }] }, { friends: [] }, { friends: [{ id: '3' }] }] };
    expect(actual('{ users { friends { id } } }', data)).toBe(3 + 3);
    expect(actual('{ users { friends { id } } }', { users: [] })).toBe(0);
    expect(actual('{ user(id: "1") { avatar { url } } }', { user: { avatar: null } })).toBe(1);
    expect(actual('{ user(id: "1") { avatar { url } } }', { user: { avatar: { url: 'u' } } })).toBe(1 + 4);
  });

  it('follows fragments that apply and adds mutation and argument weights as the estimate does', () => {
    expect(actual('{ users { ...F } } fragment F on User { friends { id } }', { users: [{ friends: [{ id: '1' }] }] })).toBe(2);
    expect(actual('mutation { rename(id: "1", name: "x") { id } }', { rename: { id: '1' } })).toBe(11);
    expect(actual('{ find(filter: { name: "a" }) { id } }', { find: [{ id: '1' }] })).toBe(1 + 3);
  });
});

describe('actual cost, planned once per selection set', () => {
  const actual = (query: string, data: Record<string, unknown>, variables: Record<string, unknown> = {}) => {
    const { op, fragments } = operation(query);
    return actualCost(schema, op, fragments, variables, data, model);
  };

  it('reads @skip/@include on fragments per request, and counts a fragment spread twice once', () => {
    const query = 'query ($on: Boolean!) { users { ... @include(if: $on) { avatar { url } } ...F ...F } } fragment F on User { friends { id } }';
    const data = { users: [{ avatar: { url: 'u' }, friends: [{ id: '1' }] }] };
    expect(actual(query, data, { on: true })).toBe(1 + 4 + 1);
    expect(actual(query, data, { on: false })).toBe(1 + 1);
  });

  it('plans a fragment-spread bomb in linear time: ten spreads at each of eight levels', () => {
    const levels = Array.from({ length: 8 }, (_, i) => `fragment F${i} on User { id ${Array.from({ length: 10 }, () => `...F${i + 1}`).join(' ')} }`);
    const query = `{ users { ...F0 } } ${levels.join(' ')} fragment F8 on User { friends { id } }`;
    // 10^8 walks would take minutes, past the test's timeout; a linear plan takes milliseconds.
    expect(actual(query, { users: [{ id: '1', friends: [{ id: '2' }] }] })).toBe(2);
    expect(cost(query).cost).toBe(10 * (1 + 10 ** 8 * 7));
  });

  it('applies a narrower type condition by __typename', () => {
    const query = '{ users { ... on User { friends { id } } } }';
    expect(actual(query, { users: [{ __typename: 'User', friends: [{ id: '1' }, { id: '2' }] }] })).toBe(3);
  });
});
