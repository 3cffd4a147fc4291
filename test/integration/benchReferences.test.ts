// `npm run bench` compares Tessera with Hive Gateway + Rust planner over the same remote subgraphs.
// This checks, on any machine that runs the tests, that the reference row starts as the bench starts
// it and answers every scenario exactly as Tessera does, and that the mocks count the calls.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstDifference } from '../../bench/lib/answers.js';
import { HIVE_BIN, hiveArgs } from '../../bench/lib/hiveGateway.js';
import { remoteSupergraphYaml, startMockServices, writeComposedSupergraph, type MockServices } from '../../bench/lib/mockServices.js';
import { SCENARIOS, TOKEN_SCOPES, type Scenario } from '../../bench/scenarios.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { ROOT, spawnGateway, type GatewayProcess } from '../helpers/processes.js';

const JWT_SECRET = 'bench-references-secret-at-least-32-bytes';

describe('the benchmark reference rows', () => {
  let dir: string;
  let mocks: MockServices;
  let hive: GatewayProcess;
  let tessera: GatewayProcess;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-bench-'));
    mocks = await startMockServices(ROOT, { remote: true });
    const config = join(dir, 'supergraph.yaml');
    await writeFile(config, remoteSupergraphYaml(ROOT, mocks.urls));
    const supergraph = join(dir, 'supergraph.graphql');
    await writeComposedSupergraph({ SUPERGRAPH_CONFIG: config }, supergraph);
    [hive, tessera] = await Promise.all([
      spawnGateway({ entry: HIVE_BIN, args: hiveArgs(ROOT, supergraph, { dedup: true }) }),
      // As the bench's rows b–d run: the app's rules over its subgraphs served remotely.
      spawnGateway({ entry: 'bench/tessera.ts', env: { SUPERGRAPH_CONFIG: config, BENCH_REMOTE: '1', JWT_SECRET, RESPONSE_CACHE: 'false' } }),
    ]);
    token = await signDevToken({ secret: JWT_SECRET, sub: 'bench-1', scopes: TOKEN_SCOPES });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([hive?.stop(), tessera?.stop()]);
    mocks?.child.kill();
    await rm(dir, { recursive: true, force: true });
  });

  const ask = async (gateway: GatewayProcess, scenario: Scenario) => {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(scenario.body),
    });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: unknown } };
  };

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('Hive Gateway with the Rust planner answers %s exactly as Tessera does', async (_, scenario) => {
    const fromHive = await ask(hive, scenario);
    const fromTessera = await ask(tessera, scenario);
    expect(fromTessera.status).toBe(200);
    expect(fromTessera.body.errors).toBeUndefined();
    expect(fromTessera.body.data).toBeTruthy();
    expect(fromHive.status).toBe(200);
    expect(firstDifference(fromTessera.body, fromHive.body)).toBeUndefined();
  });

  it('counts the subgraph calls each gateway makes', async () => {
    const light = SCENARIOS.find((s) => s.name === 'light')!;
    for (const gateway of [hive, tessera]) {
      const before = await mocks.counts();
      await ask(gateway, light);
      const after = await mocks.counts();
      const delta = (side: 'subgraphs' | 'rest') =>
        Object.fromEntries(Object.entries(after[side]).map(([name, n]) => [name, n - (before[side][name] ?? 0)]).filter(([, n]) => n !== 0));
      // One product from one subgraph, and the one REST call behind it.
      expect(delta('subgraphs')).toEqual({ catalog: 1 });
      expect(delta('rest')).toEqual({ catalog: 1 });
    }
  });
});
