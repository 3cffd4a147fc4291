import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { purgeTagsFor } from '../../src/cache/purgeRules.js';
import { responseTags } from '../../src/cache/responseTags.js';

const schema = buildSchema(`
  type Query { user(id: ID!): User, product(sku: ID!): Product, search: [Result!]! }
  type Mutation { createOrder(input: OrderInput!): Order!, other: Boolean }
  input OrderInput { userId: ID! }
  union Result = User | Product
  type User { id: ID!, name: String, orders: [Order!]! }
  type Order { id: ID!, user: User! }
  type Product { sku: ID!, title: String }
`);

function tags(query: string, data: Record<string, unknown>, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  return [...responseTags(schema, document, operation, data, variables, { keyFields: { Product: 'sku' } })].sort();
}

describe('response tags', () => {
  it('tags the types held and Type:key for selected keys and key arguments', () => {
    expect(tags('{ user(id: "1") { name orders { id } } }', { user: { name: 'A', orders: [{ id: '7' }, { id: '8' }] } })).toEqual(
      ['Order', 'Order:7', 'Order:8', 'Query', 'User', 'User:1'].sort(),
    );
  });

  it('reads key arguments from variables, and custom key fields', () => {
    expect(tags('query($s: ID!) { p: product(sku: $s) { title } }', { p: { title: 'x' } }, { s: 'SKU-1' })).toContain('Product:SKU-1');
  });

  it('uses __typename for abstract fields, and every possible type without it', () => {
    expect(tags('{ search { __typename ... on User { id } } }', { search: [{ __typename: 'User', id: '3' }] })).toEqual(['Query', 'User', 'User:3']);
    expect(tags('{ search { ... on Product { sku } } }', { search: [{ sku: 'S' }] })).toEqual(
      expect.arrayContaining(['Product', 'User', 'Product:S']),
    );
  });

  it('follows aliases and fragments', () => {
    expect(tags('{ u: user(id: "2") { ...F } } fragment F on User { ident: id }', { u: { ident: '2' } })).toContain('User:2');
  });
});

describe('purge rules', () => {
  const mutation = (query: string) => parse(query).definitions[0] as OperationDefinitionNode;
  const rules = { 'Mutation.createOrder': ({ args, result }: { args: any; result: any }) => ['Order', `User:${args.input.userId}`, `Order:${result?.id}`] };

  it('run for the mutation fields that have one, with coerced arguments and the result', () => {
    const op = mutation('mutation($in: OrderInput!) { created: createOrder(input: $in) { id } other }');
    expect(purgeTagsFor(schema, op, { created: { id: '9' }, other: true }, { in: { userId: '5' } }, rules)).toEqual(['Order', 'User:5', 'Order:9']);
  });

  it('give nothing for fields without a rule', () => {
    expect(purgeTagsFor(schema, mutation('mutation { other }'), { other: true }, {}, rules)).toEqual([]);
  });
});
