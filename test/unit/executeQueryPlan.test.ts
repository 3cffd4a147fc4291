import { describe, expect, it } from 'vitest';
import { deepMerge, flattenResultsAtPath } from '../../src/gateway/execution/executeQueryPlan.js';
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
