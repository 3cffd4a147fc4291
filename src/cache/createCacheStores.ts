import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import KeyvRedis from '@keyv/redis';
import { RESP_TYPES } from '@redis/client';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { openRedis } from '../redis/createRedis.js';
import type { RedisTarget } from '../redis/target.js';
import { FailOpen, type FailOpenOptions } from './failOpen.js';
import { FailOpenKeyValueCache } from './failOpenKeyValueCache.js';
import { KeyvResponseStore, MemoryTagIndex, RedisResponseStore, type ResponseRedis, type ResponseStore } from './responseStore.js';

export interface CacheStoresOptions {
  /** One Redis or a cluster: every store lives there, shared by all replicas. Absent: in-memory LRUs. */
  readonly redis?: RedisTarget | undefined;
  /** Prepended to every Redis key, so several deployments (or tests) can share one Redis. */
  readonly prefix: string;
  /** Deadline of one cache command; slower is a miss. */
  readonly timeoutMs: number;
  /** Deadline of one response-cache write (after the response is sent). Default max(timeoutMs, 1 000). */
  readonly writeTimeoutMs?: number | undefined;
  readonly log: Logger;
  /** Counts failed commands by store (`responses`, `rest`, `apq`) and outcome (metrics hook). */
  readonly onFailure?: FailOpenOptions['onFailure'];
  /** Counts REST and APQ lookups by store and result (metrics hook); the response cache counts its own. */
  readonly onLookup?: (store: 'rest' | 'apq', result: 'hit' | 'miss') => void;
  /** Entries per in-memory store. Default 10 000. */
  readonly memoryMaxEntries?: number;
  /** Bytes per in-memory store (keys and values, counted as string length). Default 32 MiB. */
  readonly memoryMaxBytes?: number;
}

/** The namespaced stores Tessera keeps state in (DESIGN: response cache, REST HTTP cache, APQ). */
export interface CacheStores {
  readonly kind: 'redis' | 'memory';
  readonly responses: ResponseStore;
  /** The REST clients' HTTP cache (keys and TTLs chosen by `src/subgraphs/rest/httpCache.ts`). */
  readonly rest: KeyValueCache<string>;
  /** Automatic persisted queries: query text by sha256. */
  readonly apq: KeyValueCache<string>;
  close(): Promise<void>;
}

type Namespace = 'responses' | 'rest' | 'apq';

/**
 * The one cache factory: keyv over Redis (one or a cluster) when `redis` is set, keyv over LRUs otherwise.
 * Start-up never waits for Redis: the connection opens in the background, and until it is ready
 * every command fails at once (no offline queue) and counts as a miss.
 */
export function createCacheStores(options: CacheStoresOptions): CacheStores {
  const log = options.log.child({ component: 'cache' });
  const failOpen = (name: Namespace) =>
    new FailOpen({ name, timeoutMs: options.timeoutMs, log, onFailure: options.onFailure });
  const guards = { responses: failOpen('responses'), rest: failOpen('rest'), apq: failOpen('apq') };
  const responseOptions = { failOpen: guards.responses, writeTimeoutMs: options.writeTimeoutMs ?? Math.max(options.timeoutMs, 1_000) };
  const keyValue = (keyv: Keyv<string>, name: 'rest' | 'apq'): KeyValueCache<string> =>
    new FailOpenKeyValueCache(
      // The adapter's typings name keyv's CommonJS build; the class is the same.
      new KeyvAdapter(keyv as unknown as ConstructorParameters<typeof KeyvAdapter<string>>[0]),
      guards[name], options.onLookup && ((hit) => options.onLookup?.(name, hit ? 'hit' : 'miss')));

  if (!options.redis) {
    const max = options.memoryMaxEntries ?? 10_000;
    const maxBytes = options.memoryMaxBytes ?? 32 * 1024 * 1024;
    // One LRU per namespace, so keys need no prefix: keyv 5 adds its prefix on reads but not on
    // writes for a store like this one, and every read would miss.
    const memory = (namespace: Namespace) => new Keyv<string>({ store: lruStore(max, maxBytes), namespace, useKeyPrefix: false, throwOnErrors: true });
    return {
      kind: 'memory',
      responses: new KeyvResponseStore(memory('responses'), new MemoryTagIndex(), responseOptions),
      rest: keyValue(memory('rest'), 'rest'),
      apq: keyValue(memory('apq'), 'apq'),
      close: async () => {},
    };
  }

  const reads = openRedis(options.redis, { role: 'cache', log });
  // Response writes go over their own connection: a big entry filling the socket must not hold up
  // the reads queued behind it, whose deadline is short.
  const writes = openRedis(options.redis, { role: 'cache-writes', log });
  const client = reads.client;
  const redisKeyv = (namespace: string) => {
    const adapter = new KeyvRedis<string>(client, { namespace, throwOnErrors: true, throwOnConnectError: true });
    return new Keyv<string>({ store: adapter as KeyvStoreAdapter, namespace, useKeyPrefix: false, throwOnErrors: true });
  };
  const ns = (name: Namespace) => `${options.prefix}${name}`;
  return {
    kind: 'redis',
    responses: new RedisResponseStore(
      client as unknown as ResponseRedis,
      ns('responses'),
      // On a cluster the entries spread over 16 hash tags (slots), so over the masters.
      { ...responseOptions, shards: options.redis.kind === 'cluster' ? 16 : 1 },
      writes.client as unknown as ResponseRedis,
      // Entries come back as bytes and a hit goes out as bytes: a 94 KiB answer is never decoded.
      client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }) as unknown as ResponseRedis,
    ),
    rest: keyValue(redisKeyv(ns('rest')), 'rest'),
    apq: keyValue(redisKeyv(ns('apq')), 'apq'),
    close: () => Promise.all([reads.close(), writes.close()]).then(() => undefined),
  };
}

/**
 * A bounded Map for keyv, by entries and by bytes: REST bodies and whole responses vary from bytes
 * to hundreds of KiB, so a count alone does not bound memory. An entry larger than the whole budget
 * is not kept. keyv hands `set` a TTL in ms as a third argument, which lru-cache would take for its
 * options object; keyv checks expiry itself, the TTL here only frees memory sooner.
 */
function lruStore(max: number, maxBytes: number) {
  const lru = new LRUCache<string, string>({ max, maxSize: maxBytes, sizeCalculation: (value, key) => Math.max(1, value.length + key.length) });
  return {
    get: (key: string) => lru.get(key),
    set: (key: string, value: string, ttl?: number) => {
      lru.set(key, value, typeof ttl === 'number' && ttl > 0 ? { ttl } : undefined);
      return true;
    },
    delete: (key: string) => lru.delete(key),
    has: (key: string) => lru.has(key),
    clear: () => lru.clear(),
    keys: () => lru.keys(),
    entries: () => lru.entries(),
  };
}
