import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';

export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const connect = (url: string) => createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });

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
  const client = connect(REDIS_URL);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(`These tests need a real Redis at ${REDIS_URL}: ${(error as Error).message}`);
  }
  const prefix = `test:${randomUUID()}:`;
  const keys = async (pattern = '*') => {
    const found: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}${pattern}`, COUNT: 500 })) found.push(...batch);
    return found;
  };
  return {
    prefix,
    client,
    keys,
    async close() {
      const all = await keys();
      if (all.length > 0) await client.unlink(all);
      client.destroy();
    },
  };
}
