import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEWS_SDL, startAllMocks, type MockSet } from '../../services-mock/index.js';
import { DEV_SECRETS_FILE } from '../../src/dev/devSecrets.js';
import { runScript } from '../helpers/processes.js';
import { ADMIN_TOKEN, CONFLICTING_SDL, tempDir, writeSupergraphWithoutReviews } from '../helpers/registryFixtures.js';
import { startStack, type Stack } from '../helpers/stack.js';

/** `tessera subgraph …` against a running gateway: Rover's manners. */
describe('tessera subgraph CLI', () => {
  let mocks: MockSet;
  let dir: { path: string; remove: () => Promise<void> };
  let stack: Stack;
  const cli = (args: string[], options: { token?: string | null; stdin?: string } = {}) =>
    runScript('src/cli/main.ts', ['subgraph', ...args, '--gateway', stack.url], {
      env: { ADMIN_TOKEN: options.token === null ? '' : (options.token ?? ADMIN_TOKEN) },
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    });

  beforeAll(async () => {
    mocks = await startAllMocks();
    dir = await tempDir();
    stack = await startStack({
      mocks,
      env: { SUPERGRAPH_CONFIG: await writeSupergraphWithoutReviews(dir.path, mocks), DATA_DIR: join(dir.path, 'data'), ADMIN_TOKEN },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await mocks?.close();
    await dir?.remove();
  });

  it('prints a subgraph SDL with introspect', async () => {
    const { code, stdout } = await cli(['introspect', `${mocks.reviews.url}/graphql`]);
    expect(code).toBe(0);
    expect(stdout).toContain('topReviews');
  });

  it('publishes from a schema on stdin, then lists it in a table', async () => {
    const published = await cli(['publish', 'reviews', '--url', `${mocks.reviews.url}/graphql`, '--schema', '-'], { stdin: REVIEWS_SDL });
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/^Published reviews: registry version 1, composition [0-9a-f]{16}/);

    const listed = await cli(['list']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SOURCE\s+URL\s+SDL HASH\s+REGISTERED AT\s+LAST HEALTH CHECK$/);
    expect(lines.find((l) => l.startsWith('reviews'))).toMatch(/registered\s+http:\/\/127\.0\.0\.1:\d+\/graphql\s+[0-9a-f]{16}\s+\S+Z\s+ok at /);
  });

  it('writes every error on its own line to stderr and exits 1', async () => {
    const schema = join(dir.path, 'conflicting.graphql');
    await writeFile(schema, CONFLICTING_SDL);
    const { code, stdout, stderr } = await cli(['check', 'conflicting', '--url', `${mocks.reviews.url}/graphql`, '--schema', schema]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line).toMatch(/^error\[COMPOSITION_FAILED\]: \S/);

    const unauthenticated = await cli(['list'], { token: 'wrong-token-wrong-token' });
    expect(unauthenticated.code).toBe(1);
    expect(unauthenticated.stderr).toMatch(/^error\[UNAUTHENTICATED\]/);
  });

  it('exports the registered set and imports a supergraph.yaml whose schema is a local file', async () => {
    const exported = await cli(['export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('reviews:');

    await writeFile(join(dir.path, 'reviews.graphql'), REVIEWS_SDL);
    const yamlPath = join(dir.path, 'import.yaml');
    await writeFile(yamlPath, `subgraphs:\n  reviews:\n    routing_url: ${mocks.reviews.url}/graphql\n    schema:\n      file: ./reviews.graphql\n`);
    const imported = await cli(['import', yamlPath, '--json']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, action: 'import', subgraphs: ['reviews'] });

    const removal = await cli(['remove', 'reviews', '--json']);
    expect(removal.code).toBe(1);
    expect(JSON.parse(removal.stdout).errors[0].code).toBe('BREAKING_CHANGE');
    expect(removal.stderr.split('\n')[0]).toMatch(/^error\[BREAKING_CHANGE\]/);
    const forced = await cli(['remove', 'reviews', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^Removed reviews: registry version \d+/);
  });

  it('without ADMIN_TOKEN or --gateway, uses the token and URL npm start keeps; never in production', async () => {
    const kept = join(dir.path, 'kept');
    await mkdir(kept);
    // As npm start writes it (src/dev/devSecrets.ts), here for this test's gateway.
    await writeFile(join(kept, DEV_SECRETS_FILE), JSON.stringify({ jwtSecret: 'x'.repeat(32), adminToken: ADMIN_TOKEN, gatewayUrl: stack.url }));
    const env = { ADMIN_TOKEN: '', TESSERA_GATEWAY: '', DATA_DIR: kept };
    const listed = await runScript('src/cli/main.ts', ['subgraph', 'list', '--json'], { env: { ...env, NODE_ENV: 'development' } });
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout).map((s: { name: string }) => s.name)).toContain('users');
    const production = await runScript('src/cli/main.ts', ['subgraph', 'list', '--gateway', stack.url], { env: { ...env, NODE_ENV: 'production' } });
    expect(production.code).toBe(1);
    expect(production.stderr).toMatch(/^error\[UNAUTHENTICATED\]/);
  });
});
