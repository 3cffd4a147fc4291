import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { applyRewrites, hydratedPaths, isObjectOfType } from '../../src/gateway/execution/dataRewrites.js';

const schema = buildSchema(`
  type Query { node: Node, search: [Result] }
  interface Node { id: ID! }
  type User implements Node { id: ID!, name: String }
  type Product implements Node { id: ID!, sku: String }
  type Plain { x: Int }
  union Result = User | Product
`);

describe('type conditions', () => {
  it('match the named type, and the members of an interface or union', () => {
    expect(isObjectOfType(schema, { __typename: 'User' }, 'User')).toBe(true);
    expect(isObjectOfType(schema, { __typename: 'User' }, 'Node')).toBe(true);
    expect(isObjectOfType(schema, { __typename: 'Product' }, 'Result')).toBe(true);
    expect(isObjectOfType(schema, { __typename: 'Plain' }, 'Node')).toBe(false);
    expect(isObjectOfType(schema, { __typename: 'User' }, 'Product')).toBe(false);
    expect(isObjectOfType(schema, { __typename: 'Nope' }, 'Node')).toBe(false);
    expect(isObjectOfType(schema, { __typename: 'User' }, 'Nope')).toBe(false);
  });

  it('take an object without __typename as told', () => {
    expect(isObjectOfType(schema, { id: '1' }, 'User')).toBe(false);
    expect(isObjectOfType(schema, { id: '1' }, 'User', true)).toBe(true);
  });
});

describe('rewrites', () => {
  it('set a value at a path, through lists and type conditions only where the type matches', () => {
    const value = { items: [{ __typename: 'User', id: '1' }, { __typename: 'Product', id: '2' }, { id: '3' }] };
    applyRewrites(schema, [{ kind: 'ValueSetter', path: ['items', '... on User', '__typename'], setValueTo: 'Node' }], value);
    expect(value.items).toEqual([{ __typename: 'Node', id: '1' }, { __typename: 'Product', id: '2' }, { id: '3', __typename: 'Node' }]);
  });

  it('rename a key that holds a value, and leave an absent one alone', () => {
    const value = { a: { x: 1 }, b: [{ x: 2 }, { y: 3 }] } as Record<string, unknown>;
    applyRewrites(
      schema,
      [
        { kind: 'KeyRenamer', path: ['a', 'x'], renameKeyTo: 'x_renamed' },
        { kind: 'KeyRenamer', path: ['b', 'x'], renameKeyTo: 'z' },
      ],
      value,
    );
    expect(value).toEqual({ a: { x: undefined, x_renamed: 1 }, b: [{ x: undefined, z: 2 }, { y: 3 }] });
  });

  it('write an own property over an inherited name', () => {
    const value: Record<string, unknown> = {};
    applyRewrites(schema, [{ kind: 'ValueSetter', path: ['constructor'], setValueTo: 'set' }], value);
    expect(Object.hasOwn(value, 'constructor')).toBe(true);
    expect(value.constructor).toBe('set');
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('refuse a path that ends on a type condition', () => {
    expect(() => applyRewrites(schema, [{ kind: 'ValueSetter', path: ['a', '... on User'], setValueTo: 1 }], { a: {} })).toThrow(/fragment/);
  });

  it('do nothing without rewrites or a value', () => {
    expect(() => applyRewrites(schema, undefined, { a: 1 })).not.toThrow();
    expect(() => applyRewrites(schema, [{ kind: 'ValueSetter', path: ['a'], setValueTo: 1 }], null)).not.toThrow();
  });
});

describe('hydrated paths', () => {
  const data = {
    me: { reviews: [{ product: { id: 'p1' } }, null, { product: null }, { product: { id: 'p2' } }] },
    list: [[{ id: 1 }], [{ id: 2 }, { id: 3 }]],
  };

  it('name each value a flattened path leads to, skipping nulls', () => {
    expect(hydratedPaths(['me', 'reviews', '@', 'product'], data)).toEqual([
      ['me', 'reviews', 0, 'product'],
      ['me', 'reviews', 3, 'product'],
    ]);
  });

  it('walk nested lists, and lists met where a field is expected', () => {
    expect(hydratedPaths(['list', '@', '@'], data)).toEqual([
      ['list', 0, 0],
      ['list', 1, 0],
      ['list', 1, 1],
    ]);
    expect(hydratedPaths(['list', '@', 'id'], data)).toEqual([
      ['list', 0, 0, 'id'],
      ['list', 1, 0, 'id'],
      ['list', 1, 1, 'id'],
    ]);
  });

  it('stop at a limit: the first value only, when that is all that is asked', () => {
    expect(hydratedPaths(['list', '@', '@'], data, 1)).toEqual([['list', 0, 0]]);
    expect(hydratedPaths(['me', 'reviews', '@', 'product'], data, 1)).toEqual([['me', 'reviews', 0, 'product']]);
  });

  it('find nothing past a missing field, and fail on @ over an object', () => {
    expect(hydratedPaths(['me', 'missing', '@'], data)).toEqual([]);
    expect(() => hydratedPaths(['me', '@'], data)).toThrow(/list/);
  });
});
