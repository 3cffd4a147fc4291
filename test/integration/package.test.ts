import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks } from '../../services-mock/index.js';
import { startUsers } from '../../services-mock/users/server.js';
import type { MockService } from '../../services-mock/lib/types.js';
import { readDoc } from '../helpers/docs.js';
import { freePort, ROOT, spawnGateway } from '../helpers/processes.js';
import { mockEnv, postGraphQL } from '../helpers/stack.js';

/**
 * Tessera as a team outside this repository uses it: `npm pack`, the tarball installed into a
 * fresh folder elsewhere, a config file there that wraps one REST endpoint and adds one rule, and
 * `npx tessera compose` / `npx tessera serve` run from that folder. Those processes run under
 * Node's permission model, allowed to read only that folder (and npm, which runs npx): a read of
 * any file of the repository would fail them.
 */

const SECRET = 'a-team-secret-of-at-least-32-bytes!!';
// npm asks the registry whether it is outdated unless told not to; nothing here leaves the machine.
const QUIET_NPM = { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children = new Set<ChildProcess>();

/** Runs `command` to completion (killed after `timeoutMs`), in its own process group. */
function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** npx starts a shell that starts node: the whole group goes. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

process.once('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
});

const PEOPLE_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

type Query {
  person(id: ID!): Person
  people(ids: [ID!]!): [Person]!
}

type Person @key(fields: "id") {
  id: ID!
  name: String!
  email: String
}
`;

// What a team writes: one REST endpoint (GET /users?ids=…) as the \`people\` subgraph, one rule.
const CONFIG = (port: number) => `import { readFileSync } from 'node:fs';
import {
  buildLocalSubgraph, createBatchLoader, defineConfig, fromRestError, hasScopes, keyList, notFound, perRequest,
  RestClient, restCallOptions, type SubgraphContext,
} from 'tessera-gateway';

interface Person { id: string; name: string; email: string }

