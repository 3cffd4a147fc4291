import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openRedis } from '../../src/redis/createRedis.js';
import { REDIS_URL } from '../helpers/redis.js';
import { until } from '../helpers/until.js';

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('openRedis', () => {
  it('logs an outage once while the client retries, by host:port and never with the password', async () => {
    const { log, lines } = capturedLog();
    // Port 1 refuses at once: the client retries with back-off, every attempt an error.
    const redis = openRedis({ kind: 'single', url: 'redis://app:hunter2@127.0.0.1:1' }, { role: 'probe', log });
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      const outages = lines.filter((l) => l['msg'] === 'redis unavailable; features that use it fall back until it is back');
      expect(outages).toHaveLength(1);
      expect(outages[0]).toMatchObject({ role: 'probe', redis: '127.0.0.1:1' });
      expect(JSON.stringify(lines)).not.toContain('hunter2');
      // Commands fail at once rather than queue.
      await expect(redis.client.ping()).rejects.toThrow();
    } finally {
      await redis.close();
    }
  });

  it('connects in the background and answers once ready', async () => {
    const redis = openRedis({ kind: 'single', url: REDIS_URL }, { role: 'probe' });
    try {
      await redis.ready;
      expect(await until('a PONG', () => redis.client.ping().catch(() => undefined))).toBe('PONG');
    } finally {
      await redis.close();
    }
  });
});
