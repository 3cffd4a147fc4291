import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { SpendBatcher } from '../../src/ratelimit/batcher.js';
import { createRateLimiter, type LimitSpec } from '../../src/ratelimit/limiter.js';
import { openRedis, type OpenRedis, type RedisClient } from '../../src/redis/createRedis.js';
import { parseClusterNodes } from '../../src/redis/target.js';
import { REDIS_URL } from '../helpers/redis.js';
import { startRedisCluster } from '../helpers/redisCluster.js';

const log = pino({ level: 'silent' });
const opened: OpenRedis[] = [];

function redis(url = REDIS_URL): RedisClient {
  const connection = openRedis({ kind: 'single', url }, { log, role: 'test' });
  opened.push(connection);
  return connection.client as RedisClient;
}

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
});

/** Fails loudly when the test Redis is down. */
async function ready(client: RedisClient) {
  await opened.find((c) => c.client === client)?.ready;
  expect(await client.ping()).toBe('PONG');
}

describe('rate limiter on a real Redis', () => {
  it('two replicas sharing Redis allow exactly max, however the spends interleave', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = redis();
    const b = redis();
    await Promise.all([ready(a), ready(b)]);
    const replicaA = createRateLimiter({ redis: a, prefix });
    const replicaB = createRateLimiter({ redis: b, prefix });
    const spec: LimitSpec = { name: 'field', max: 10, windowS: 30 };
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? replicaA : replicaB).spend(spec, 'viewer-1')),
    );
    expect(results.filter((r) => r.allowed === 1)).toHaveLength(10);
    expect(results.filter((r) => r.allowed === 0)).toHaveLength(20);
    expect(results.every((r) => !r.degraded)).toBe(true);
  });

  it('a batch of 20 spends all 20 and gets 10; other keys keep their own budget', async () => {
    const prefix = `test:${randomUUID()}:`;
    const client = redis();
    await ready(client);
    const limiter = createRateLimiter({ redis: client, prefix });
    const spec: LimitSpec = { name: 'alias', max: 10, windowS: 30 };
    const batcher = new SpendBatcher(limiter);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => batcher.spend(spec, 'v1')));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(10);
    expect(outcomes.slice(0, 10).every((o) => o.allowed)).toBe(true);
    expect((await limiter.spend(spec, 'v1')).allowed).toBe(0);
    expect((await limiter.spend(spec, 'v2')).allowed).toBe(1);
    expect(Number(await client.get(`${prefix}rl:alias:v1`))).toBe(21);
  });

  it('on a three-master Redis Cluster, three replicas allow exactly max across keys on every master', async () => {
    const cluster = await startRedisCluster();
    const target = parseClusterNodes(cluster.seeds.split(','));
    const connections = [0, 1, 2].map(() => openRedis(target, { log, role: 'test' }));
    try {
      await Promise.all(connections.map((c) => c.ready));
      const replicas = connections.map((c) => createRateLimiter({ redis: c.client, prefix: 'c:', timeoutMs: 1_000 }));
      const spec: LimitSpec = { name: 'field', max: 5, windowS: 30 };
      // Twelve viewers, so the counters land on every master.
      const viewers = Array.from({ length: 12 }, (_, i) => `viewer-${i}`);
      const results = await Promise.all(viewers.flatMap((viewer) => Array.from({ length: 15 }, (_, i) => replicas[i % 3]!.spend(spec, viewer).then((r) => ({ viewer, ...r })))));
      for (const viewer of viewers) expect(results.filter((r) => r.viewer === viewer && r.allowed === 1)).toHaveLength(5);
      expect(results.every((r) => !r.degraded)).toBe(true);
      const owners = new Set(await Promise.all(viewers.map((viewer) => cluster.ownerOf(`c:rl:field:${viewer}`))));
      expect(owners.size).toBe(3);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
      await cluster.close();
    }
  }, 60_000);

  it('a short window resets', async () => {
    const prefix = `test:${randomUUID()}:`;
    const client = redis();
    await ready(client);
    const limiter = createRateLimiter({ redis: client, prefix });
    const spec: LimitSpec = { name: 'short', max: 2, windowS: 1 };
    const first = await limiter.spend(spec, 'k', 3);
    expect(first.allowed).toBe(2);
    expect(first.resetS).toBe(1);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await limiter.spend(spec, 'k')).allowed).toBe(1);
  });
});

describe('rate limiter when Redis is down', () => {
  let blackhole: Server | undefined;
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => (blackhole ? blackhole.close(r) : r(undefined)));
  });

  it('falls back to memory by default and refuses for limits marked closed, within the command timeout', async () => {
    // A server that accepts and never answers: the slow-Redis case, not just a refused port.
    blackhole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => blackhole!.listen(0, '127.0.0.1', r));
    const { port } = blackhole.address() as { port: number };
    const errors: unknown[] = [];
    const limiter = createRateLimiter({ redis: redis(`redis://127.0.0.1:${port}`), timeoutMs: 50, onStoreError: (e) => errors.push(e) });
    const open: LimitSpec = { name: 'open', max: 2, windowS: 30 };
    const closed: LimitSpec = { name: 'closed', max: 2, windowS: 30, onStoreError: 'closed' };
    const started = Date.now();
    const spends = [await limiter.spend(open, 'k'), await limiter.spend(open, 'k'), await limiter.spend(open, 'k')];
    const refused = await limiter.spend(closed, 'k');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(spends.map((s) => s.allowed)).toEqual([1, 1, 0]);
    expect(spends.every((s) => s.degraded)).toBe(true);
    expect(refused).toMatchObject({ allowed: 0, degraded: true });
    expect(errors.length).toBeGreaterThanOrEqual(4);
  });

  it('a refused port degrades the same way', async () => {
    const limiter = createRateLimiter({ redis: redis('redis://127.0.0.1:1'), timeoutMs: 50 });
    const spend = await limiter.spend({ name: 'x', max: 1, windowS: 10 }, 'k');
    expect(spend).toMatchObject({ allowed: 1, degraded: true });
  });
});
