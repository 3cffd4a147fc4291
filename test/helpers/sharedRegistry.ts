import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { spawnGateway, type GatewayProcess } from './processes.js';
import { deletePrefix, REDIS_URL, testRedis, type TestRedis } from './redis.js';
import { ADMIN_TOKEN, tempDir, writeSupergraphWithoutReviews } from './registryFixtures.js';
import { mockEnv } from './stack.js';

/** A query on the fields of the subgraph the tests register (reviews). */
export const REVIEWS_QUERY = '{ topReviews(first: 3) { id rating body } }';

/** What a replica's /readiness says about the graph and the registry it serves. */
export interface Readiness {
  compositionId: string;
  registry: { version: number; store: 'ok' | 'behind'; storeVersion?: number; notServed?: string[] };
}
export const readiness = async (g: GatewayProcess) => (await (await fetch(`${g.url}/readiness`)).json()) as Readiness;

/** What gateway processes sharing one Redis registry need: the mocks, a supergraph.yaml without reviews, a key prefix of their own. */
export interface SharedRegistry {
  readonly mocks: MockSet;
  readonly dir: { path: string; remove: () => Promise<void> };
  /** A client on the test Redis, for looking at (and breaking) the store (with `clusterSeeds`, the cluster is the store instead). */
  readonly redis: TestRedis;
  readonly prefix: string;
  /** The gateways' environment. */
  readonly env: Record<string, string>;
  /** A registry key, e.g. `key('version')`. */
  key(name: string): string;
  /** Starts `count` gateway processes on this registry (replicas); `close()` stops them. */
  startReplicas(count?: number): Promise<GatewayProcess[]>;
  /** Stops the replicas, deletes the prefix's keys and stops the rest of what it started. */
  close(): Promise<void>;
}

/** `clusterSeeds`: the replicas use that Redis Cluster (REDIS_CLUSTER_NODES) instead of the test Redis. */
export async function sharedRedisRegistry(env: Record<string, string> = {}, { clusterSeeds }: { clusterSeeds?: string } = {}): Promise<SharedRegistry> {
  const redis = await testRedis();
  const mocks = await startAllMocks();
  const dir = await tempDir();
  const prefix = `test:${randomUUID()}:`;
  const { REVIEWS_URL: _unused, ...rest } = mockEnv(mocks);
  const gatewayEnv = {
    ...rest,
    SUPERGRAPH_CONFIG: await writeSupergraphWithoutReviews(dir.path, mocks),
    ...(clusterSeeds ? { REDIS_CLUSTER_NODES: clusterSeeds } : { REDIS_URL }),
    REDIS_PREFIX: prefix,
    ADMIN_TOKEN,
    DATA_DIR: join(dir.path, 'unused'),
    ...env,
  };
  const replicas: GatewayProcess[] = [];
  return {
    mocks,
    dir,
    redis,
    prefix,
    env: gatewayEnv,
    key: (name) => `${prefix}{registry}:${name}`,
    async startReplicas(count = 2) {
      const started = await Promise.all(Array.from({ length: count }, () => spawnGateway({ env: gatewayEnv })));
      replicas.push(...started);
      return started;
    },
    async close() {
      // A replica already stopped (restarted by its test) resolves at once.
      await Promise.all(replicas.map((g) => g.stop()));
      await mocks.close();
      await deletePrefix(redis, prefix);
      redis.destroy();
      await dir.remove();
    },
  };
}
