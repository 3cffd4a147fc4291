import { describe, expect, it } from 'vitest';
import { buildSchema } from 'graphql';
import type { FetchNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import { deepMerge, entityRepresentations, executeSelectionSet, flattenResultsAtPath } from '../../src/gateway/execution/executeQueryPlan.js';
import { ResponseObject } from '../../src/gateway/execution/responseObject.js';

/** @apollo/gateway 2.14's flattenResultsAtPath, as written there. */
function apolloFlatten(value: unknown, path: readonly (string | number)[]): unknown {
  if (path.length === 0) return value;
  if (value === undefined || value === null) return value;
  const [current, ...rest] = path;
  if (current === '@') return (value as unknown[]).flatMap((element) => apolloFlatten(element, rest));
  return apolloFlatten(Object.prototype.hasOwnProperty.call(value, current!) ? (value as Record<string, unknown>)[current!] : undefined, rest);
}

const data = {
  users: [
    { id: 1, orders: [{ items: [{ product: { sku: 'a' } }, { product: null }] }, { items: null }, null] },
    null,
    { id: 2, orders: null, tags: ['x', ['y']] },
    { id: 3, orders: [{ items: [] }, { items: [{ product: { sku: 'b' } }, { product: [{ sku: 'c' }, { sku: 'd' }] }] }] },
  ],
  me: { friends: [{ id: 9 }, null] },
};

describe('flattenResultsAtPath', () => {
  it.each([
    [[]],
    [['users']],
    [['users', '@']],
    [['users', '@', 'id']],
    [['users', '@', 'tags']],
    [['users', '@', 'orders']],
    [['users', '@', 'orders', '@']],
    [['users', '@', 'orders', '@', 'items', '@', 'product']],
    [['me', 'friends']],
    [['me', 'friends', '@', 'id']],
    [['missing', '@', 'id']],
  ])('%j gives what the gateway gives', (path) => {
    expect(flattenResultsAtPath(data, path)).toEqual(apolloFlatten(data, path));
  });

  it('refuses `@` where the result holds no list, as the gateway does', () => {
    expect(() => apolloFlatten(data, ['me', '@'])).toThrow(TypeError);
    expect(() => flattenResultsAtPath(data, ['me', '@'])).toThrow(/Expected a list/);
    expect(() => flattenResultsAtPath(data, ['users', '@', 'orders', '@', 'items', '@', 'product', 'sku', '@'])).toThrow(/Expected a list/);
  });
});

describe('deepMerge', () => {
  it('merges objects deeply and lists element by element when their lengths match', () => {
    const target = { a: { b: 1 }, list: [{ x: 1 }, 2], other: [1] };
    deepMerge(target, { a: { c: 2 }, list: [{ y: 2 }, 3], other: [1, 2], skipped: undefined });
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [{ x: 1, y: 2 }, 3], other: [1, 2] });
  });

  it('writes inherited names as own properties', () => {
    const target: Record<string, unknown> = {};
    deepMerge(target, JSON.parse('{"constructor":{"name":"mine"},"toString":"s"}') as Record<string, unknown>);
    expect(Object.keys(target)).toEqual(['constructor', 'toString']);
    expect(target.constructor).toEqual({ name: 'mine' });
  });
});

describe('ResponseObject', () => {
  it('inherits nothing: any response name is an own property', () => {
    const o = new ResponseObject();
    expect(o['constructor']).toBeUndefined();
    expect(o['toString']).toBeUndefined();
    o['__proto__'] = { alias: true };
    o['constructor'] = 'c';
    expect(Object.keys(o)).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(o))).toEqual(JSON.parse('{"__proto__":{"alias":true},"constructor":"c"}'));
  });
});

