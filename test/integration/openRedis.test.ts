import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openRedis, type RedisClient } from '../../src/redis/createRedis.js';
import { freePort, killOnExit } from '../helpers/processes.js';
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

  it('authenticates with credentials kept apart from the URL, characters a URL would need escaped included', async () => {
    // A Redis of its own that requires a password for the default user and has an ACL user.
    const password = 'p@ss:w/rd%#?';
    const port = await freePort();
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', password, '--user', 'app', 'on', `>${password}`, '~*', '&*', '+@all'],
      { stdio: 'ignore' },
    );
    killOnExit(server);
    const url = `redis://127.0.0.1:${port}`;
    const asDefault = openRedis({ kind: 'single', url, password }, { role: 'probe' });
    const asApp = openRedis({ kind: 'single', url, username: 'app', password }, { role: 'probe' });
    const { log, lines } = capturedLog();
    const wrong = openRedis({ kind: 'single', url, password: 'not-it' }, { role: 'probe', log });
    const opened = [asDefault, asApp, wrong];
    try {
      expect(await until('the default user answers', () => asDefault.client.ping().catch(() => undefined))).toBe('PONG');
      expect(await until('the ACL user answers', () => asApp.client.ping().catch(() => undefined))).toBe('PONG');
      expect(await (asApp.client as RedisClient).sendCommand(['ACL', 'WHOAMI'])).toBe('app');
      await expect(wrong.client.ping()).rejects.toThrow();
      // Refused for its password (the server is up: the others answered), and the log says so without it.
      await until('the refusal logged', () => JSON.stringify(lines).includes('WRONGPASS') || undefined);
      expect(JSON.stringify(lines)).not.toContain('not-it');
    } finally {
      await Promise.all(opened.map((redis) => redis.close()));
      server.kill('SIGKILL');
    }
  });
});
