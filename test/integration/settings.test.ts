import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/processes.js';

const CLI = join(ROOT, 'bin', 'tessera.js');
const SECRET_IN_FILE = 'a-secret-from-the-dot-env-file-32-bytes!!';
const SECRET_IN_ENV = 'a-secret-from-the-real-environment-32-b!!';

/** `tessera ARGS` run in `cwd` with exactly `env` (plus PATH), to completion. */
function tessera(args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', APOLLO_TELEMETRY_DISABLED: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const key = (secret: string) => new TextEncoder().encode(secret);

describe('settings: .env and the CLI’s own options', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-settings-'));
    await writeFile(join(dir, '.env'), `# a comment\nJWT_SECRET=${SECRET_IN_FILE}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads .env from the working directory', async () => {
    const { code, stdout, stderr } = await tessera(['token', '--sub', '7'], dir);
    expect(code, stderr).toBe(0);
    const { payload } = await jwtVerify(stdout.trim(), key(SECRET_IN_FILE));
    expect(payload.sub).toBe('7');
  });

  it('lets the real environment win over .env', async () => {
    const { stdout } = await tessera(['token', '--sub', '7'], dir, { JWT_SECRET: SECRET_IN_ENV });
    await expect(jwtVerify(stdout.trim(), key(SECRET_IN_FILE))).rejects.toThrow();
    expect((await jwtVerify(stdout.trim(), key(SECRET_IN_ENV))).payload.sub).toBe('7');
  });

  it('reads the file ENV_FILE names, none when it is empty, and refuses one that does not exist', async () => {
    await writeFile(join(dir, 'other.env'), `JWT_SECRET=${SECRET_IN_ENV}\n`);
    const other = await tessera(['token', '--sub', '8'], dir, { ENV_FILE: 'other.env' });
    expect((await jwtVerify(other.stdout.trim(), key(SECRET_IN_ENV))).payload.sub).toBe('8');

    const none = await tessera(['token', '--sub', '8'], dir, { ENV_FILE: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('JWT_SECRET');

    const missing = await tessera(['token', '--sub', '8'], dir, { ENV_FILE: 'nope.env' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENV_FILE: nope.env does not exist');
  });

  it('a bad value in .env stops the gateway and is named, like one in the environment', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'tessera-settings-bad-'));
    try {
      await writeFile(join(bad, '.env'), 'PORT=four-thousand\n');
      const { code, stderr } = await tessera(['serve', '--supergraph', join(bad, 'unused.graphql')], bad);
      expect(code).toBe(1);
      expect(stderr).toContain('PORT="four-thousand"');
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('`tessera --version` prints the package version; --help prints usage and exits 0; an unknown command exits 2', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const printed = await tessera(['--version'], dir);
    expect(printed).toMatchObject({ code: 0, stdout: `tessera ${version}\n` });
    const help = await tessera(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tessera <command>');
    const unknown = await tessera(['frobnicate'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: tessera <command>');
  });
});
