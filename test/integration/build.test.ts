import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { composeDemo, ROOT, spawnGateway, type GatewayProcess } from '../helpers/processes.js';
import { mockEnv, postGraphQL } from '../helpers/stack.js';

// Inside the repository (under the ignored .tessera/), so the build finds node_modules as dist/ does.
const OUT = join(ROOT, '.tessera', `build-test-${process.pid}`);

describe('the production build', () => {
  let mocks: MockSet;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    mkdirSync(join(ROOT, '.tessera'), { recursive: true });
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', OUT], { cwd: ROOT, stdio: 'pipe' });
    mocks = await startAllMocks();
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await mocks?.close();
    rmSync(OUT, { recursive: true, force: true });
  });

  it('is plain JavaScript with the SDL beside it, and serves the federated graph without tsx', async () => {
    expect(existsSync(join(OUT, 'src', 'main.js'))).toBe(true);
    expect(existsSync(join(OUT, 'schema', 'catalog.graphql'))).toBe(true);
    gateway = await spawnGateway({ entry: join(OUT, 'src', 'main.js'), env: { ...mockEnv(mocks), LOG_LEVEL: 'silent' } });
    const { body } = await postGraphQL(gateway.url, '{ product(sku: "SKU-0001") { sku reviews { rating } inStock } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.product.sku).toBe('SKU-0001');
    expect(Array.isArray(body.data.product.reviews)).toBe(true);
    expect(typeof body.data.product.inStock).toBe('boolean');
  });

  it('`tessera serve` from the build finds the built app and applies it to the app’s graph', async () => {
    const cli = join(OUT, 'src', 'cli', 'main.js');
    const file = await composeDemo(mockEnv(mocks), join(OUT, 'demo.graphql'), cli);
    const served = await spawnGateway({ entry: cli, args: ['serve', '--supergraph', file], env: { ...mockEnv(mocks) } });
    try {
      const { body } = await postGraphQL(served.url, '{ user(id: "1") { name email } }');
      expect(body.data).toEqual({ user: { name: 'Ada Lovelace', email: null } });
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await served.stop();
    }
  });
});
