import type { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';
import { luaScript, type ScriptRunner } from '../redis/script.js';
import type { FailOpen } from './failOpen.js';

/**
 * Whole GraphQL responses, each filed under the tags of the data it holds (`Product`, `User:1`,
 * `op:GetProduct`), so that a purge can drop exactly the entries a change touched.
 * Every method fails open: a read that fails is a miss, a write that fails is skipped.
 */
/** A stored value as the store hands it back: Redis gives bytes, so a hit is sent without decoding it. */
export type StoredValue = string | Buffer;

export interface ResponseStore {
  /** The values under `keys`, in order; one round trip. */
  getMany(keys: readonly string[]): Promise<readonly (StoredValue | undefined)[]>;
  set(key: string, value: string, ttlSeconds: number, tags: readonly string[]): Promise<void>;
  /** Drops every entry filed under one of `tags`: how many keys were dropped, `undefined` if the store failed. */
  purgeTags(tags: readonly string[]): Promise<number | undefined>;
  /** `false` if the store failed. */
  purgeAll(): Promise<boolean>;
}

/** The in-memory tag → keys index (Redis keeps its index beside the entries, see RedisResponseStore). */
export interface TagIndex {
  add(tags: readonly string[], key: string, ttlSeconds: number): Promise<void>;
  /** The keys filed under `tags`, removed from the index. */
  take(tags: readonly string[]): Promise<string[]>;
  clear(): Promise<void>;
}

export class MemoryTagIndex implements TagIndex {
  // Bounded: an evicted tag only means its entries live out their TTL.
  readonly #tags = new LRUCache<string, Set<string>>({ max: 50_000 });

  async add(tags: readonly string[], key: string): Promise<void> {
    for (const tag of tags) {
      let keys = this.#tags.get(tag);
      if (!keys) this.#tags.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  async take(tags: readonly string[]): Promise<string[]> {
    const keys = new Set<string>();
    for (const tag of tags) {
      for (const key of this.#tags.get(tag) ?? []) keys.add(key);
      this.#tags.delete(tag);
    }
    return [...keys];
  }

  async clear(): Promise<void> {
    this.#tags.clear();
  }
}

/**
 * Writes happen after the response is sent and nobody waits for them, so they get their own, longer
 * deadline and a slow one never trips the cooldown that protects reads.
 */
export interface ResponseStoreOptions {
  readonly failOpen: FailOpen;
  /** Deadline of one write (value and tag index). */
  readonly writeTimeoutMs: number;
}

/** Entries in a keyv namespace, tags in a TagIndex, every command through FailOpen (the in-memory store). */
export class KeyvResponseStore implements ResponseStore {
  private readonly failOpen: FailOpen;
  private readonly writeTimeoutMs: number;

  constructor(
    private readonly entries: Keyv<string>,
    private readonly tags: TagIndex,
    options: ResponseStoreOptions,
  ) {
    this.failOpen = options.failOpen;
    this.writeTimeoutMs = options.writeTimeoutMs;
  }

  getMany(keys: readonly string[]): Promise<readonly (StoredValue | undefined)[]> {
    const misses = keys.map(() => undefined);
    // A miss may come back as null (Redis MGET) or undefined.
    return this.failOpen.run('get', async () => (await this.entries.getMany<string>([...keys])).map((v) => (typeof v === 'string' ? v : undefined)), misses);
  }

  async set(key: string, value: string, ttlSeconds: number, tags: readonly string[]): Promise<void> {
    // Index first: an entry that is stored must be findable by a purge.
    const indexed = await this.failOpen.run('tag', () => this.tags.add(tags, key, ttlSeconds).then(() => true), false, this.writeTimeoutMs, true);
    if (!indexed) return;
    await this.failOpen.run('set', () => this.entries.set(key, value, ttlSeconds * 1000), undefined, this.writeTimeoutMs, true);
  }

  /** Purges get a longer deadline than reads: an admin or a mutation waits for them. */
  async purgeTags(tags: readonly string[]): Promise<number | undefined> {
    const deadline = Math.max(this.failOpen.timeoutMs * 10, 1_000);
    return this.failOpen.run<number | undefined>(
      'purge',
      async () => {
        const keys = await this.tags.take(tags);
        if (keys.length > 0) await this.entries.deleteMany(keys);
        return keys.length;
      },
      undefined,
      deadline,
    );
  }

  purgeAll(): Promise<boolean> {
    const deadline = Math.max(this.failOpen.timeoutMs * 100, 5_000);
    return this.failOpen.run('purge all', () => Promise.all([this.entries.clear(), this.tags.clear()]).then(() => true), false, deadline);
  }
}

/** The subset of a node-redis client (one Redis or a cluster) the Redis response store uses. */
export interface ResponseRedis extends ScriptRunner {
  mGet(keys: string[]): Promise<(StoredValue | null)[]>;
  zRem(key: string, members: string[]): Promise<number>;
  zPopMinCount(key: string, count: number): Promise<{ value: string; score: number }[]>;
  unlink(keys: string[]): Promise<number>;
}

/**
 * Stores the entry and files it under its tags, in one round trip and atomically: an entry that is
 * stored is always findable by a purge. Indexes are sorted sets scored by expiry, so each write
 * also drops the members that have expired (an index never grows past its live entries), and an
 * index lives as long as its longest-lived member (`EXPIRE NX`, then `GT`).
 * KEYS: the entry, the shard's entry index, its tag-name index, then one index per tag.
 * ARGV: value, TTL in seconds, member (the entry's key), then the tag names in KEYS' order.
 */
const SET_TAGGED = luaScript(`
local ttl = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expires = now + ttl * 1000
local function file(index, member)
  redis.call('ZADD', index, 'GT', expires, member)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  redis.call('EXPIRE', index, ttl, 'NX')
  redis.call('EXPIRE', index, ttl, 'GT')
end
for i = 4, #KEYS do
  file(KEYS[i], ARGV[3])
  file(KEYS[3], ARGV[i])
end
file(KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
return 1
`);

/**
 * Takes the members of one shard's tag indexes and drops those indexes, atomically: an entry filed
 * under one of the tags later is filed afresh. KEYS: the shard's tag-name index, then the tag indexes.
 * ARGV: the tag names. Returns the members (entry keys), each once.
 */
const TAKE_TAGS = luaScript(`
local seen, members = {}, {}
for i = 2, #KEYS do
  for _, member in ipairs(redis.call('ZRANGE', KEYS[i], 0, -1)) do
    if not seen[member] then
      seen[member] = true
      members[#members + 1] = member
    end
  end
  redis.call('DEL', KEYS[i])
end
redis.call('ZREM', KEYS[1], unpack(ARGV))
return members
`);

/** How many entries or tag indexes one purge-all step removes. */
const PURGE_BATCH = 500;

/**
 * Responses in Redis as plain strings (no wrapper to re-encode a big answer) with their tag index
 * beside them. Keys are spread over `shards` hash tags, `<namespace>{<shard>}…`: an entry and every
 * index it is filed in share its shard's tag, so on Redis Cluster they sit in one slot and the
 * write script is atomic there too, while the shards spread the cache over the masters.
 * Per shard: entries `<namespace>{s}::<key>`, tag indexes `<namespace>{s}:tag:<tag>`, an index of
 * entries `…:entries` and of tags `…:tags` (what a purge-all walks instead of scanning the keyspace).
 * A read is one MGET per shard involved; a write is one script call, on its own connection when one
 * is given; a tag purge is two calls per shard.
 */
export class RedisResponseStore implements ResponseStore {
  private readonly failOpen: FailOpen;
  private readonly writeTimeoutMs: number;
  private readonly shardPrefixes: readonly string[];

  constructor(
    private readonly client: ResponseRedis,
    namespace: string,
    options: ResponseStoreOptions & {
      /** Hash-tag shards: 1 on one Redis (one MGET per read), more on a cluster (spread over masters). */
      readonly shards?: number;
    },
    /** The connection writes use; default `client`. */
    private readonly writer: ResponseRedis = client,
    /** What reads entries (`MGET`), e.g. `client` mapping bulk strings to Buffers; default `client`. */
    private readonly reader: ResponseRedis = client,
  ) {
    this.failOpen = options.failOpen;
    this.writeTimeoutMs = options.writeTimeoutMs;
    this.shardPrefixes = Array.from({ length: options.shards ?? 1 }, (_, shard) => `${namespace}{${shard}}`);
  }

  private shardOf(key: string): string {
    return this.shardPrefixes[shardIndex(key, this.shardPrefixes.length)]!;
  }

  getMany(keys: readonly string[]): Promise<readonly (StoredValue | undefined)[]> {
    const misses = keys.map(() => undefined);
    return this.failOpen.run(
      'get',
      async () => {
        // One MGET per shard (one Redis has only one): on a cluster a command's keys must share a slot.
        const byShard = new Map<string, number[]>();
        keys.forEach((key, i) => {
          const shard = this.shardOf(key);
          const positions = byShard.get(shard) ?? [];
          positions.push(i);
          byShard.set(shard, positions);
        });
        const values: (StoredValue | undefined)[] = keys.map(() => undefined);
        await Promise.all(
          [...byShard].map(async ([shard, positions]) => {
            const found = await this.reader.mGet(positions.map((i) => `${shard}::${keys[i]}`));
            positions.forEach((i, n) => (values[i] = found[n] ?? undefined));
          }),
        );
        return values;
      },
      misses,
    );
  }

  async set(key: string, value: string, ttlSeconds: number, tags: readonly string[]): Promise<void> {
    const shard = this.shardOf(key);
    const keys = [`${shard}::${key}`, `${shard}:entries`, `${shard}:tags`, ...tags.map((tag) => `${shard}:tag:${tag}`)];
    const args = [value, String(ttlSeconds), key, ...tags];
    await this.failOpen.run('set', () => SET_TAGGED.run(this.writer, keys, args), undefined, this.writeTimeoutMs, true);
  }

  /** Purges get a longer deadline than reads: an admin or a mutation waits for them. */
  async purgeTags(tags: readonly string[]): Promise<number | undefined> {
    const deadline = Math.max(this.failOpen.timeoutMs * 10, 1_000);
    if (tags.length === 0) return 0;
    return this.failOpen.run<number | undefined>(
      'purge',
      async () => {
        // Shards hold disjoint entries, so the counts add up.
        const counts = await Promise.all(
          this.shardPrefixes.map(async (shard) => {
            const keys = [`${shard}:tags`, ...tags.map((tag) => `${shard}:tag:${tag}`)];
            const members = (await TAKE_TAGS.run(this.client, keys, [...tags])) as string[];
            if (members.length === 0) return 0;
            // An index may still name an entry dropped since (by TTL or another tag): count what went.
            const [dropped] = await Promise.all([this.client.unlink(members.map((k) => `${shard}::${k}`)), this.client.zRem(`${shard}:entries`, members)]);
            return dropped;
          }),
        );
        return counts.reduce((a, b) => a + b, 0);
      },
      undefined,
      deadline,
    );
  }

  /** Walks each shard's indexes in batches (never the keyspace), so Redis is never blocked for long. */
  purgeAll(): Promise<boolean> {
    const deadline = Math.max(this.failOpen.timeoutMs * 100, 5_000);
    const drain = async (index: string, keyOf: (member: string) => string) => {
      for (;;) {
        const batch = await this.client.zPopMinCount(index, PURGE_BATCH);
        if (batch.length === 0) return;
        await this.client.unlink(batch.map(({ value }) => keyOf(value)));
      }
    };
    return this.failOpen.run(
      'purge all',
      () =>
        Promise.all(
          this.shardPrefixes.map((shard) =>
            Promise.all([drain(`${shard}:entries`, (k) => `${shard}::${k}`), drain(`${shard}:tags`, (tag) => `${shard}:tag:${tag}`)]),
          ),
        ).then(() => true),
      false,
      deadline,
    );
  }
}

/** A stable shard for a key (FNV-1a): every replica files and finds a key in the same shard. */
export function shardIndex(key: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
