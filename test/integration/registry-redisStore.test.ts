import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisTarget } from '../../src/redis/target.js';
import { parseClusterNodes } from '../../src/redis/target.js';
import { RedisRegistryStore } from '../../src/registry/stores/redisStore.js';
import { startRedisCluster, type RedisClusterHarness } from '../helpers/redisCluster.js';
import { redisProxy } from '../helpers/redisProxy.js';
import { registration as reg } from '../helpers/registryFixtures.js';
import { deletePrefix, REDIS_TARGET, testRedis, type TestRedis } from '../helpers/redis.js';
import { until } from '../helpers/until.js';
import { checkRestore, checkStoredSupergraph } from '../helpers/storedSupergraphContract.js';

/** Where a run of the store's tests keeps its state, and how it cleans up. */
interface Backend {
  target(): RedisTarget;
  cleanUp(prefixes: ReadonlySet<string>): Promise<void>;
}

function singleRedis(): { start(): Promise<void>; backend: Backend } {
  let redis: TestRedis;
  return {
    start: async () => void (redis = await testRedis()),
    backend: {
      target: () => REDIS_TARGET,
      async cleanUp(prefixes) {
        for (const p of prefixes) await deletePrefix(redis, p);
        redis.destroy();
      },
    },
  };
}

function redisCluster(): { start(): Promise<void>; backend: Backend } {
  let cluster: RedisClusterHarness;
  return {
    start: async () => void (cluster = await startRedisCluster()),
    backend: { target: () => parseClusterNodes(cluster.seeds.split(',')), cleanUp: () => cluster.close() },
  };
}

describe.each([
  ['one Redis', singleRedis()],
  ['a three-master Redis Cluster', redisCluster()],
])('Redis registry store on %s', (_name, { start, backend }) => {
  const prefix = `test:${randomUUID()}:`;
  const stores: RedisRegistryStore[] = [];
  const prefixes = new Set([prefix]);
  const open = (p = prefix) => {
    prefixes.add(p);
    const store = new RedisRegistryStore({ target: backend.target(), prefix: p });
    stores.push(store);
    return store;
  };

  beforeAll(start, 60_000);
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await backend.cleanUp(prefixes);
  });

  it('serializes commits from two replicas: one wins, the other sees the conflict', async () => {
    const a = open();
    const b = open();
    const results = await Promise.all([a.commit(0, { kind: 'put', registration: reg('x') }), b.commit(0, { kind: 'put', registration: reg('y') })]);
    expect(results.filter((r) => r === 1)).toHaveLength(1);
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    const snapshot = await b.read();
    expect(snapshot.version).toBe(1);
    expect(snapshot.subgraphs).toHaveLength(1);
  });

  it('announces each commit to every replica over pub/sub', async () => {
    const a = open();
    const b = open();
    const seen = new Promise<number>((resolve) => b.watch(resolve));
    await b.subscribed;
    const version = await a.commit((await a.head()).version, { kind: 'delete', name: 'x' });
    expect(await seen).toBe(version);
  });

  it('replaces the whole set in one step and prunes health of names that left', async () => {
    const a = open();
    let version = (await a.head()).version;
    version = (await a.commit(version, { kind: 'put', registration: reg('old') }))!;
    await a.recordHealth('old', { ok: true, at: 't' });
    const next = await a.commit(version, { kind: 'replace', registrations: [reg('n1'), reg('n2')] });
    expect(next).toBe(version + 1);
    expect((await a.read()).subgraphs.map((r) => r.name).sort()).toEqual(['n1', 'n2']);
    expect(await a.health()).toEqual({});
  });

  it('keeps prefixes apart', async () => {
    const other = open(`test:${randomUUID()}:`);
    expect(await other.read()).toEqual({ version: 0, subgraphs: [] });
    await other.commit(0, { kind: 'put', registration: reg('elsewhere') });
    expect((await open().read()).subgraphs.map((r) => r.name)).not.toContain('elsewhere');
  });

  it('keeps the supergraph composed with a change; one composed later only for the current version, first one wins', async () => {
    await checkStoredSupergraph(open(`test:${randomUUID()}:`), reg);
  });

  it('restores a lost set at the version the replicas serve, only from the version seen, and announces it', async () => {
    const a = open(`test:${randomUUID()}:`);
    const seen = new Promise<number>((resolve) => a.watch((version) => version > 5 && resolve(version)));
    await a.subscribed;
    await checkRestore(a, reg);
    expect(await seen).toBe(11);
  });
});

describe('Redis registry store when Redis hangs', () => {
  it('a command on a connection that stops answering fails within its deadline, and works again once Redis does', async () => {
    const proxy = await redisProxy(Number(new URL(REDIS_TARGET.url).port || 6379));
    const prefix = `test:${randomUUID()}:`;
    const store = new RedisRegistryStore({ target: { kind: 'single', url: proxy.url }, prefix, commandTimeoutMs: 300 });
    const redis = await testRedis();
    try {
      expect(await store.head()).toEqual({ version: 0, registered: 0 });
      proxy.freeze();
      const started = Date.now();
      await expect(store.commit(0, { kind: 'put', registration: reg('x') })).rejects.toThrow(/did not answer within 300 ms/);
      await expect(store.head()).rejects.toThrow(/did not answer/);
      expect(Date.now() - started).toBeLessThan(5_000);
      proxy.thaw();
      // The frozen commit never reached Redis: the version is still 0, and the commit goes through now.
      expect(await until('the store to answer again', () => store.head().then((h) => h, () => undefined))).toEqual({ version: 0, registered: 0 });
      expect(await store.commit(0, { kind: 'put', registration: reg('x') })).toBe(1);
    } finally {
      await store.close();
      await proxy.close();
      await deletePrefix(redis, prefix);
      redis.destroy();
    }
  });
});

describe('Redis registry store on a cluster whose registry master restarts', () => {
  it('commits and change notices work again once the master is back, empty', async () => {
    const cluster = await startRedisCluster();
    const target = parseClusterNodes(cluster.seeds.split(','));
    const watcher = new RedisRegistryStore({ target, prefix: 'p:' });
    const writer = new RedisRegistryStore({ target, prefix: 'p:' });
    try {
      const seen: number[] = [];
      watcher.watch((version) => seen.push(version));
      await watcher.subscribed;
      expect(await writer.commit(0, { kind: 'put', registration: reg('x') })).toBe(1);
      await until('the first notice', () => seen.includes(1));

      const master = await cluster.ownerOf('p:{registry}:version');
      await cluster.stop(master);
      await expect(writer.commit(1, { kind: 'put', registration: reg('y') })).rejects.toThrow();
      await cluster.start(master);

      // The registry came back empty (version 0); the subscription is renewed on the same master.
      seen.length = 0;
      const version = await until('a commit to go through', () => writer.commit(0, { kind: 'put', registration: reg('y') }).catch(() => undefined), 20_000);
      expect(version).toBe(1);
      await until('the notice of the commit after the restart', () => seen.includes(1), 20_000);
      expect((await watcher.read()).subgraphs.map((r) => r.name)).toEqual(['y']);
    } finally {
      await Promise.all([watcher.close(), writer.close()]);
      await cluster.close();
    }
  }, 60_000);
});
