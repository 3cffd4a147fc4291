import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSubgraphCacheHints } from '../../src/cache/cacheHints.js';

const schema = buildSubgraphSchema({
  typeDefs: parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
    enum CacheControlScope { PUBLIC PRIVATE }
    type Query {
      product(sku: ID!): Product
      user(id: ID!): User
      stats: Stats
      version: String
    }
    type Product @key(fields: "sku") @cacheControl(maxAge: 60) { sku: ID! title: String! details: Details }
    type Details @cacheControl(inheritMaxAge: true) { weight: Float }
    type User @key(fields: "id") @cacheControl(maxAge: 30) { id: ID! name: String email: String @cacheControl(scope: PRIVATE) }
    type Stats { count: Int }
  `),
  resolvers: {},
});

describe('cache hints of an in-process subgraph operation (@cacheControl, Apollo semantics)', () => {
  const hintOf = createSubgraphCacheHints(schema);
  const hint = (query: string) => hintOf(parse(query));

  it('takes the type hint of an object field, and scalars inherit', () => {
    expect(hint('{ product(sku: "1") { sku title } }')).toEqual({ maxAge: 60, scope: undefined });
    expect(hint('{ product(sku: "1") { details { weight } } }')).toEqual({ maxAge: 60, scope: undefined });
  });

  it('the lowest maxAge and PRIVATE win across fields', () => {
    expect(hint('{ product(sku: "1") { sku } user(id: "1") { name } }')).toEqual({ maxAge: 30, scope: undefined });
    expect(hint('{ product(sku: "1") { sku } user(id: "1") { email } }')).toEqual({ maxAge: 30, scope: 'PRIVATE' });
  });

  it('a root or object field without a hint gets defaultMaxAge (0: not cacheable)', () => {
    expect(hint('{ stats { count } }').maxAge).toBe(0);
    expect(hint('{ version }').maxAge).toBe(0);
    expect(createSubgraphCacheHints(schema, { defaultMaxAge: 5 })(parse('{ version product(sku: "1") { sku } }')).maxAge).toBe(5);
  });

  it('_entities takes the hints of the entity types it selects', () => {
    const q = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } ... on Product { title } } }';
    expect(hint(q)).toEqual({ maxAge: 30, scope: 'PRIVATE' });
    expect(hint('query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { title } } }')).toEqual({ maxAge: 60, scope: undefined });
  });

  it('follows named fragments', () => {
    expect(hint('{ user(id: "1") { ...F } } fragment F on User { email }').scope).toBe('PRIVATE');
  });

  it('app hints replace the SDL by Type or Type.field', () => {
    const withOverrides = createSubgraphCacheHints(schema, { hints: { Product: { maxAge: 5 }, 'User.email': { scope: 'PUBLIC' } } });
    expect(withOverrides(parse('{ product(sku: "1") { sku } }')).maxAge).toBe(5);
    expect(withOverrides(parse('{ user(id: "1") { email } }')).scope).toBe('PUBLIC');
  });

  it('is memoized per document', () => {
    const doc = parse('{ product(sku: "1") { sku } }');
    expect(hintOf(doc)).toBe(hintOf(doc));
  });
});
