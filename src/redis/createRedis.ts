import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisOptions {
  readonly url: string;
  /** Every command fails after this long: a slow Redis degrades a feature, never hangs a request. */
  readonly commandTimeoutMs: number;
  readonly log: Logger;
  /** Names the client in logs. */
  readonly role: string;
}

/**
 * A Redis client for the request path. Commands are not queued while disconnected (they fail at
 * once, and each feature falls back as documented), start-up does not wait for a connection, and
 * reconnects back off up to 2 s. Errors are logged once per outage, not once per command.
 */
export function createRedis({ url, commandTimeoutMs, log, role }: RedisOptions): Redis {
  const client = new Redis(url, {
    commandTimeout: commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
  });
  let down = false;
  client.on('error', (error) => {
    if (!down) log.warn({ err: error, role }, 'redis unavailable');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ role }, 'redis available again');
    down = false;
  });
  return client;
}
