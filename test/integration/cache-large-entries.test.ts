import { ApolloServer } from '@apollo/server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/auth/viewer.js';
import { createCacheStores, type CacheStores } from '../../src/cache/createCacheStores.js';
import { FailOpen } from '../../src/cache/failOpen.js';
import type { ResponseStore } from '../../src/cache/responseStore.js';
import type { TesseraContext } from '../../src/graphql/context.js';
import { useAnswer } from '../../src/graphql/plugins/useAnswer.js';
import { useResponseCache } from '../../src/graphql/plugins/useResponseCache.js';
import { REDIS_TARGET, redisScope, type RedisScope } from '../helpers/redis.js';

/** Stored values as text: Redis hands them back as bytes. */
const texts = async (values: Promise<readonly (string | Buffer | undefined)[]>) => (await values).map((v) => v?.toString());

const log = pino({ level: 'silent' });
const READ_TIMEOUT_MS = 50;

/** Holds the event loop, as a burst of heavy requests does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning
  }
}

describe('big responses in Redis', () => {
  let redis: RedisScope;
  let stores: CacheStores;

  beforeAll(async () => {
    redis = await redisScope();
    stores = createCacheStores({ redis: REDIS_TARGET, prefix: `${redis.prefix}cache:`, timeoutMs: READ_TIMEOUT_MS, writeTimeoutMs: 5_000, log });
    for (let i = 0; i < 100; i++) {
      await stores.responses.set('probe', '1', 60, []);
      if ((await texts(stores.responses.getMany(['probe'])))[0] === '1') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('Redis never answered');
  });
  afterAll(async () => {
    await stores?.close();
    await redis?.close();
  });

  it('stores a ~100 KB entry under 1 000 tags in one write and reads it back under the read deadline', async () => {
    const value = `0 30 PRIVATE\n${JSON.stringify({ rows: Array.from({ length: 2_000 }, (_, i) => ({ id: i, text: 'x'.repeat(40) })) })}`;
    expect(value.length).toBeGreaterThan(90_000);
    const tags = Array.from({ length: 1_000 }, (_, i) => `Item:${i}`);
    await stores.responses.set('big', value, 60, ['Item', ...tags]);
    expect(await texts(stores.responses.getMany(['big']))).toEqual([value]);
    // Stored as the plain string, its tag sets expiring with it.
    expect(await redis.client.get(`${redis.prefix}cache:responses{0}::big`)).toBe(value);
    expect(await redis.client.ttl(`${redis.prefix}cache:responses{0}:tag:Item:999`)).toBeGreaterThan(50);
    expect(await stores.responses.purgeTags(['Item:500'])).toBe(1);
    expect(await texts(stores.responses.getMany(['big']))).toEqual([undefined]);
  });

  it('a read whose answer arrives while the event loop is busy past the deadline is a hit, not a timeout', async () => {
    const value = 'v'.repeat(100_000);
    await stores.responses.set('busy', value, 60, []);
    const reading = stores.responses.getMany(['busy']);
    // The command is issued in a microtask and written on the next tick: on the wire, answer not yet read.
    for (let i = 0; i < 5; i++) await new Promise((r) => process.nextTick(r));
    // Redis answers within this time; the deadline timer only runs after it.
    busy(READ_TIMEOUT_MS * 6);
    expect(await texts(reading)).toEqual([value]);
  });

  it('loads the write script itself after SCRIPT FLUSH', async () => {
    await redis.client.scriptFlush();
    await stores.responses.set('after-flush', 'v', 60, ['T']);
    expect(await texts(stores.responses.getMany(['after-flush']))).toEqual(['v']);
  });
});

describe('FailOpen and background writes', () => {
  it('slow background commands time out on their own deadline without tripping the cooldown', async () => {
    const outcomes: string[] = [];
    const guard = new FailOpen({ name: 't', timeoutMs: 20, log, failuresBeforeCooldown: 2, cooldownMs: 60_000, onFailure: (_s, o) => outcomes.push(o) });
    const slow = () => new Promise<number>((r) => setTimeout(() => r(1), 300));
    for (let i = 0; i < 3; i++) expect(await guard.run('set', slow, 0, 50, true)).toBe(0);
    expect(await guard.run('get', async () => 7, 0)).toBe(7);
    expect(outcomes).toEqual(['timeout', 'timeout', 'timeout']);
    // Reads still trip it.
    await guard.run('get', slow, 0);
    await guard.run('get', slow, 0);
    expect(await guard.run('get', async () => 7, 0)).toBe(0);
    expect(outcomes.slice(3)).toEqual(['timeout', 'timeout', 'skipped']);
  });
});

describe('the response cache writes off the response path', () => {
  let server: ApolloServer<TesseraContext>;
  const writes: { key: string; value: string; tags: readonly string[] }[] = [];
  let releaseWrites: () => void = () => undefined;
  const held = new Promise<void>((r) => {
    releaseWrites = r;
  });
  const values = new Map<string, string>();
  // A store whose writes hang until the test ends.
  const store: ResponseStore = {
    getMany: async (keys) => keys.map((k) => values.get(k)),
    set: async (key, value, _ttl, tags) => {
      writes.push({ key, value, tags });
      await held;
      values.set(key, value);
    },
    purgeTags: async () => 0,
    purgeAll: async () => true,
  };
  const context = (): TesseraContext => ({ requestId: 'r', viewer: ANONYMOUS, log, ip: '', headers: {}, exchange: {} });

  beforeAll(async () => {
    server = new ApolloServer<TesseraContext>({
      typeDefs: `
        enum CacheControlScope { PUBLIC PRIVATE }
        directive @cacheControl(maxAge: Int, scope: CacheControlScope) on FIELD_DEFINITION | OBJECT
        type Item @cacheControl(maxAge: 30) { id: ID! }
        type Query { items: [Item!]! @cacheControl(maxAge: 30) }`,
      resolvers: { Query: { items: () => Array.from({ length: 3 }, (_, i) => ({ id: String(i) })) } },
      // The cache records its parts of the answer; useAnswer sends them (and hands the answer back to store).
      plugins: [useResponseCache({ store, compositionId: () => 'c1' }), useAnswer({ keyHeaders: [] })],
    });
    await server.start();
  });
  afterAll(async () => {
    releaseWrites();
    await server?.stop();
  });

  it('answers before the write finishes, then serves the stored entry as a HIT', async () => {
    const query = 'query Items { items { id } }';
    const first = await server.executeOperation({ query }, { contextValue: context() });
    expect(first.http.headers.get('x-cache')).toBe('MISS');
    // The write starts after the response; it is still hanging here.
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.tags).toEqual(expect.arrayContaining(['Item', 'Item:0', 'Item:2', 'op:Items']));
    releaseWrites();
    await new Promise((r) => setImmediate(r));
    const second = await server.executeOperation({ query }, { contextValue: context() });
    expect(second.http.headers.get('x-cache')).toBe('HIT');
    expect(second.body.kind === 'single' && second.body.singleResult.data).toEqual({ items: [{ id: '0' }, { id: '1' }, { id: '2' }] });
  });
});
