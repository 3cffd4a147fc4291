import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import demoApp from '../../tessera.config.js';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { composeFromSpecs } from '../../src/composition/loadSubgraphs.js';
import { mockEnv, postGraphQL } from '../helpers/stack.js';
import { freePort, ROOT, runScript } from '../helpers/processes.js';
import { until } from '../helpers/until.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** Runs the gateway to completion (bounded): it is expected to stop on its own. */
const run = (env: Record<string, string>) => runScript('src/main.ts', [], { env: { LOG_LEVEL: 'silent', ...env }, timeoutMs: 20_000 });

describe('start-up', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-startup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a composition error stops start-up with every error listed and a non-zero exit', async () => {
    const yaml = `subgraphs:
  a:
    routing_url: http://127.0.0.1:1/graphql
    schema:
      sdl: '${LINK} type Query { a: Thing } type Thing @key(fields: "id") { id: ID! name: String }'
  b:
    routing_url: http://127.0.0.1:2/graphql
    schema:
      sdl: '${LINK} type Query { b: Thing } type Thing @key(fields: "id") { id: ID! name: Int }'
`;
    const path = join(dir, 'conflict.yaml');
    writeFileSync(path, yaml);
    const { code, stderr } = await run({ SUPERGRAPH_CONFIG: path, PORT: String(await freePort()), METRICS_PORT: '0' });
    expect(code).toBe(1);
    expect(stderr).toContain('Composition failed');
    expect(stderr).toMatch(/Thing\.name/);
  });

  it('a bad environment value stops start-up and names the variable', async () => {
    const { code, stderr } = await run({ PORT: 'abc', SUBGRAPH_TIMEOUT_MS: 'soon' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT="abc"');
    expect(stderr).toContain('SUBGRAPH_TIMEOUT_MS="soon"');
  });

  it('an unreachable remote subgraph at start is a clear composition failure', async () => {
    const yaml = `subgraphs:\n  ghost:\n    routing_url: http://127.0.0.1:${await freePort()}/graphql\n`;
    const path = join(dir, 'ghost.yaml');
    writeFileSync(path, yaml);
    const { code, stderr } = await run({ SUPERGRAPH_CONFIG: path, PORT: String(await freePort()), METRICS_PORT: '0' });
    expect(code).toBe(1);
    expect(stderr).toContain('[ghost]');
    expect(stderr).toContain('Could not fetch the schema');
  });
});

describe('serving a pre-composed supergraph file', () => {
  let mocks: MockSet;
  let dir: string;
  let full: string;
  let withoutInventory: string;
  beforeAll(async () => {
    mocks = await startAllMocks();
    dir = mkdtempSync(join(tmpdir(), 'tessera-serve-'));
    const config = loadConfig({ ...mockEnv(mocks) });
    if (config.supergraph.kind !== 'compose') throw new Error('expected the demo supergraph.yaml');
    const specs = config.supergraph.subgraphs;
    full = await composeFromSpecs(specs, { timeoutMs: 2_000 });
    withoutInventory = await composeFromSpecs(specs.filter((s) => s.name !== 'inventory'), { timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await mocks.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the file and hot-reloads it; a broken file keeps the served graph', async () => {
    const file = join(dir, 'supergraph.graphql');
    writeFileSync(file, full);
    const env = { ...mockEnv(mocks), SUPERGRAPH_FILE: file, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    await using app = createApp(loadConfig(env), { app: demoApp, env, log: pino({ level: 'silent' }) });
    await app.start();
    const query = '{ product(sku: "SKU-0007") { title inStock } }';
    const first = await postGraphQL(app.url, query);
    expect(first.body.data.product.inStock).toBe(false);
    const firstId = app.manager.state?.id;

    writeFileSync(file, withoutInventory);
    await until('the reloaded supergraph', () => app.manager.state?.id !== firstId);
    const second = await postGraphQL(app.url, query);
    expect(second.status).toBe(200); // application/json: a request error is a 200 with errors (GraphQL over HTTP)
    expect(second.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const secondId = app.manager.state?.id;

    writeFileSync(file, 'this is not a supergraph');
    await new Promise((r) => setTimeout(r, 400));
    expect(app.manager.state?.id).toBe(secondId);
    const third = await postGraphQL(app.url, '{ product(sku: "SKU-0007") { title } }');
    expect(third.body.data.product.title).toEqual(expect.any(String));
  });

  it('`tessera serve --supergraph FILE --port N` serves it', async () => {
    const file = join(dir, 'serve.graphql');
    writeFileSync(file, full);
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/tessera.js', 'serve', '--supergraph', file, '--port', String(port), '--host', '127.0.0.1'], {
      cwd: ROOT,
      // --port is what is tested, so this one is spawned by hand (spawnGateway sets PORT itself).
      env: { ...process.env, ...mockEnv(mocks), APOLLO_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'silent', METRICS_PORT: '0', ENV_FILE: '' },
      stdio: 'ignore',
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      await until('readiness', async () => (await fetch(`${url}/readiness`)).status === 200, 15_000);
      const { body } = await postGraphQL(url, '{ user(id: "1") { name } }');
      expect(body.data.user.name).toBe('Ada Lovelace');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

describe('readiness', () => {
  it('is 503 until the supergraph is loaded, then 200', async () => {
    const mocks = await startAllMocks();
    try {
      mocks.reviews.setFaults({ latencyMs: 1_000 });
      const env = { ...mockEnv(mocks), PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
      await using app = createApp(loadConfig(env), { app: demoApp, env, log: pino({ level: 'silent' }) });
      const starting = app.start();
      const url = await until('the listener', () => app.http.listening && app.url);
      const early = await fetch(`${url}/readiness`);
      expect(early.status).toBe(503);
      expect(((await early.json()) as { status: string }).status).toBe('not ready');
      expect((await fetch(`${url}/health`)).status).toBe(200);
      await starting;
      expect((await fetch(`${url}/readiness`)).status).toBe(200);
    } finally {
      await mocks.close();
    }
  });
});
