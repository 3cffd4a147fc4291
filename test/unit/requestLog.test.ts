import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/createHttpServer.js';
import { until } from '../helpers/until.js';

describe('the request log', () => {
  const lines: { level: number; path: string; status: number }[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        done();
      },
    }),
  );
  let ready = true;
  const server = createHttpServer({
    log,
    routes: new Map([
      ['/readiness', (_req, res) => void res.writeHead(ready ? 200 : 503).end()],
      ['/graphql', (_req, res) => void res.writeHead(200).end()],
    ]),
    quietPaths: new Set(['/readiness']),
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The level of the line logged for one request to `path`. */
  const levelOf = async (path: string) => {
    const before = lines.length;
    await fetch(`${base}${path}`);
    return (await until(`the line for ${path}`, () => lines[before])).level;
  };

  it('logs a probe that passes at debug, a probe that fails and every other request at info', async () => {
    expect(await levelOf('/readiness')).toBe(20);
    ready = false;
    expect(await levelOf('/readiness')).toBe(30);
    expect(await levelOf('/graphql')).toBe(30);
    expect(lines.map((line) => line.path)).toEqual(['/readiness', '/readiness', '/graphql']);
  });
});
