import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCacheStores, type CacheStores } from '../../src/cache/createCacheStores.js';
import { FailOpen } from '../../src/cache/failOpen.js';
import { parseSafelist } from '../../src/cache/safelist.js';
import { ConfigError } from '../../src/errors/configError.js';
import { parseClusterNodes } from '../../src/redis/target.js';
import { REDIS_TARGET, redisScope, type RedisScope } from '../helpers/redis.js';
import { startRedisCluster, type RedisClusterHarness } from '../helpers/redisCluster.js';
import { createHash } from 'node:crypto';

/** Stored values as text: Redis hands them back as bytes. */
const texts = async (values: Promise<readonly (string | Buffer | undefined)[]>) => (await values).map((v) => v?.toString());

const log = pino({ level: 'silent' });

/** Start-up does not wait for Redis (and a store that failed is skipped for a moment); these tests do wait. */
async function untilConnected(stores: CacheStores): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await stores.apq.set('probe', '1', { ttl: 60 });
    if ((await stores.apq.get('probe')) === '1') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('Redis never answered');
}

describe('FailOpen', () => {
  it('returns the result, or the fallback on an error or after the deadline, and counts failures', async () => {
    const failures: string[] = [];
    const guard = new FailOpen({ name: 't', timeoutMs: 20, log, onFailure: (_s, o) => failures.push(o), failuresBeforeCooldown: 10 });
    expect(await guard.run('ok', async () => 1, 0)).toBe(1);
    expect(await guard.run('err', async () => Promise.reject(new Error('boom')), 0)).toBe(0);
    expect(await guard.run('throws', () => { throw new Error('sync'); }, 0)).toBe(0);
    const started = performance.now();
    expect(await guard.run('slow', () => new Promise((r) => setTimeout(() => r(1), 500)), 0)).toBe(0);
    expect(performance.now() - started).toBeLessThan(400);
    expect(failures).toEqual(['error', 'error', 'timeout']);
  });

  it('leaves a failing store alone for the cooldown, then tries again', async () => {
    let calls = 0;
    const outcomes: string[] = [];
    const guard = new FailOpen({ name: 't', timeoutMs: 50, log, failuresBeforeCooldown: 2, cooldownMs: 100, onFailure: (_s, o) => outcomes.push(o) });
    const failing = async () => {
      calls++;
      throw new Error('down');
    };
    await guard.run('a', failing, 0);
    await guard.run('b', failing, 0);
    await guard.run('c', failing, 0);
    expect(calls).toBe(2);
    expect(outcomes).toEqual(['error', 'error', 'skipped']);
    await new Promise((r) => setTimeout(r, 120));
    expect(await guard.run('d', async () => 7, 0)).toBe(7);
  });

  it('refuses a non-positive deadline', () => {
    expect(() => new FailOpen({ name: 't', timeoutMs: 0, log })).toThrow(TypeError);
  });
});

function storeContract(name: string, make: () => Promise<{ stores: CacheStores; close?: () => Promise<void> }>) {
  describe(name, () => {
    let stores: CacheStores;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      ({ stores, close } = await make());
    });
    afterAll(async () => {
      await stores?.close();
      await close?.();
    });

    it('stores responses with a TTL and purges them by tag, leaving others', async () => {
      await stores.responses.set('k1', 'v1', 60, ['Product', 'Product:1']);
      await stores.responses.set('k2', 'v2', 60, ['Product:2']);
      await stores.responses.set('k3', 'v3', 60, ['User:1']);
      expect(await texts(stores.responses.getMany(['k1', 'k2', 'k3', 'nope']))).toEqual(['v1', 'v2', 'v3', undefined]);
      expect(await stores.responses.purgeTags(['Product'])).toBe(1);
      expect(await texts(stores.responses.getMany(['k1', 'k2', 'k3']))).toEqual([undefined, 'v2', 'v3']);
      expect(await stores.responses.purgeAll()).toBe(true);
      expect(await texts(stores.responses.getMany(['k2', 'k3']))).toEqual([undefined, undefined]);
    });

    it('expires entries after their TTL', async () => {
      await stores.responses.set('short', 'v', 1, []);
      expect(await texts(stores.responses.getMany(['short']))).toEqual(['v']);
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await texts(stores.responses.getMany(['short']))).toEqual([undefined]);
    });

    it('keeps the REST and APQ namespaces apart, with TTLs in seconds', async () => {
      await stores.rest.set('same', 'rest', { ttl: 60 });
      await stores.apq.set('same', 'apq', { ttl: 60 });
      expect(await stores.rest.get('same')).toBe('rest');
      expect(await stores.apq.get('same')).toBe('apq');
      await stores.rest.delete('same');
      expect(await stores.rest.get('same')).toBeUndefined();
      expect(await stores.apq.get('same')).toBe('apq');
    });
  });
}

