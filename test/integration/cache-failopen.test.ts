import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { composeFromSpecs } from '../../src/composition/loadSubgraphs.js';
import { loadConfig } from '../../src/config/index.js';
import { mockEnv } from '../helpers/stack.js';
import { startGateway, type Gateway } from '../helpers/cacheStack.js';
import { REDIS_URL, redisScope, type RedisScope } from '../helpers/redis.js';
import { freePort } from '../helpers/processes.js';

const QUERY = '{ product(sku: "SKU-0010") { sku title price reviews { rating } } }';
const TIMEOUT_MS = 50;
// Generous: the bound is the command timeout plus normal work, on a busy 2-core machine.
const BOUND_MS = TIMEOUT_MS + 1_500;


/** A TCP proxy to the real Redis that can stop answering (a hung Redis) while keeping connections open. */
async function startHangingProxy(target: URL) {
  let forwarding = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => forwarding && upstream.write(chunk));
    upstream.on('data', (chunk) => forwarding && client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hang: () => {
      forwarding = false;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, ms: performance.now() - started };
}

describe('the cache fails open', () => {
  let mocks: MockSet;
  let redis: RedisScope;
  let expected: unknown;
  let dir: string;
  // A pre-composed supergraph: the subgraph registry (which also uses REDIS_URL) stays out of these tests.
  let fileEnv: Record<string, string>;

  /** The answer is right, says MISS, and takes no longer than the cache deadline plus normal work. */
  const expectAnsweredWithoutCache = async (gateway: Gateway) => {
    for (let i = 0; i < 5; i++) {
      const { result: res, ms } = await timed(() => gateway.query(QUERY));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected);
      expect(res.headers.get('x-cache')).toBe('MISS');
      expect(ms).toBeLessThan(BOUND_MS);
    }
  };

  beforeAll(async () => {
    redis = await redisScope();
    mocks = await startAllMocks();
    const source = loadConfig(mockEnv(mocks)).supergraph;
    if (source.kind !== 'compose') throw new Error('the demo composes its supergraph');
    dir = await mkdtemp(join(tmpdir(), 'tessera-cache-'));
    const file = join(dir, 'supergraph.graphql');
    await writeFile(file, await composeFromSpecs(source.subgraphs, { timeoutMs: 2_000 }));
    fileEnv = { SUPERGRAPH_FILE: file };
    // The correct answer, from a gateway with no shared cache at all.
    const plain = await startGateway(mocks, { RESPONSE_CACHE: 'false' });
    try {
      const res = await plain.query(QUERY);
      expect(res.body.errors).toBeUndefined();
      expect(res.headers.get('x-cache')).toBeNull();
      expected = res.body;
    } finally {
      await plain.close();
    }
  });
  afterAll(async () => {
    await mocks?.close();
    await redis?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Redis unreachable (closed port): correct answers, x-cache MISS, no error, start-up does not wait', async () => {
    const port = await freePort();
    const { result: gateway, ms: startMs } = await timed(() =>
      startGateway(mocks, { ...fileEnv, REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: redis.prefix, CACHE_TIMEOUT_MS: String(TIMEOUT_MS) }, undefined, {
        waitForCache: false,
      }),
    );
    try {
      expect(startMs).toBeLessThan(10_000);
      await expectAnsweredWithoutCache(gateway);
    } finally {
      await gateway.close();
    }
  });

  it('Redis that accepts connections but never answers, from the start: start-up does not wait, answers are MISSes', async () => {
    const proxy = await startHangingProxy(new URL(REDIS_URL));
    proxy.hang();
    try {
      // This Redis never becomes ready: a start-up that waited for it would never finish.
      const gateway = await startGateway(mocks, { ...fileEnv, REDIS_URL: proxy.url, REDIS_PREFIX: redis.prefix, CACHE_TIMEOUT_MS: String(TIMEOUT_MS) }, undefined, {
        waitForCache: false,
      });
      try {
        expect((await fetch(`${gateway.url}/readiness`)).status).toBe(200);
        const { result: res, ms } = await timed(() => gateway.query(QUERY));
        expect(res.body).toEqual(expected);
        expect(res.headers.get('x-cache')).toBe('MISS');
        expect(ms).toBeLessThan(BOUND_MS);
      } finally {
        await gateway.close();
      }
    } finally {
      await proxy.close();
    }
  });

  it('Redis that stops answering: each request waits at most the command timeout, then is a MISS', async () => {
    const proxy = await startHangingProxy(new URL(REDIS_URL));
    const gateway = await startGateway(mocks, { ...fileEnv, REDIS_URL: proxy.url, REDIS_PREFIX: redis.prefix, CACHE_TIMEOUT_MS: String(TIMEOUT_MS) });
    try {
      // Healthy first: a MISS that fills the entry, then a HIT through the proxy.
      const warm = async () => {
        for (let i = 0; i < 40; i++) {
          const res = await gateway.query(QUERY);
          if (res.headers.get('x-cache') === 'HIT') return res;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error('never a HIT through the proxy');
      };
      expect((await warm()).body).toEqual(expected);

      proxy.hang();
      await expectAnsweredWithoutCache(gateway);
    } finally {
      await gateway.close();
      await proxy.close();
    }
  });
});
