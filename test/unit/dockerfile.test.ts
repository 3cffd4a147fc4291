import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/processes.js';

/**
 * No Docker engine runs here, so the image is not built in `npm test`; what it must be is checked
 * on the file: the stages, the user, the health check and the entry point. The packed-package test
 * (test/integration/package.test.ts) runs what its last stage runs: the tarball installed alone.
 */
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** Instructions with their continuation lines joined. */
const instructions = DOCKERFILE.replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const named = (keyword: string) => instructions.filter((line) => line.toUpperCase().startsWith(`${keyword} `));
const stages = DOCKERFILE.split(/^FROM /m).slice(1);

describe('the Dockerfile', () => {
  it('builds in one stage and runs in another that holds only the packed package', () => {
    expect(named('FROM')).toHaveLength(2);
    expect(named('FROM')[0]).toMatch(/ AS build$/);
    expect(stages[0]).toMatch(/npm pack/);
    expect(stages[1]).toMatch(/COPY --from=build \/pkg\//);
    // The runtime stage copies nothing from the build context: no source, no demo app.
    expect(stages[1]!.split('\n').filter((line) => line.startsWith('COPY ') && !line.includes('--from=build'))).toEqual([]);
    expect(stages[1]).toMatch(/npm install --omit=dev/);
  });

  it('runs as a user other than root', () => {
    const users = named('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|$)/);
    expect(DOCKERFILE.lastIndexOf('USER ')).toBeGreaterThan(DOCKERFILE.lastIndexOf('RUN '));
  });

  it('checks /health on the port it serves, and serves with `tessera serve`', () => {
    const [check] = named('HEALTHCHECK');
    expect(check).toContain('/health');
    expect(check).toContain('process.env.PORT');
    expect(named('ENTRYPOINT')[0]).toBe('ENTRYPOINT ["/app/node_modules/.bin/tessera", "serve"]');
    expect(named('EXPOSE')[0]).toMatch(/4000/);
    expect(named('ENV')[0]).toContain('APOLLO_TELEMETRY_DISABLED=1');
    // The config is compiled in memory: nothing written outside DATA_DIR (a read-only root filesystem works).
    expect(named('ENV')[0]).toContain('TSX_DISABLE_CACHE=1');
  });

  it('sends no local build output or secrets to the build', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.env', '.tessera']));
  });
});
