import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { REDIS_URL } from './redis.js';
import { ADMIN_TOKEN, tempDir, writeSupergraphWithoutReviews } from './registryFixtures.js';
import { mockEnv } from './stack.js';

/** What gateway processes sharing one Redis registry need: the mocks, a supergraph.yaml without reviews, a key prefix of their own. */
export interface SharedRegistry {
  readonly mocks: MockSet;
  readonly dir: { path: string; remove: () => Promise<void> };
  /** A client on the test Redis, for looking at (and breaking) the store. */
  readonly redis: Redis;
  readonly prefix: string;
  /** The gateways' environment. */
  readonly env: Record<string, string>;
  /** A registry key, e.g. `key('version')`. */
  key(name: string): string;
  /** Deletes the prefix's keys and stops what it started (stop the gateways first). */
  close(): Promise<void>;
}

export async function sharedRedisRegistry(env: Record<string, string> = {}): Promise<SharedRegistry> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  expect(await redis.ping()).toBe('PONG'); // fails loudly when Redis is down
  const mocks = await startAllMocks();
  const dir = await tempDir();
  const prefix = `test:${randomUUID()}:`;
  const { REVIEWS_URL: _unused, ...rest } = mockEnv(mocks);
  return {
    mocks,
    dir,
    redis,
    prefix,
    env: {
      ...rest,
      SUPERGRAPH_CONFIG: await writeSupergraphWithoutReviews(dir.path, mocks),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      ADMIN_TOKEN,
      DATA_DIR: join(dir.path, 'unused'),
      ...env,
    },
    key: (name) => `${prefix}{registry}:${name}`,
    async close() {
      await mocks.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await dir.remove();
    },
  };
}