storeContract('memory stores (no REDIS_URL)', async () => ({
  stores: createCacheStores({ prefix: 'x:', timeoutMs: 1_000, log }),
}));

let redis: RedisScope;
storeContract('Redis stores', async () => {
  redis = await redisScope();
  const stores = createCacheStores({ redis: REDIS_TARGET, prefix: `${redis.prefix}cache:`, timeoutMs: 1_000, log });
  await untilConnected(stores);
  return { stores, close: () => redis.close() };
});

let cluster: RedisClusterHarness;
storeContract('Redis Cluster stores (three masters)', async () => {
  cluster = await startRedisCluster();
  const stores = createCacheStores({ redis: parseClusterNodes(cluster.seeds.split(',')), prefix: 'test:cache:', timeoutMs: 1_000, log });
  await untilConnected(stores);
  return { stores, close: () => cluster.close() };
});

describe('response cache on a Redis Cluster', () => {
  it('spreads entries over every master, keeps each with its tag indexes in one slot, and purges all through its indexes', async () => {
    const harness = await startRedisCluster();
    const stores = createCacheStores({ redis: parseClusterNodes(harness.seeds.split(',')), prefix: 'p:', timeoutMs: 1_000, log });
    try {
      await untilConnected(stores);
      for (let i = 0; i < 48; i++) await stores.responses.set(`op:${i}`, `v${i}`, 60, ['Product', `Product:${i}`]);
      // One read spans the shards, however many slots they sit in.
      const keys = Array.from({ length: 48 }, (_, i) => `op:${i}`);
      expect(await texts(stores.responses.getMany(keys))).toEqual(keys.map((_, i) => `v${i}`));
      const entriesPerMaster = await Promise.all(harness.ports.map((port) => harness.keysOn(port, 'p:responses{*}::*')));
      expect(entriesPerMaster.every((entries) => entries.length > 0)).toBe(true);
      expect(entriesPerMaster.flat()).toHaveLength(48);
      // The write script's keys share one slot: an entry, its shard's `Product` index and its own tag's.
      for (const entry of entriesPerMaster.flat().slice(0, 5)) {
        const shard = entry.slice(0, entry.indexOf('::'));
        const owner = await harness.ownerOf(entry);
        expect(await harness.ownerOf(`${shard}:tag:Product`)).toBe(owner);
        expect(await harness.keysOn(owner, `${shard}:tag:Product`)).toHaveLength(1);
      }
      expect(await stores.responses.purgeTags(['Product:3', 'Product:7'])).toBe(2);
      expect(await texts(stores.responses.getMany(['op:3', 'op:7', 'op:8']))).toEqual([undefined, undefined, 'v8']);
      expect(await stores.responses.purgeTags(['Product'])).toBe(46);
      await stores.responses.set('again', 'v', 60, ['T']);
      expect(await stores.responses.purgeAll()).toBe(true);
      const left = await Promise.all(harness.ports.map((port) => harness.keysOn(port, 'p:responses*')));
      expect(left.flat()).toEqual([]);
    } finally {
      await stores.close();
      await harness.close();
    }
  }, 60_000);
});

