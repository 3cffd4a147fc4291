import type { Keyv } from 'keyv';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
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

/** The subset of a node-redis client the Redis response store uses. */
export interface ResponseRedis {
  mGet(keys: string[]): Promise<(StoredValue | null)[]>;
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  sMembers(key: string): Promise<string[]>;
  sRem(key: string, members: string[]): Promise<number>;
  unlink(keys: string[]): Promise<number>;
  scanIterator(options: { MATCH: string; COUNT?: number }): AsyncIterable<string[]>;
}

/**
 * Files the entry under its tags and stores it, in one round trip and atomically: an entry that is
 * stored is always findable by a purge. A tag set lives as long as its longest-lived entry
 * (`EXPIRE NX`, then `GT`). KEYS: the entry, then one set per tag; ARGV: value, TTL in seconds, member.
 */
const SET_TAGGED = `
local ttl = tonumber(ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[3])
  redis.call('EXPIRE', KEYS[i], ttl, 'NX')
  redis.call('EXPIRE', KEYS[i], ttl, 'GT')
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
return 1
`;
const SET_TAGGED_SHA = createHash('sha1').update(SET_TAGGED).digest('hex');

/**
 * Responses in Redis as plain strings (`<namespace>::<key>`, no wrapper to re-encode a big answer),
 * the tag index beside them (`<namespace>:tag:<tag>`, one set of keys per tag). A read is one MGET;
 * a write is one script call, on its own connection when one is given.
 * Purging removes the members it read (`SREM`, not `DEL`), so an entry filed at the same moment
 * stays indexed.
 */
export class RedisResponseStore implements ResponseStore {
  private readonly failOpen: FailOpen;
  private readonly writeTimeoutMs: number;
  private readonly entryPrefix: string;
  private readonly tagPrefix: string;

  constructor(
    private readonly client: ResponseRedis,
    namespace: string,
    options: ResponseStoreOptions,
    /** The connection writes use; default `client`. */
    private readonly writer: ResponseRedis = client,
    /** What reads entries (`MGET`), e.g. `client` mapping bulk strings to Buffers; default `client`. */
    private readonly reader: ResponseRedis = client,
  ) {
    this.failOpen = options.failOpen;
    this.writeTimeoutMs = options.writeTimeoutMs;
    this.entryPrefix = `${namespace}::`;
    this.tagPrefix = `${namespace}:tag:`;
  }

  getMany(keys: readonly string[]): Promise<readonly (StoredValue | undefined)[]> {
    const misses = keys.map(() => undefined);
    return this.failOpen.run(
      'get',
      async () => (await this.reader.mGet(keys.map((k) => this.entryPrefix + k))).map((v) => v ?? undefined),
      misses,
    );
  }

  async set(key: string, value: string, ttlSeconds: number, tags: readonly string[]): Promise<void> {
    const keys = [this.entryPrefix + key];
    for (const tag of tags) keys.push(this.tagPrefix + tag);
    const options = { keys, arguments: [value, String(ttlSeconds), key] };
    await this.failOpen.run(
      'set',
      async () => {
        try {
          await this.writer.evalSha(SET_TAGGED_SHA, options);
        } catch (error) {
          // First use on this Redis (or after SCRIPT FLUSH): EVAL loads the script.
          if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
          await this.writer.eval(SET_TAGGED, options);
        }
      },
      undefined,
      this.writeTimeoutMs,
      true,
    );
  }

  /** Purges get a longer deadline than reads: an admin or a mutation waits for them. */
  async purgeTags(tags: readonly string[]): Promise<number | undefined> {
    const deadline = Math.max(this.failOpen.timeoutMs * 10, 1_000);
    return this.failOpen.run<number | undefined>(
      'purge',
      async () => {
        const keys = new Set<string>();
        await Promise.all(
          tags.map(async (tag) => {
            const setKey = this.tagPrefix + tag;
            const members = await this.client.sMembers(setKey);
            if (members.length === 0) return;
            for (const member of members) keys.add(member);
            await this.client.sRem(setKey, members);
          }),
        );
        if (keys.size > 0) await this.client.unlink([...keys].map((k) => this.entryPrefix + k));
        return keys.size;
      },
      undefined,
      deadline,
    );
  }

  purgeAll(): Promise<boolean> {
    const deadline = Math.max(this.failOpen.timeoutMs * 100, 5_000);
    const clear = async (pattern: string) => {
      for await (const batch of this.client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
        if (batch.length > 0) await this.client.unlink(batch);
      }
    };
    return this.failOpen.run(
      'purge all',
      () => Promise.all([clear(`${escapeGlob(this.entryPrefix)}*`), clear(`${escapeGlob(this.tagPrefix)}*`)]).then(() => true),
      false,
      deadline,
    );
  }
}

function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, '\\$&');
}
