import { createClient, createCluster, type RedisClientType, type RedisClusterType } from '@redis/client';
import type { Logger } from 'pino';
import type { RedisTarget } from './target.js';

// What createClient/createCluster give without options: no modules, functions or scripts, RESP2.
export type RedisClient = RedisClientType<{}, {}, {}, 2, {}>;
export type RedisClusterClient = RedisClusterType<{}, {}, {}, 2, {}>;
/** A node-redis client on one Redis or on a cluster; features talk to it through narrow ports of their own. */
export type RedisConnection = RedisClient | RedisClusterClient;

export interface RedisOptions {
  /** Names the connection in logs (`cache`, `rate-limit`, `registry`…). */
  readonly role: string;
  readonly log?: Logger | undefined;
}

/** One connection (a client, or a cluster's client per master) and its lifecycle. */
export interface OpenRedis {
  readonly client: RedisConnection;
  /** Settles when the first connection is made (never rejects; waits while Redis is away). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 2_000;
const backoff = (attempt: number) => Math.min(100 * 2 ** attempt, 2_000);

/**
 * Opens a Redis connection for the request path, on one Redis or a cluster. Commands are never
 * queued while a node is away (they fail at once and each feature falls back as documented),
 * start-up does not wait for a connection, and reconnects back off up to 2 s. An outage is logged
 * when it starts and when it ends (see outageLog), not once per command.
 *
 * A cluster's client learns the slot map from any seed, then keeps one connection per master; a
 * master that stops fails only the commands for its slots. If no seed answers at start, discovery
 * is retried with the same back-off until one does.
 */
export function openRedis(target: RedisTarget, { role, log }: RedisOptions): OpenRedis {
  const outage = outageLog(log, role);
  let closed = false;
  const { client, ready } = target.kind === 'single' ? single(target, outage) : cluster(target, outage, () => closed);
  return {
    client,
    ready,
    async close() {
      closed = true;
      client.destroy();
      await ready;
    },
  };
}

const socket = { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: backoff };
type Outage = ReturnType<typeof outageLog>;

function single({ url, username, password }: Extract<RedisTarget, { kind: 'single' }>, outage: Outage): { client: RedisClient; ready: Promise<void> } {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  });
  // host:port only: the URL may carry a password, and logs are not the place for it.
  const address = new URL(url).host;
  client.on('error', (error: unknown) => outage.down(address, error));
  client.on('ready', () => outage.up(address));
  // connect() settles once connected (it retries with the strategy) or when closed first.
  return { client, ready: client.connect().then(() => undefined, () => undefined) };
}

function cluster(target: Extract<RedisTarget, { kind: 'cluster' }>, outage: Outage, closed: () => boolean): { client: RedisClusterClient; ready: Promise<void> } {
  const client = createCluster({
    rootNodes: target.nodes.map(({ host, port }) => ({ socket: { host, port } })),
    defaults: {
      disableOfflineQueue: true,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      socket: { ...socket, ...(target.tls ? { tls: true as const } : {}) },
    },
  });
  const address = (node: { host: string; port: number }) => `${node.host}:${node.port}`;
  client.on('error', (error: unknown) => outage.down('cluster', error));
  client.on('node-error', (error: unknown, node: { host: string; port: number }) => outage.down(address(node), error));
  // node-redis says a node is ready only the first time, not after a reconnect, so on a cluster an
  // outage is repeated every 10 s while it lasts instead of being closed by a line of its own.
  client.on('node-ready', (node: { host: string; port: number }) => outage.up(address(node)));
  // Unlike one client, a cluster's connect() gives up when no seed answers; try again until closed.
  const ready = (async () => {
    for (let attempt = 0; !closed(); attempt++) {
      if (client.isOpen) return;
      try {
        await client.connect();
        outage.up('cluster');
        return;
      } catch (error) {
        // Another caller may have connected it meanwhile (keyv connects a closed client itself).
        if (client.isOpen) return;
        outage.down('cluster', error);
        await new Promise((resolve) => setTimeout(resolve, backoff(attempt)).unref());
      }
    }
  })();
  return { client, ready };
}

/** How often an outage that has not been seen to end is logged again. */
const REPEAT_MS = 10_000;

/** Logs an address's outage when it starts (again every REPEAT_MS while it lasts) and when it ends. */
function outageLog(log: Logger | undefined, role: string) {
  const down = new Map<string, number>();
  return {
    down(address: string, error: unknown) {
      const last = down.get(address);
      if (last !== undefined && Date.now() - last < REPEAT_MS) return;
      down.set(address, Date.now());
      log?.warn({ err: error, role, redis: address }, 'redis unavailable; features that use it fall back until it is back');
    },
    up(address: string) {
      if (!down.delete(address)) return;
      log?.info({ role, redis: address }, 'redis available again');
    },
  };
}