describe('Redis stores keys', () => {
  it('every key lives under the prefix, namespaced per store', async () => {
    const scope = await redisScope();
    const stores = createCacheStores({ redis: REDIS_TARGET, prefix: `${scope.prefix}cache:`, timeoutMs: 1_000, log });
    try {
      await untilConnected(stores);
      await stores.apq.set('a', '1');
      await stores.responses.set('r', 'v', 60, ['T']);
      const keys = (await scope.keys()).map((k) => k.slice(scope.prefix.length)).sort();
      expect(keys).toEqual(expect.arrayContaining(['cache:apq::a', 'cache:responses{0}::r', 'cache:responses{0}:tag:T']));
      expect(await scope.client.ttl(`${scope.prefix}cache:responses{0}:tag:T`)).toBeGreaterThan(50);
    } finally {
      await stores.close();
      await scope.close();
    }
  });
});

describe('safelist manifest', () => {
  const body = 'query A { a }';
  const id = createHash('sha256').update(body).digest('hex');
  const manifest = (ops: unknown[]) => JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: ops });

  it('serves registered bodies by id and accepts no new ones', async () => {
    const list = parseSafelist(manifest([{ id, name: 'A', type: 'query', body }]), 'm.json');
    expect(list.size).toBe(1);
    expect(list.has(id)).toBe(true);
    expect(await list.cache.get(id)).toBe(body);
    await list.cache.set('other', 'query B { b }');
    expect(await list.cache.get('other')).toBeUndefined();
  });

  it('refuses a manifest that is not JSON, of the wrong format, or whose id is not the body hash, naming the variable', () => {
    expect(() => parseSafelist('{', 'm.json')).toThrow(ConfigError);
    expect(() => parseSafelist(JSON.stringify({ format: 'other', version: 1, operations: [] }), 'm.json')).toThrow(/PERSISTED_QUERIES_SAFELIST/);
    expect(() => parseSafelist(manifest([{ id: '0'.repeat(64), body }]), 'm.json')).toThrow(/not the sha256/);
  });
});

describe('in-memory stores', () => {
  it('read back what was written, also keys that start with the store name (Apollo writes `apq:<hash>`)', async () => {
    const stores = createCacheStores({ prefix: 'unused:', timeoutMs: 50, log });
    await stores.apq.set('apq:abc', 'query { a }', { ttl: 60 });
    await stores.rest.set('rest:public:http://x/products', 'body', { ttl: 60 });
    expect(await stores.apq.get('apq:abc')).toBe('query { a }');
    expect(await stores.rest.get('rest:public:http://x/products')).toBe('body');
    expect(await stores.apq.get('rest:public:http://x/products')).toBeUndefined();
    await stores.close();
  });

  it('hold at most memoryMaxBytes each, dropping the least recently used, and never one entry larger than that', async () => {
    const stores = createCacheStores({ prefix: 'unused:', timeoutMs: 50, log, memoryMaxBytes: 10_000 });
    const body = (i: number) => `${i}:${'x'.repeat(3_000)}`;
    for (let i = 0; i < 6; i++) await stores.rest.set(`k${i}`, body(i), { ttl: 60 });
    const kept = [];
    for (let i = 0; i < 6; i++) if ((await stores.rest.get(`k${i}`)) === body(i)) kept.push(i);
    // About three 3 KB entries fit in 10 000 bytes: the newest ones.
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThanOrEqual(3);
    expect(kept).toContain(5);
    expect(kept).not.toContain(0);
    await stores.rest.set('huge', 'y'.repeat(20_000), { ttl: 60 });
    expect(await stores.rest.get('huge')).toBeUndefined();
    expect(await stores.rest.get('k5')).toBe(body(5));
    await stores.close();
  });
});
