import '../../src/gateway/noTelemetry.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import demoApp from '../../tessera.config.js';
import { createApp, type App } from '../../src/app.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { ConfigError } from '../../src/errors/configError.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { isAuthenticated } from '../../src/policy/rules.js';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { FOREIGN_REVIEWS_ANSWER, startForeignGraph, type ForeignGraph } from '../fixtures/foreign.js';
import { composeDemo, spawnGateway } from '../helpers/processes.js';
import { writeSupergraphWithoutReviews } from '../helpers/registryFixtures.js';
import { mockEnv, postGraphQL } from '../helpers/stack.js';
import { supergraphOf } from '../helpers/supergraph.js';

const SECRET = 'app-scope-tests-secret-at-least-32-bytes!!';
const QUERY = '{ reviews { body author { email name } } }';

/** Every log line at warn or above, parsed. */
function warnSink(): { sink: Writable; warnings: { msg: string; [field: string]: unknown }[] } {
  const warnings: { msg: string; [field: string]: unknown }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        const parsed = JSON.parse(line) as { level: number; msg: string };
        if (parsed.level >= 40) warnings.push(parsed);
      }
      done();
    },
  });
  return { sink, warnings };
}

describe('a foreign supergraph: the demo app’s policy does not act on it', () => {
  let foreign: ForeignGraph;
  let dir: string;
  let file: string;
  let stock: { server: ApolloServer; url: string };
  let withApp: App;
  let engineOnly: App;
  let token: string;
  const logged = warnSink();

  beforeAll(async () => {
    foreign = await startForeignGraph();
    const supergraphSdl = supergraphOf(foreign.subgraphs);
    dir = await mkdtemp(join(tmpdir(), 'tessera-foreign-'));
    file = join(dir, 'supergraph.graphql');
    await writeFile(file, supergraphSdl);
    const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    stock = { server, url: (await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } })).url.replace(/\/$/, '') };
    const config = loadConfig({ SUPERGRAPH_FILE: file, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', JWT_SECRET: SECRET, RESPONSE_CACHE: 'false' });
    // As `npm run gateway` with SUPERGRAPH_FILE would run it: the app given whatever the graph.
    withApp = createApp(config, { app: demoApp, log: createLogger('warn', logged.sink) });
    engineOnly = createApp(config, { log: pino({ level: 'silent' }) });
    await Promise.all([withApp.start(), engineOnly.start()]);
    token = await signDevToken({ secret: SECRET, sub: '1' });
  });

  afterAll(async () => {
    await withApp?.stop();
    await engineOnly?.stop();
    await stock?.server.stop();
    await foreign?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stock Apollo Gateway answers the data to anyone', async () => {
    const { body } = await postGraphQL(stock.url.replace(/\/graphql$/, ''), QUERY);
    expect(body).toEqual({ data: FOREIGN_REVIEWS_ANSWER });
  });

  it.each([
    ['with the demo app', () => withApp],
    ['without an app', () => engineOnly],
  ])('%s, anonymous and signed in, Tessera answers the same', async (_name, gateway) => {
    const anonymous = await postGraphQL(gateway().url, QUERY);
    expect(anonymous.body).toEqual({ data: FOREIGN_REVIEWS_ANSWER });
    const signedIn = await postGraphQL(gateway().url, QUERY, undefined, { authorization: `Bearer ${token}` });
    expect(signedIn.body).toEqual({ data: FOREIGN_REVIEWS_ANSWER });
  });

  it('the app’s client profiles do not apply either: every client gets RATE_LIMIT_DEFAULT', async () => {
    const env = { SUPERGRAPH_FILE: file, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', RESPONSE_CACHE: 'false', RATE_LIMIT_DEFAULT: '1/60s' };
    await using limited = createApp(loadConfig(env), { app: demoApp, log: pino({ level: 'silent' }) });
    await limited.start();
    // The demo app gives nightly-export 60/60s in its own graph (ratelimit-fields.test.ts).
    const headers = { 'apollographql-client-name': 'nightly-export' };
    expect((await postGraphQL(limited.url, QUERY, undefined, headers)).status).toBe(200);
    const second = await postGraphQL(limited.url, QUERY, undefined, headers);
    expect(second.status).toBe(429);
    expect(second.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('says at start that the app is not in the graph', () => {
    expect(logged.warnings.map((w) => w.msg)).toContain("the app's subgraphs are not in the supergraph: its rules, purge rules and key fields apply to nothing");
  });

  describe('tessera serve', () => {
    const serve = (...args: string[]) => spawnGateway({ entry: 'bin/tessera.js', args: ['serve', '--supergraph', file, ...args], env: { JWT_SECRET: SECRET } });

    it('by default serves a foreign graph with the engine alone, and says so', async () => {
      const gateway = await serve();
      try {
        expect((await postGraphQL(gateway.url, QUERY)).body).toEqual({ data: FOREIGN_REVIEWS_ANSWER });
        expect(gateway.output()).toContain('engine only (the supergraph has none of');
      } finally {
        await gateway.stop();
      }
    });

    it('refuses --config with an app whose subgraphs are not in the graph, and --config with --no-app', async () => {
      await expect(serve('--config', 'tessera.config.ts')).rejects.toThrow(
        /code 1\):[\s\S]*--config tessera\.config\.ts: the supergraph has none of the app's subgraphs \(local:\/\/users, local:\/\/orders, local:\/\/catalog, local:\/\/bff, reviews, inventory\)/,
      );
      await expect(serve('--config', 'tessera.config.ts', '--no-app')).rejects.toThrow(/code 2\):[\s\S]*serve takes --config FILE or --no-app, not both/);
    });

    it('takes a config file of settings alone for any graph, and refuses a setting it does not know', async () => {
      const settingsOnly = join(dir, 'settings.config.mjs');
      await writeFile(settingsOnly, 'export default { settings: { MAX_DEPTH: 2 } };\n');
      const gateway = await serve('--config', settingsOnly);
      try {
        expect(gateway.output()).toContain('engine only (settings from');
        const { body } = await postGraphQL(gateway.url, QUERY);
        expect(body.errors?.[0]?.extensions?.code).toBe('OPERATION_LIMIT_EXCEEDED');
      } finally {
        await gateway.stop();
      }
      const misspelt = join(dir, 'misspelt.config.mjs');
      await writeFile(misspelt, 'export default { settings: { MAX_DEPHT: 2 } };\n');
      await expect(serve('--config', misspelt)).rejects.toThrow(/code 1\):[\s\S]*settings\.MAX_DEPHT is not a Tessera setting/);
    });
  });
});

