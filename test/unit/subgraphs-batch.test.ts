import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createProductLoader } from '../../app/subgraphs/catalog/loaders.js';
import type { ProductModel } from '../../app/subgraphs/catalog/model.js';
import { createBatchLoader, matchByKey } from '../../src/subgraphs/shared/batch.js';
import { createUserLoader } from '../../app/subgraphs/users/loaders.js';
import type { UserModel } from '../../app/subgraphs/users/model.js';

const user = (id: string): UserModel => ({ id, name: `User ${id}`, email: `${id}@example.com`, createdAt: '2024-01-01T00:00:00.000Z' });
const product = (sku: string): ProductModel => ({ sku, title: sku, description: '', price: 1, category: 'c', weight: 1 });

/** A fake batch endpoint: answers in reverse order, leaves out unknown keys, records each call. */
function fakeEndpoint<V>(known: ReadonlyMap<string, V>) {
  const calls: string[][] = [];
  const fetchMany = async (keys: readonly string[]): Promise<V[]> => {
    calls.push([...keys]);
    return keys.flatMap((k) => (known.has(k) ? [known.get(k) as V] : [])).reverse();
  };
  return { calls, fetchMany };
}

describe('matchByKey', () => {
  it('puts shuffled items in key order', () => {
    const items = [user('3'), user('1'), user('2')];
    const result = matchByKey(['1', '2', '3'], items, (u) => u.id, (k) => new Error(k));
    expect(result.map((r) => (r instanceof Error ? r : r.id))).toEqual(['1', '2', '3']);
  });

  it('gives an Error for a missing key only, and ignores items nobody asked for', () => {
    const result = matchByKey(['1', 'nope', '2'], [user('2'), user('99'), user('1')], (u) => u.id, (k) => new Error(`missing ${k}`));
    expect(result[0]).toEqual(user('1'));
    expect(result[1]).toBeInstanceOf(Error);
    expect((result[1] as Error).message).toBe('missing nope');
    expect(result[2]).toEqual(user('2'));
  });
});

describe('createBatchLoader', () => {
  it('loads N keys in one call and resolves each by key', async () => {
    const endpoint = fakeEndpoint(new Map(['a', 'b', 'c'].map((id) => [id, user(id)])));
    const loader = createBatchLoader({ fetchMany: endpoint.fetchMany, keyOf: (u) => u.id, missing: (k) => new Error(k) });
    const users = await Promise.all(['c', 'a', 'b'].map((k) => loader.load(k)));
    expect(users.map((u) => u.id)).toEqual(['c', 'a', 'b']);
    expect(endpoint.calls).toHaveLength(1);
  });

  it('splits a batch larger than maxBatchSize', async () => {
    const skus = Array.from({ length: 250 }, (_, i) => `SKU-${i}`);
    const endpoint = fakeEndpoint(new Map(skus.map((s) => [s, product(s)])));
    const loader = createProductLoader(endpoint.fetchMany, 100);
    const products = await Promise.all(skus.map((s) => loader.load(s)));
    expect(products.map((p) => p.sku)).toEqual(skus);
    expect(endpoint.calls.map((c) => c.length)).toEqual([100, 100, 50]);
  });
});

describe('createUserLoader', () => {
  it('rejects a missing id with NOT_FOUND and resolves the others', async () => {
    const endpoint = fakeEndpoint(new Map([['1', user('1')], ['2', user('2')]]));
    const loader = createUserLoader(endpoint.fetchMany);
    const results = await Promise.allSettled(['2', 'ghost', '1'].map((id) => loader.load(id)));
    expect(results[0]).toEqual({ status: 'fulfilled', value: user('2') });
    expect(results[2]).toEqual({ status: 'fulfilled', value: user('1') });
    const missing = results[1];
    expect(missing?.status).toBe('rejected');
    const reason = (missing as PromiseRejectedResult).reason as GraphQLError;
    expect(reason).toBeInstanceOf(GraphQLError);
    expect(reason.extensions).toMatchObject({ code: 'NOT_FOUND', typename: 'User', key: 'ghost' });
    expect(endpoint.calls).toEqual([['2', 'ghost', '1']]);
  });

  it('fails every key of a batch whose call failed', async () => {
    const boom = new Error('users down');
    const loader = createUserLoader(async () => {
      throw boom;
    });
    const results = await Promise.allSettled(['1', '2'].map((id) => loader.load(id)));
    expect(results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
  });
});

describe('orders by user', () => {
  it('one call per distinct limit, results matched by user, [] for a user without orders', async () => {
    const { createOrdersByUserLoader, userKey } = await import('../../app/subgraphs/orders/loaders.js');
    const calls: [readonly string[], number | undefined][] = [];
    const order = (id: string, userId: string) => ({ id, userId }) as never;
    const loader = createOrdersByUserLoader(async (userIds, limit) => {
      calls.push([userIds, limit]);
      // Answers in no particular order, as the service may.
      return [order('3', 'b'), order('1', 'a'), order('2', 'a')];
    });
    const [a, b, c, a5] = await Promise.all([
      loader.load(userKey('a', undefined)),
      loader.load(userKey('b', undefined)),
      loader.load(userKey('c', undefined)),
      loader.load(userKey('a', 5)),
    ]);
    expect(calls).toEqual([
      [['a', 'b', 'c'], undefined],
      [['a'], 5],
    ]);
    expect(a.map((o: { id: string }) => o.id)).toEqual(['1', '2']);
    expect(b.map((o: { id: string }) => o.id)).toEqual(['3']);
    expect(c).toEqual([]);
    expect(a5.map((o: { id: string }) => o.id)).toEqual(['1', '2']);
  });
});
