// `npm run bench [-- --quick]`: stock Apollo Gateway and Hive Gateway (Rust planner) against Tessera
// in one run, taking turns. Everything listens on 127.0.0.1. See docs/benchmarks.md for what each row means.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { firstDifference } from './lib/answers.js';
import { HIVE_BIN, hiveArgs } from './lib/hiveGateway.js';
import { buildForBench } from './build.js';
import { remoteSupergraphYaml, startMockServices, writeComposedSupergraph, type MockServices } from './lib/mockServices.js';
import { freePort, stopChild } from './lib/processes.js';
import { buildRows, formatFetches, formatTable, type FetchCount, type Measurement } from './lib/results.js';
import { treeStats } from './lib/procStats.js';
import { distinctOperations, SCENARIOS, TOKEN_SCOPES, type Scenario } from './scenarios.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');

// ── options ────────────────────────────────────────────────────────────────────────────────────
const quick = process.argv.includes('--quick');
function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}
const options = {
  durationS: envInt('BENCH_DURATION_S', quick ? 2 : 5),
  warmupS: envInt('BENCH_WARMUP_S', 1),
  connections: envInt('BENCH_CONNECTIONS', 16),
  rounds: envInt('BENCH_ROUNDS', quick ? 1 : 3),
  distinctOps: envInt('BENCH_DISTINCT_OPS', quick ? 400 : 2_000),
  configs: (process.env.BENCH_CONFIGS ?? 'a,h,b,c,d').split(',').map((s) => s.trim()).filter(Boolean),
  scenarios: (process.env.BENCH_SCENARIOS ?? SCENARIOS.map((s) => s.name).join(',')).split(',').map((s) => s.trim()),
  /** A configuration id whose gateway runs under `node --cpu-prof`; the profile lands in bench/results/profiles. */
  profile: process.env.BENCH_PROFILE ?? '',
  /** Tessera's TESSERA_WORKERS for rows b–d (unset: one process, like the reference). */
  workers: process.env.BENCH_TESSERA_WORKERS ?? '',
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
  /** Extra Node flags for rows b–d (space-separated), e.g. V8 heap settings to compare. */
  tesseraNodeFlags: (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  /** Extra `hive-gateway` flags for row h (space-separated), e.g. `--jit`. */
  hiveFlags: (process.env.BENCH_HIVE_FLAGS ?? '').split(' ').filter(Boolean),
  /** `0`: Hive Gateway sends every subgraph call, without sharing one among identical requests in flight (its default). */
  hiveDedup: process.env.BENCH_HIVE_DEDUP !== '0',
  /**
   * `one`: every connection of rows b–d signs in as the same viewer, as every request to row h is
   * the same anonymous one, so identical requests in flight may share subgraph calls there too.
   * Default `per-connection`: a viewer per connection, so none can be shared.
   */
  viewers: process.env.BENCH_VIEWERS === 'one' ? ('one' as const) : ('per-connection' as const),
  /** Sequential requests per row and scenario whose subgraph fetches the mocks count. */
  fetchProbe: 3,
};

// ── configurations ─────────────────────────────────────────────────────────────────────────────
type ConfigId = 'a' | 'h' | 'b' | 'c' | 'd';
/** The rows every other row is compared with, in the table's order. */
const REFERENCES: readonly ConfigId[] = ['a', 'h'];
interface GatewayConfig {
  readonly id: ConfigId;
  readonly label: string;
  readonly entry: string;
  /** Arguments after the entry script. */
  readonly args?: readonly string[];
  /** Runs only when every subgraph is remote (it cannot load Tessera's in-process subgraphs). */
  readonly remoteOnly?: boolean;
  /** Node flags (BENCH_NODE_FLAGS, Tessera rows only); every gateway runs with Node's defaults otherwise, as `npm run gateway` does. */
  readonly nodeFlags?: readonly string[];
  readonly env: Record<string, string>;
  /** Signs a distinct token per connection when set. */
  readonly tokens: boolean;
  readonly cacheHits: boolean;
}

const jwtSecret = process.env.BENCH_JWT_SECRET ?? randomBytes(32).toString('base64url');
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const extraEnv = (name: string): Record<string, string> => {
  const raw = process.env[name];
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch {
    throw new Error(`${name} must be a JSON object of environment variables`);
  }
};
const workersEnv: Record<string, string> = options.workers ? { TESSERA_WORKERS: options.workers } : {};
// The policy stack and the response cache switch on through Tessera's own environment variables;
// BENCH_POLICY_ENV / BENCH_CACHE_ENV (JSON) add or override any of them.
// A request limit that never trips but is counted in Redis on every request, as a real one would be.
const checkedLimit = { RATE_LIMIT_DEFAULT: '1000000/60s' };
const policyEnv: Record<string, string> = {
  JWT_SECRET: jwtSecret,
  REDIS_URL: redisUrl,
  RESPONSE_CACHE: 'false',
  ...checkedLimit,
  ...extraEnv('BENCH_POLICY_ENV'),
};
const cacheEnv: Record<string, string> = {
  JWT_SECRET: jwtSecret,
  REDIS_URL: redisUrl,
  RESPONSE_CACHE: 'true',
  ...checkedLimit,
  ...extraEnv('BENCH_CACHE_ENV'),
};
// Both gateways run as built JavaScript (`npm run build`, into bench/results/build), as in
// production: no TypeScript loader in the measured processes.
const BUILD = join(RESULTS, 'build');
const TESSERA = join(BUILD, 'bench', 'tessera.js');
const REMOTE_SUPERGRAPH = join(RESULTS, 'supergraph-remote.graphql');
const ALL_CONFIGS: readonly GatewayConfig[] = [
  { id: 'a', label: '(a) Apollo Gateway (stock)', entry: join(BUILD, 'bench', 'reference.js'), env: {}, tokens: false, cacheHits: false },
  {
    id: 'h',
    label: '(h) Hive Gateway + Rust planner',
    entry: HIVE_BIN,
    // One process, like the others; PORT and HOST come from the environment.
    args: hiveArgs(ROOT, REMOTE_SUPERGRAPH, { dedup: options.hiveDedup, flags: options.hiveFlags }),
    remoteOnly: true,
    env: {},
    tokens: false,
    cacheHits: false,
  },
  // Tessera has no switch for its policy plugin: (b) drops the app's rule tree and Redis, but the
  // supergraph's @requiresScopes still applies, so (b) sends tokens too.
  {
    id: 'b',
    label: '(b) Tessera, app rules off',
    entry: TESSERA,
    nodeFlags: options.tesseraNodeFlags,
    env: { ...workersEnv, BENCH_POLICY: 'off', JWT_SECRET: jwtSecret, RESPONSE_CACHE: 'false', ...extraEnv('BENCH_B_ENV') },
    tokens: true,
    cacheHits: false,
  },
  { id: 'c', label: '(c) Tessera, policy on, no cache', entry: TESSERA, nodeFlags: options.tesseraNodeFlags, env: { ...workersEnv, ...policyEnv }, tokens: true, cacheHits: false },
  { id: 'd', label: '(d) Tessera, cache hits', entry: TESSERA, nodeFlags: options.tesseraNodeFlags, env: { ...workersEnv, ...cacheEnv }, tokens: true, cacheHits: true },
];
const LABELS = Object.fromEntries(ALL_CONFIGS.map((c) => [c.id, c.label]));

// ── processes ──────────────────────────────────────────────────────────────────────────────────
const children: ChildProcess[] = [];

/**
 * Every subgraph over HTTP, the app's REST-wrapped ones served by the mocks process (the default);
 * BENCH_REMOTE=0 keeps them in the gateways' processes, where only Tessera and stock Apollo can run them.
 */
const REMOTE = process.env.BENCH_REMOTE !== '0';

async function startMocks(): Promise<MockServices> {
  const mocks = await startMockServices(ROOT, { remote: REMOTE });
  children.push(mocks.child);
  return mocks;
}

/**
 * Subgraph and REST calls per gateway request, counted by the mocks: `options.fetchProbe` requests
 * one at a time (what the plan sends), then one burst of as many identical requests as the load has
 * connections, all at once (what reaches the subgraphs when a gateway shares calls in flight).
 */
async function countFetches(mocks: MockServices, gateway: RunningGateway, scenario: Scenario): Promise<FetchCount> {
  const per = (a: Record<string, number>, b: Record<string, number>, n: number) =>
    Object.fromEntries(Object.keys(a).map((name) => [name, (a[name]! - (b[name] ?? 0)) / n]));
  const sum = (values: Record<string, number>) => Object.values(values).reduce((n, v) => n + v, 0);
  const before = await mocks.counts();
  for (let i = 0; i < options.fetchProbe; i++) await post(gateway, scenario.body);
  const sequential = await mocks.counts();
  await Promise.all(Array.from({ length: options.connections }, (_, i) => post(gateway, scenario.body, i)));
  const burst = await mocks.counts();
  const bySubgraph = per(sequential.subgraphs, before.subgraphs, options.fetchProbe);
  return {
    subgraphs: sum(bySubgraph),
    bySubgraph,
    rest: sum(per(sequential.rest, before.rest, options.fetchProbe)),
    burst: sum(per(burst.subgraphs, sequential.subgraphs, options.connections)),
  };
}

interface RunningGateway {
  readonly config: GatewayConfig;
  readonly url: string;
  readonly child: ChildProcess;
  readonly tokens: readonly string[];
  /** Per scenario: this gateway's checked answer and the reference's, which answers under load must match. */
  readonly answers: Map<string, { readonly text: string; readonly expected: unknown }>;
}

async function startGateway(config: GatewayConfig, baseEnv: Record<string, string>): Promise<RunningGateway> {
  const port = await freePort();
  const profileArgs =
    options.profile === config.id ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles', config.id)}`] : [];
  const child = spawn(process.execPath, [...profileArgs, ...(config.nodeFlags ?? []), config.entry, ...(config.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...baseEnv, ...config.env, PORT: String(port), METRICS_PORT: '0' },
    // Tessera logs one line per request (LOG_LEVEL=info): written, as in production, but not kept.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${config.label} exited during start (${child.exitCode})`);
    try {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${config.label} did not become ready within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const tokens = config.tokens ? await signTokens(options.viewers === 'one' ? 1 : options.connections) : [];
  return { config, url, child, tokens, answers: new Map() };
}

/** `count` tokens for distinct viewers: one per connection, so nothing can be shared or de-duplicated between connections, unless BENCH_VIEWERS=one. */
async function signTokens(count: number): Promise<string[]> {
  const key = new TextEncoder().encode(jwtSecret);
  const claims = extraEnv('BENCH_JWT_CLAIMS');
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      new SignJWT({ scope: TOKEN_SCOPES.join(' '), ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(`bench-${i + 1}`)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(key),
    ),
  );
}

// ── requests ───────────────────────────────────────────────────────────────────────────────────
function headersFor(gateway: RunningGateway, connection: number): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = gateway.tokens[connection % Math.max(1, gateway.tokens.length)];
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

async function post(gateway: RunningGateway, body: unknown, connection = 0) {
  const res = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: headersFor(gateway, connection), body: JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const hasErrors = (text: string) => text.includes('"errors":');

// ── measurement ────────────────────────────────────────────────────────────────────────────────
async function load(gateway: RunningGateway, scenario: Scenario, durationS: number) {
  let bad = 0;
  let differing = 0;
  let connection = 0;
  const answer = gateway.answers.get(scenario.name);
  // The same text as the checked answer, or (key order aside) the same answer as the reference's.
  const sameAnswer = (body: string) => {
    if (!answer || body === answer.text) return true;
    try {
      return firstDifference(answer.expected, JSON.parse(body)) === undefined;
    } catch {
      return false;
    }
  };
  const result = await autocannon({
    url: `${gateway.url}/graphql`,
    connections: options.connections,
    duration: durationS,
    // A slow answer counts as an error only after 30 s: the reference saturates first.
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        headers: headersFor(gateway, 0),
        body: JSON.stringify(scenario.body),
        onResponse: (status: number, body: string) => {
          if (status < 200 || status >= 300 || hasErrors(body)) bad++;
          else if (!sameAnswer(body)) {
            bad++;
            differing++;
          }
        },
      },
    ],
    setupClient: (client) => {
      client.setHeaders(headersFor(gateway, connection++));
    },
  });
  return { result, bad, differing };
}

async function measure(mocks: MockServices, gateway: RunningGateway, scenario: Scenario): Promise<Measurement & { differing: number }> {
  if (options.warmupS > 0) await load(gateway, scenario, options.warmupS);
  const pid = gateway.child.pid!;
  const before = treeStats(pid);
  const mocksBefore = treeStats(mocks.child.pid!);
  const { result, bad, differing } = await load(gateway, scenario, options.durationS);
  const after = treeStats(pid);
  const mocksAfter = treeStats(mocks.child.pid!);
  const completed = result.requests.total;
  return {
    requests: completed,
    rps: completed / options.durationS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: bad + result.errors + result.timeouts,
    cpuMsPerRequest: completed > 0 ? (after.cpuMs - before.cpuMs) / completed : Number.NaN,
    peakRssMiB: after.peakRssMiB,
    mocksCpuMsPerRequest: completed > 0 ? (mocksAfter.cpuMs - mocksBefore.cpuMs) / completed : Number.NaN,
    differing,
  };
}

/** Sends `count` distinct operations, a few at a time, and samples resident memory after each quarter. */
async function distinctRun(gateway: RunningGateway, count: number) {
  const pid = gateway.child.pid!;
  const ops = distinctOperations(count, 10_000);
  const samples: { after: number; rssMiB: number; peakRssMiB: number }[] = [];
  let failures = 0;
  let next = 0;
  const quarter = Math.ceil(count / 4);
  const started = Date.now();
  while (next < ops.length) {
    const batch = ops.slice(next, next + quarter);
    let i = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (i < batch.length) {
          const op = batch[i++]!;
          const res = await post(gateway, op, i);
          if (res.status !== 200 || hasErrors(res.text)) failures++;
        }
      }),
    );
    next += batch.length;
    const stats = treeStats(pid);
    samples.push({ after: next, rssMiB: stats.rssMiB, peakRssMiB: stats.peakRssMiB });
  }
  const first = samples[0]!.rssMiB;
  const last = samples[samples.length - 1]!.rssMiB;
  return { operations: count, failures, seconds: (Date.now() - started) / 1000, samples, growth: last / first };
}