describe('the demo graph with the app', () => {
  let mocks: MockSet;
  let dir: string;
  beforeAll(async () => {
    mocks = await startAllMocks();
    dir = await mkdtemp(join(tmpdir(), 'tessera-appcheck-'));
  });
  afterAll(async () => {
    await mocks?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('start-up refuses a rule that names no field of the app’s subgraphs', async () => {
    const env = { ...mockEnv(mocks), PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dir };
    const app = { ...demoApp, rules: { ...demoApp.rules, User: { emial: isAuthenticated } } };
    const gateway = createApp(loadConfig(env), { app, env, log: pino({ level: 'silent' }) });
    const started = gateway.start();
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow('rules.User.emial: User has no field emial');
    expect(gateway.phase).toBe('stopped');
  });

  it('while a subgraph of the app is missing, start-up lists the entries that wait for it', async () => {
    const logged = warnSink();
    const env = { ...mockEnv(mocks), SUPERGRAPH_CONFIG: await writeSupergraphWithoutReviews(dir, mocks), PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir };
    await using gateway = createApp(loadConfig(env), { app: demoApp, env, log: createLogger('warn', logged.sink) });
    await gateway.start();
    expect(logged.warnings).toEqual([
      expect.objectContaining({
        msg: 'app entries that apply to nothing in the supergraph',
        missing: ['reviews'],
        unmatched: ['rules.Review: the supergraph has no type Review'],
      }),
    ]);
  });

  it('a reloaded file without the app’s subgraphs switches its policy off, and the log says so', async () => {
    const file = await composeDemo(mockEnv(mocks), join(dir, 'reloaded.graphql'));
    const logged = warnSink();
    const env = { ...mockEnv(mocks), SUPERGRAPH_FILE: file, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', RESPONSE_CACHE: 'false' };
    await using gateway = createApp(loadConfig(env), { app: demoApp, env, log: createLogger('warn', logged.sink) });
    await gateway.start();
    const email = await postGraphQL(gateway.url, '{ user(id: "1") { email } }');
    expect(email.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(logged.warnings).toEqual([]);

    const foreign = await startForeignGraph();
    try {
      const before = gateway.manager.state?.id;
      await writeFile(file, supergraphOf(foreign.subgraphs));
      for (let i = 0; i < 100 && gateway.manager.state?.id === before; i++) await new Promise((r) => setTimeout(r, 100));
      expect(gateway.manager.state?.id).not.toBe(before);
      expect((await postGraphQL(gateway.url, QUERY)).body).toEqual({ data: FOREIGN_REVIEWS_ANSWER });
      expect(logged.warnings.map((w) => w.msg)).toEqual([
        "the app's subgraphs are not in the supergraph: its rules, purge rules and key fields apply to nothing",
      ]);
    } finally {
      await foreign.close();
    }
  });

  it('`tessera serve` applies the app by default when the graph is the app’s', async () => {
    const file = await composeDemo(mockEnv(mocks), join(dir, 'demo.graphql'));
    const gateway = await spawnGateway({ entry: 'bin/tessera.js', args: ['serve', '--supergraph', file], env: mockEnv(mocks) });
    try {
      const { body } = await postGraphQL(gateway.url, '{ user(id: "1") { name email } }');
      expect(body.data).toEqual({ user: { name: 'Ada Lovelace', email: null } });
      expect(body.errors?.map((e: any) => [e.extensions?.code, e.path])).toEqual([['UNAUTHENTICATED', ['user', 'email']]]);
      expect(gateway.output()).toMatch(/"app":"app tessera\.config\.ts \(bff, catalog, inventory, orders, reviews, users\)"/);
    } finally {
      await gateway.stop();
    }
  });

  it('`tessera serve` without --supergraph composes what the environment says, with the app, and drains on SIGTERM', async () => {
    const gateway = await spawnGateway({ entry: 'bin/tessera.js', args: ['serve'], env: mockEnv(mocks) });
    const { body } = await postGraphQL(gateway.url, '{ user(id: "1") { name email } product(sku: "SKU-0001") { sku } }');
    expect(body.data).toEqual({ user: { name: 'Ada Lovelace', email: null }, product: { sku: 'SKU-0001' } });
    expect(body.errors?.map((e: any) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(gateway.output()).toMatch(/"app":"app tessera\.config\.ts"/);
    expect(await gateway.stop()).toBe(0);
    expect(gateway.output()).toContain('"msg":"shutting down"');
  });
});