export default defineConfig({
  // Defaults for engine settings; the environment wins over them.
  settings: { PORT: ${port}, HOST: '127.0.0.1' },
  owns: { inProcess: ['people'] },
  subgraphs: ({ env, config }) => {
    const client = new RestClient({ service: 'people', baseUrl: env.PEOPLE_URL ?? 'http://127.0.0.1:8080', timeoutMs: config.subgraphTimeoutMs });
    // One loader per request: any number of people cost one GET /users?ids=…
    const loader = perRequest((ctx: SubgraphContext) =>
      createBatchLoader<string, Person>({
        fetchMany: async (ids) => {
          try {
            return await client.get('/users', (json) => json as Person[], { ...restCallOptions(ctx), query: { ids: keyList(ids) } });
          } catch (error) {
            throw fromRestError(ctx, error, 'Person');
          }
        },
        keyOf: (person) => person.id,
        missing: (id) => notFound('Person', id),
      }),
    );
    const people = buildLocalSubgraph({
      name: 'people',
      typeDefs: readFileSync(new URL('./people.graphql', import.meta.url), 'utf8'),
      resolvers: {
        Query: {
          person: (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => loader(ctx).load(id),
          people: (_: unknown, { ids }: { ids: string[] }, ctx: SubgraphContext) => loader(ctx).loadMany(ids),
        },
        Person: { __resolveReference: ({ id }: { id: string }, ctx: SubgraphContext) => loader(ctx).load(id) },
      },
    });
    return { subgraphs: [people], close: () => client.close() };
  },
  rules: { Person: { email: hasScopes('people:email') } },
});
`;

const SUPERGRAPH_YAML = `federation_version: =2.14.4
subgraphs:
  people:
    routing_url: local://people
    schema:
      file: ./people.graphql
`;

describe('the packed package, installed outside the repository', () => {
  let dir: string;
  let users: MockService;
  let port: number;
  let serving: ChildProcess | undefined;
  let served = '';
  /** The environment of a process that may read nothing but the team's folder (and npm). */
  let confined: NodeJS.ProcessEnv;
  let packed: { filename: string; files: { path: string }[] };

  const npx = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => run('npx', ['--no', '--', ...args], { cwd: dir, env: { ...confined, ...env } });

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'tessera-package-')));
    // Nothing of one is inside the other.
    expect(relative(ROOT, dir).startsWith('..')).toBe(true);
    expect(relative(dir, ROOT).startsWith('..')).toBe(true);
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    const plain = { ...env, ...QUIET_NPM };

    // `npm pack` runs `prepack`, the build.
    const pack = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env: plain, timeoutMs: 180_000 });
    expect(pack.code, pack.stderr).toBe(0);
    packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as (typeof packed)[])[0]!;
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'team-gateway', private: true, type: 'module', dependencies: { 'tessera-gateway': `file:./${packed.filename}` } }));
    // From npm's cache, which `npm ci` of this repository filled.
    const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: plain, timeoutMs: 240_000 });
    expect(install.code, install.stderr).toBe(0);

    await writeFile(join(dir, 'people.graphql'), PEOPLE_SDL);
    await writeFile(join(dir, 'supergraph.yaml'), SUPERGRAPH_YAML);
    port = await freePort();
    await writeFile(join(dir, 'tessera.config.ts'), CONFIG(port));
    // tsx keeps compiled files under TMPDIR: the team's folder, the only one its processes may write.
    await mkdir(join(dir, 'tmp'));
    users = await startUsers({ port: 0, host: '127.0.0.1' });

    // npx as the shell finds it (a link to npm's bin/npx-cli.js), and npm's own code.
    const npxPath = (process.env.PATH ?? '').split(delimiter).map((entry) => join(entry, 'npx')).find((path) => existsSync(path));
    expect(npxPath, 'npx on PATH').toBeDefined();
    const npmRoot = dirname(dirname(await realpath(npxPath!)));
    const permissions = [
      '--experimental-permission',
      `--allow-fs-read=${dir}`,
      `--allow-fs-write=${dir}`,
      `--allow-fs-read=${npxPath}`,
      `--allow-fs-read=${npmRoot}`,
      // npx starts the bin through a shell; the gateway starts composition workers and Hive's planner addon.
      '--allow-child-process',
      '--allow-worker',
      '--allow-addons',
    ];
    confined = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      TMPDIR: join(dir, 'tmp'),
      NODE_OPTIONS: permissions.join(' '),
      APOLLO_TELEMETRY_DISABLED: '1',
      JWT_SECRET: SECRET,
      ...QUIET_NPM,
    };
  }, 480_000);

  afterAll(async () => {
    if (serving) killGroup(serving, 'SIGTERM');
    await users?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('packs the build and the bin, not the sources, the demo app or the tests', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'bin/tessera.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']));
    expect(paths.filter((path) => !/^(dist\/|bin\/|package\.json$|README\.md$)/.test(path))).toEqual([]);
  });

  it('`npx tessera --version` reads the installed package\'s version (dist/ sits where src/ did); --help and subgraph --help answer', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const printed = await npx(['tessera', '--version']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(`tessera ${version}\n`);
    for (const args of [['--help'], ['subgraph', '--help']]) {
      const help = await npx(['tessera', ...args]);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/publish/);
    }
  });

  it('confines its processes: a read of a repository file fails', async () => {
    const probe = await run(process.execPath, ['-e', `require('node:fs').readFileSync(${JSON.stringify(join(ROOT, 'package.json'))})`], { cwd: dir, env: confined });
    expect(probe.code).not.toBe(0);
    expect(probe.stderr).toContain('ERR_ACCESS_DENIED');
  });

  it('`npx tessera compose` and `npx tessera serve --config` answer over the REST service, one call for many items', async () => {
    const composed = await npx(['tessera', 'compose', '--config', 'supergraph.yaml']);
    expect(composed.code, composed.stderr).toBe(0);
    await writeFile(join(dir, 'supergraph.graphql'), composed.stdout);

    serving = spawn('npx', ['--no', '--', 'tessera', 'serve', '--config', 'tessera.config.ts', '--supergraph', 'supergraph.graphql'], {
      cwd: dir,
      env: { ...confined, PEOPLE_URL: users.url, METRICS_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(serving);
    serving.stdout!.on('data', (chunk: Buffer) => (served += chunk.toString('utf8')));
    serving.stderr!.on('data', (chunk: Buffer) => (served += chunk.toString('utf8')));
    const deadline = Date.now() + 60_000;
    // PORT comes from the config file's settings: answering there shows they apply.
    for (;;) {
      if (serving.exitCode !== null) throw new Error(`tessera serve exited (${serving.exitCode}):\n${served}`);
      const ready = await fetch(`http://127.0.0.1:${port}/readiness`).then((r) => r.status === 200, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`tessera serve was not ready within 60 s:\n${served}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(served).toContain('app tessera.config.ts (people)');

    users.resetStats();
    const { body } = await postGraphQL(`http://127.0.0.1:${port}`, '{ people(ids: ["1", "2", "3"]) { id name } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.people.map((p: { id: string }) => p.id)).toEqual(['1', '2', '3']);
    expect(body.data.people[0].name).toBe('Ada Lovelace');
    expect(users.stats().routes['GET /users']).toBe(1);
  });

  it('the rule holds: email needs a token with `people:email`', async () => {
    const url = `http://127.0.0.1:${port}`;
    const anonymous = await postGraphQL(url, '{ person(id: "1") { name email } }');
    expect(anonymous.body.data).toEqual({ person: { name: 'Ada Lovelace', email: null } });
    expect(anonymous.body.errors?.[0]).toMatchObject({ path: ['person', 'email'], extensions: { code: 'UNAUTHENTICATED' } });

    const token = async (scope: string) => {
      const minted = await npx(['tessera', 'token', '--sub', '1', '--scope', scope]);
      expect(minted.code, minted.stderr).toBe(0);
      return minted.stdout.trim();
    };
    const withScope = await postGraphQL(url, '{ person(id: "1") { email } }', undefined, { authorization: `Bearer ${await token('people:email')}` });
    expect(withScope.body).toEqual({ data: { person: { email: 'ada@example.com' } } });
    const without = await postGraphQL(url, '{ person(id: "1") { email } }', undefined, { authorization: `Bearer ${await token('other')}` });
    expect(without.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('its type declarations check config files, docs/package.md\'s among them, and catch a misspelt setting', async () => {
    await writeFile(join(dir, 'misspelt.ts'), "import { defineConfig } from 'tessera-gateway';\nexport default defineConfig({ settings: { PROT: 4000 } });\n");
    const documented = [...readDoc('docs/package.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((block) => block.includes('defineConfig({'));
    expect(documented).toBeDefined();
    await writeFile(join(dir, 'documented.ts'), documented!);
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ['tessera.config.ts', 'documented.ts', 'misspelt.ts'],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const checked = await run(process.execPath, [tsc, '-p', dir], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, timeoutMs: 120_000 });
    const errors = checked.stdout.split('\n').filter((line) => line.includes('error TS'));
    // node:fs has no types here (no @types/node): that one is the team's, not the package's.
    const ours = errors.filter((line) => !line.includes("'node:fs'"));
    expect(ours.length, checked.stdout).toBe(1);
    expect(ours[0]).toMatch(/^misspelt\.ts.*PROT/);
  });

  it('the build `npm pack` made serves this repository\'s demo app from dist/ (`npm run gateway`)', async () => {
    const mocks = await startAllMocks();
    const gateway = await spawnGateway({ entry: join(ROOT, 'dist', 'main.js'), env: { ...mockEnv(mocks), LOG_LEVEL: 'silent' } });
    try {
      const { body } = await postGraphQL(gateway.url, '{ user(id: "1") { name email } product(sku: "SKU-0001") { sku reviews { rating } } }');
      // The app's rule applies: the engine from dist/ runs the app that imports `tessera-gateway` (dist/ too).
      expect(body.data.user).toEqual({ name: 'Ada Lovelace', email: null });
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(body.data.product.sku).toBe('SKU-0001');
      expect(Array.isArray(body.data.product.reviews)).toBe(true);
    } finally {
      await gateway.stop();
      await mocks.close();
    }
  });
});