describe('entityRepresentations', () => {
  const schema = buildSchema('scalar JSON type Product { sku: ID, n: Float, flag: Boolean, meta: JSON } type User { id: ID } union Thing = Product | User type Query { t: Thing }');
  const field = (name: string, alias?: string): QueryPlanSelectionNode => ({ kind: 'Field', name, ...(alias ? { alias } : {}) });
  const flat: QueryPlanSelectionNode[] = [
    { kind: 'InlineFragment', typeCondition: 'Product', selections: [field('__typename'), field('sku'), field('n'), field('flag'), field('meta')] },
  ];
  const entities = [
    { __typename: 'Product', sku: 'a', n: 1, flag: true, meta: null },
    { __typename: 'Product', sku: 'a', n: 1, flag: true, meta: null },
    // Values that differ only in kind or in ways a string key could blur.
    { __typename: 'Product', sku: '1', n: 1, flag: true, meta: null },
    { __typename: 'Product', sku: 's1:a', n: 1, flag: true, meta: null },
    { __typename: 'Product', sku: 'a', n: 1, flag: true, meta: 'z' },
    { __typename: 'Product', sku: 'a', n: Number.NaN, flag: true, meta: null },
    { __typename: 'Product', sku: 'a', n: null, flag: true, meta: null },
    { __typename: 'Product', sku: 'a', n: 1, flag: false, meta: { k: [1, 'x'] } },
    { __typename: 'Product', sku: 'a', n: 1, flag: false, meta: { k: [1, 'x'] } },
    { __typename: 'Product', sku: 'a', n: 1, flag: false, meta: ['j5:', 1] },
    { __typename: 'Product', sku: 'a', n: -0, flag: true, meta: null },
    { __typename: 'Product', sku: 'a', n: 0, flag: true, meta: null },
    // No representation: another type, a missing field, no __typename.
    { __typename: 'User', id: 'a' },
    { __typename: 'Product', sku: 'a', n: 1, flag: true },
    { sku: 'a', n: 1, flag: true, meta: null },
  ];
  /** What the general path decides: the representation, and equal ones by their JSON. */
  const reference = (requires: readonly QueryPlanSelectionNode[]) => {
    const keys = new Map<string, number>();
    return entities.map((entity) => {
      const representation = executeSelectionSet(schema, entity as Record<string, unknown>, requires);
      if (!representation?.['__typename']) return -1;
      const key = JSON.stringify(representation);
      if (!keys.has(key)) keys.set(key, keys.size);
      return keys.get(key)!;
    });
  };

  it.each([
    ['one type condition around leaf fields (keyed by the values, without building representations)', flat],
    ['any other shape (keyed by the representation\'s JSON)', [...flat, { kind: 'InlineFragment', typeCondition: 'User', selections: [field('__typename'), field('id')] }] as QueryPlanSelectionNode[]],
  ])('%s: equal representations once, never two different ones as one', (_name, requires) => {
    const fetch = { kind: 'Fetch', requires } as unknown as FetchNode;
    const { representations, entityRepresentation, firstEntity } = entityRepresentations(schema, fetch, entities as Record<string, unknown>[], requires);
    const expected = reference(requires);
    const got = Array.from(entityRepresentation);
    // The same entities have no representation.
    expect(got.map((r) => r < 0)).toEqual(expected.map((r) => r < 0));
    // Sharing a representation means an equal one, and each is what the gateway would send.
    for (let i = 0; i < got.length; i++) {
      for (let j = 0; j < got.length; j++) if (got[i]! >= 0 && got[i] === got[j]) expect(expected[i]).toBe(expected[j]);
    }
    for (const [r, representation] of representations.entries()) {
      expect(JSON.stringify(representation)).toBe(JSON.stringify(executeSelectionSet(schema, entities[firstEntity[r]!] as Record<string, unknown>, requires)));
    }
    // Repeats are sent once: equal strings and numbers, -0 and 0, equal structured values.
    expect(got[1]).toBe(got[0]);
    expect(got[8]).toBe(got[7]);
    expect(got[11]).toBe(got[10]);
    expect(new Set(got.filter((r) => r >= 0)).size).toBe(representations.length);
  });
});
