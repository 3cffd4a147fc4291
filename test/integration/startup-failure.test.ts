import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import demoApp from '../../tessera.config.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { CompositionFailedError } from '../../src/composition/loadSubgraphs.js';
import { createLogger } from '../../src/observability/logger.js';
import { freePort } from '../helpers/processes.js';


describe('a start that fails', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-startfail-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('closes what it opened without a spurious warning and without waiting SHUTDOWN_DELAY_MS', { timeout: 20_000 }, async () => {
    const path = join(dir, 'ghost.yaml');
    writeFileSync(path, `subgraphs:\n  ghost:\n    routing_url: http://127.0.0.1:${await freePort()}/graphql\n`);
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    // A readiness delay this long would outlast the test if a failed start waited for it.
    const config = loadConfig({ SUPERGRAPH_CONFIG: path, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '600000', DATA_DIR: dir });
    const gateway = createApp(config, { app: demoApp, log: createLogger('debug', sink) });

    await expect(gateway.start()).rejects.toBeInstanceOf(CompositionFailedError);
    expect(gateway.phase).toBe('stopped');
    expect(gateway.http.listening).toBe(false);
    const warnings = lines.filter((l) => typeof l.level === 'number' && l.level >= 40);
    expect(warnings.map((l) => l.msg)).not.toContain('apollo stop failed');
  });
});
