import { randomUUID } from 'node:crypto';
import { createClient } from '@redis/client';

export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** The test Redis as the engine's features take it. */
export const REDIS_TARGET = { kind: 'single', url: REDIS_URL } as const;

const connect = (url: string) => createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
/** A plain node-redis client on the test Redis, for looking at (and breaking) what a test stored. */
export type TestRedis = ReturnType<typeof connect>;

/** Connects to the test Redis, failing loudly when it is down. */
export async function testRedis(url = REDIS_URL): Promise<TestRedis> {
  const client = connect(url);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(`These tests need a real Redis at ${url}: ${(error as Error).message}`);
  }
  return client;
}

/** Every key matching `pattern` (SCAN is for tests, never the product). */
async function keysMatching(client: TestRedis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 500 })) found.push(...batch);
  return found;
}

/** Deletes every key under `prefix` (test clean-up). */
export async function deletePrefix(client: TestRedis, prefix: string): Promise<void> {
  const keys = await keysMatching(client, `${prefix}*`);
  if (keys.length > 0) await client.unlink(keys);
}

export interface RedisScope {
  /** A key prefix no other test uses, e.g. `test:<uuid>:`. */
  readonly prefix: string;
  readonly client: ReturnType<typeof connect>;
  /** Keys under the prefix. */
  keys(pattern?: string): Promise<string[]>;
  /** Deletes every key under the prefix and disconnects. */
  close(): Promise<void>;
}

/** Connects to the test Redis (failing loudly if it is down) and hands out a fresh key prefix. */
export async function redisScope(): Promise<RedisScope> {
  const client = await testRedis();
  const prefix = `test:${randomUUID()}:`;
  const keys = (pattern = '*') => keysMatching(client, `${prefix}${pattern}`);
  return {
    prefix,
    client,
    keys,
    async close() {
      await deletePrefix(client, prefix);
      client.destroy();
    },
  };
}
