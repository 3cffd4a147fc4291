import type { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';
import type { FailOpen } from './failOpen.js';

/**
 * Whole GraphQL responses, each filed under the tags of the data it holds (`Product`, `User:1`,
 * `op:GetProduct`), so that a purge can drop exactly the entries a change touched.
 * Every method fails open: a read that fails is a miss, a write that fails is skipped.
 */
export interface ResponseStore {
  /** The values under `keys`, in order; one round trip. */
  getMany(keys: readonly string[]): Promise<readonly (string | undefined)[]>;
  set(key: string, value: string, ttlSeconds: number, tags: readonly string[]): Promise<void>;
  /** Drops every entry filed under one of `tags`: how many keys were dropped, `undefined` if the store failed. */
  purgeTags(tags: readonly string[]): Promise<number | undefined>;
  /** `false` if the store failed. */
  purgeAll(): Promise<boolean>;
}

/** Where the tag → keys index lives: beside the entries (Redis) or in memory. */
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

/** The subset of a node-redis client the Redis tag index uses. */
export interface TagIndexRedis {
  multi(): {
    sAdd(key: string, member: string): unknown;
    expire(key: string, seconds: number, mode?: 'NX' | 'GT'): unknown;
    sMembers(key: string): unknown;
    exec(): Promise<unknown>;
  };
  sMembers(key: string): Promise<string[]>;
  sRem(key: string, members: string[]): Promise<number>;
  scanIterator(options: { MATCH: string; COUNT?: number }): AsyncIterable<string[]>;
  unlink(keys: string[]): Promise<number>;
}

/**
 * One Redis set per tag. A set lives as long as its longest-lived entry (`EXPIRE NX` then `GT`).
 * Purging removes the members it read (`SREM`, not `DEL`), so an entry filed at the same moment
 * stays indexed.
 */
export class RedisTagIndex implements TagIndex {
  constructor(
    private readonly client: TagIndexRedis,
    private readonly prefix: string,
  ) {}

  async add(tags: readonly string[], key: string, ttlSeconds: number): Promise<void> {
    if (tags.length === 0) return;
    const multi = this.client.multi();
    for (const tag of tags) {
      const setKey = this.prefix + tag;
      multi.sAdd(setKey, key);
      multi.expire(setKey, ttlSeconds, 'NX');
      multi.expire(setKey, ttlSeconds, 'GT');
    }
    await multi.exec();
  }

  async take(tags: readonly string[]): Promise<string[]> {
    const keys = new Set<string>();
    await Promise.all(
      tags.map(async (tag) => {
        const setKey = this.prefix + tag;
        const members = await this.client.sMembers(setKey);
        if (members.length === 0) return;
        for (const member of members) keys.add(member);
        await this.client.sRem(setKey, members);
      }),
    );
    return [...keys];
  }

  async clear(): Promise<void> {
    for await (const batch of this.client.scanIterator({ MATCH: `${escapeGlob(this.prefix)}*`, COUNT: 500 })) {
      if (batch.length > 0) await this.client.unlink(batch);
    }
  }
}

/** Entries in a keyv namespace, tags in a TagIndex, every command through FailOpen. */
export class KeyvResponseStore implements ResponseStore {
  constructor(
    private readonly entries: Keyv<string>,
    private readonly tags: TagIndex,
    private readonly failOpen: FailOpen,
  ) {}

  getMany(keys: readonly string[]): Promise<readonly (string | undefined)[]> {
    const misses = keys.map(() => undefined);
    // A miss may come back as null (Redis MGET) or undefined.
    return this.failOpen.run('get', async () => (await this.entries.getMany<string>([...keys])).map((v) => (typeof v === 'string' ? v : undefined)), misses);
  }

  async set(key: string, value: string, ttlSeconds: number, tags: readonly string[]): Promise<void> {
    // Index first: an entry that is stored must be findable by a purge.
    const indexed = await this.failOpen.run('tag', () => this.tags.add(tags, key, ttlSeconds).then(() => true), false);
    if (!indexed) return;
    await this.failOpen.run('set', () => this.entries.set(key, value, ttlSeconds * 1000), undefined);
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

function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, '\\$&');
}