// ── checks ─────────────────────────────────────────────────────────────────────────────────────
interface Features {
  authEnforced: boolean;
  rateLimitHeaders: boolean;
  cacheHeader: string | null;
}

/** What the policy/cache rows actually had switched on: probed, not assumed. */
async function probeFeatures(gateway: RunningGateway, scenario: Scenario | undefined): Promise<Features> {
  const mutation = SCENARIOS.find((s) => s.name === 'mutation')!;
  const anonymous = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...mutation.body, variables: { input: { userId: '200', items: [] } } }),
  });
  const text = await anonymous.text();
  const authEnforced = anonymous.status === 401 || /UNAUTHENTICATED|FORBIDDEN/.test(text);
  let rateLimitHeaders = false;
  let cacheHeader: string | null = null;
  if (scenario) {
    await post(gateway, scenario.body);
    const res = await post(gateway, scenario.body);
    rateLimitHeaders = [...res.headers.keys()].some((h) => h.startsWith('ratelimit'));
    cacheHeader = res.headers.get('x-cache');
  }
  return { authEnforced, rateLimitHeaders, cacheHeader };
}

async function main(): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const skipped = ALL_CONFIGS.filter((c) => options.configs.includes(c.id) && c.remoteOnly && !REMOTE);
  for (const c of skipped) say(`${c.label}: left out, it needs every subgraph remote (BENCH_REMOTE=0 is set)`);
  const configs = ALL_CONFIGS.filter((c) => options.configs.includes(c.id) && !skipped.includes(c));
  const scenarios = SCENARIOS.filter((s) => options.scenarios.includes(s.name));
  if (configs.length === 0 || scenarios.length === 0) throw new Error('BENCH_CONFIGS / BENCH_SCENARIOS select nothing');
  await mkdir(join(RESULTS, 'profiles'), { recursive: true });
  buildForBench(ROOT, BUILD);

  say(`bench: ${options.rounds} round(s) × ${options.durationS} s, ${options.connections} connections, configurations ${configs.map((c) => c.id).join(',')}, viewers ${options.viewers}`);
  const mocks = await startMocks();
  const urls = mocks.urls;
  const baseEnv: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel,
    APOLLO_TELEMETRY_DISABLED: '1',
    BENCH_REMOTE: REMOTE ? '1' : '0',
    USERS_SERVICE_URL: urls.users,
    ORDERS_SERVICE_URL: urls.orders,
    CATALOG_SERVICE_URL: urls.catalog,
    REVIEWS_URL: urls.reviews,
    INVENTORY_URL: urls.inventory,
  };
  if (REMOTE) {
    // Every row reads the same composition: Tessera's and stock's from this file, Hive's from its output.
    baseEnv.SUPERGRAPH_CONFIG = join(RESULTS, 'supergraph-remote.yaml');
    await writeFile(baseEnv.SUPERGRAPH_CONFIG, remoteSupergraphYaml(ROOT, urls));
    await writeComposedSupergraph({ ...process.env, ...baseEnv }, REMOTE_SUPERGRAPH);
  }
  const gateways = new Map<ConfigId, RunningGateway>();
  for (const config of configs) gateways.set(config.id, await startGateway(config, baseEnv));
  // Resident memory before any load: what the code and its start-up take, apart from the load's heap.
  const startRss = Object.fromEntries([...gateways].map(([id, g]) => [id, treeStats(g.child.pid!).rssMiB]));
  say(`RSS after start (MiB): ${Object.entries(startRss).map(([id, v]) => `${id} ${v.toFixed(0)}`).join(', ')}`);

  // Before any load: each configuration's answer, compared with the first row's. A row that answers
  // differently is still measured (a wrong answer can be fast) but flagged, and the run exits 1.
  const answers: Record<string, { bytes: number }> = {};
  const differs = new Map<ConfigId, string[]>();
  const flag = (gateway: RunningGateway, why: string) => {
    say(`ANSWER DIFFERS on ${gateway.config.label}: ${why}`);
    differs.set(gateway.config.id, [...(differs.get(gateway.config.id) ?? []), why]);
  };
  for (const scenario of scenarios) {
    let expected: unknown;
    for (const gateway of gateways.values()) {
      const res = await post(gateway, scenario.body);
      if (res.status !== 200 || res.json === undefined || hasErrors(res.text)) {
        flag(gateway, `${scenario.name}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
        continue;
      }
      if (expected === undefined) {
        expected = res.json;
        answers[scenario.name] = { bytes: Buffer.byteLength(res.text) };
      } else {
        const difference = firstDifference(expected, res.json);
        if (difference) flag(gateway, `${scenario.name}: ${difference}`);
      }
      gateway.answers.set(scenario.name, { text: res.text, expected });
    }
  }
  // Subgraph fetches per request, counted by the mocks outside the load (`countFetches`): under load,
  // requests in flight at either end of a round would blur the count.
  const fetches = new Map<string, Map<string, FetchCount>>();
  for (const scenario of scenarios) {
    const byConfig = new Map<string, FetchCount>();
    fetches.set(scenario.name, byConfig);
    for (const gateway of gateways.values()) {
      if (!scenario.cacheable && gateway.config.cacheHits) continue;
      byConfig.set(gateway.config.id, await countFetches(mocks, gateway, scenario));
    }
  }
  const features: Record<string, Features> = {};
  for (const id of ['c', 'd'] as const) {
    const gateway = gateways.get(id);
    if (gateway) features[id] = await probeFeatures(gateway, scenarios.find((s) => s.cacheable));
  }
  for (const [name, a] of Object.entries(answers)) say(`answer: ${name} (${(a.bytes / 1024).toFixed(1)} KiB)`);

  const measured = new Map<string, Map<string, Measurement[]>>();
  const ids = configs.map((c) => c.id);
  for (let round = 0; round < options.rounds; round++) {
    for (const scenario of scenarios) {
      const byConfig = measured.get(scenario.name) ?? new Map(ids.map((id) => [id, [] as Measurement[]]));
      measured.set(scenario.name, byConfig);
      // Rotate the order each round so no configuration always runs first (or right after the heaviest).
      const order = ids.map((_, i) => ids[(i + round) % ids.length]!);
      for (const id of order) {
        const gateway = gateways.get(id)!;
        if (!scenario.cacheable && gateway.config.cacheHits) continue;
        const m = await measure(mocks, gateway, scenario);
        byConfig.get(id)!.push(m);
        say(
          `round ${round + 1} ${scenario.name.padEnd(8)} ${id}: ${m.rps.toFixed(1).padStart(8)} req/s  p50 ${m.p50Ms.toFixed(1)} ms  p99 ${m.p99Ms.toFixed(1)} ms  CPU ${m.cpuMsPerRequest.toFixed(2)} ms/req  mocks ${m.mocksCpuMsPerRequest.toFixed(2)} ms/req  errors ${m.errors}${m.differing > 0 ? ` (${m.differing} answers differ)` : ''}`,
        );
      }
    }
  }

  // Bounded caches: distinct operation texts on the reference and the policy row (or b without it).
  const memory: Record<string, Awaited<ReturnType<typeof distinctRun>>> = {};
  if (options.distinctOps > 0) {
    for (const id of ['a', gateways.has('c') ? 'c' : 'b'] as const) {
      const gateway = gateways.get(id);
      if (!gateway) continue;
      memory[id] = await distinctRun(gateway, options.distinctOps);
      const r = memory[id];
      say(
        `distinct operations ${id}: ${r.operations} in ${r.seconds.toFixed(1)} s, failures ${r.failures}, RSS ${r.samples.map((s) => s.rssMiB.toFixed(0)).join(' → ')} MiB (last/first ${r.growth.toFixed(2)})`,
      );
    }
  }
  const finalStats = Object.fromEntries([...gateways].map(([id, g]) => [id, treeStats(g.child.pid!)]));

  const rows = buildRows(measured, REFERENCES, fetches);
  const labels = Object.fromEntries(configs.map((c) => [c.id, differs.has(c.id) ? `${c.label} ≠ ANSWER` : c.label]));
  const table = formatTable(rows, labels, REFERENCES);
  say('');
  say(table);
  say('');
  say('subgraph fetches per request (counted by the mocks):');
  say(formatFetches(rows, labels));
  say('');
  for (const [id, why] of differs) say(`${LABELS[id]} answered differently from ${configs[0]!.label}: ${why.join('; ')}`);
  for (const [id, f] of Object.entries(features)) {
    say(`live in (${id}): auth enforced ${f.authEnforced ? 'yes' : 'no'}, rate-limit headers ${f.rateLimitHeaders ? 'yes' : 'no'}, x-cache ${f.cacheHeader ?? 'absent'}`);
  }
  say(`peak RSS at the end (MiB): ${Object.entries(finalStats).map(([id, s]) => `${id} ${s.peakRssMiB.toFixed(0)}`).join(', ')}`);

  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', node: process.version, loadavg: os.loadavg() },
    options,
    scenarios: scenarios.map((s) => ({ name: s.name, description: s.description, answerBytes: answers[s.name]?.bytes })),
    configurations: configs.map((c) => ({ id: c.id, label: c.label, env: Object.keys(c.env) })),
    features,
    answersDiffer: Object.fromEntries(differs),
    rows,
    table,
    memory,
    peakRssMiB: Object.fromEntries(Object.entries(finalStats).map(([id, s]) => [id, s.peakRssMiB])),
    startRssMiB: startRss,
  };
  await writeFile(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  say(`written: bench/results/latest.json`);
  return differs.size > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
} finally {
  // The gateways first: a subgraph that went away under a gateway still answering would log errors.
  const [mocks, ...gateways] = children;
  await Promise.all(gateways.map((c) => stopChild(c)));
  if (mocks) await stopChild(mocks);
}
process.exit(code);
