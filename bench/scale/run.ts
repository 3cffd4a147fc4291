// `npm run bench:scale`: registration at scale. For generated graphs of SCALE_SIZES subgraphs
// (20 types each, entities shared between neighbours), on two replicas over one Redis:
//   - start-up: the first replica composes; the second adopts the supergraph the first kept;
//   - a publish on the first replica: its latency, and the slowest `{ __typename }` answer either
//     replica gave meanwhile (a probe every 20 ms), until the second serves the new graph;
//   - a hot reload of a supergraph file on a third gateway, probed the same way;
//   - peak RSS of each gateway; compositions each replica ran (from its /metrics).
// The reference, measured in the same run: the same composition on one thread, which is how long
// every answer waited while a gateway composed on its serving thread. See docs/registry-at-scale.md.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compose, type SubgraphSdl } from '../../src/composition/compose.js';
import { buildForBench } from '../build.js';
import { freePort, stopChild } from '../lib/processes.js';
import { treeStats } from '../lib/procStats.js';
import { generateGraph, generateSubgraph, subgraphName } from './generateGraph.js';
import { serveGraph } from './serveGraph.js';

process.env.APOLLO_TELEMETRY_DISABLED = '1';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS = join(ROOT, 'bench', 'results');
const BUILD = join(RESULTS, 'build');
const SIZES = (process.env.SCALE_SIZES ?? '10,50,100,200').split(',').map((s) => Number(s.trim()));
if (SIZES.some((n) => !Number.isInteger(n) || n < 2 || n > 500)) throw new Error('SCALE_SIZES: integers from 2 to 500, e.g. 10,50,100');
const REDIS_URL = process.env.SCALE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const PROBE_EVERY_MS = 20;
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Gateway {
  readonly url: string;
  /** Its `/metrics` listener. */
  readonly metricsUrl: string;
  readonly child: ChildProcess;
  readonly startMs: number;
  /** The last 4 KB it logged (warn and above). */
  logs(): string;
  stop(): Promise<void>;
}

/** Starts the built gateway and resolves once `/readiness` answers 200; `startMs` is spawn → ready. */
async function startGateway(env: Record<string, string>, timeoutMs = 600_000): Promise<Gateway> {
  const port = await freePort();
  const metricsPort = await freePort();
  const started = performance.now();
  // From the build: its tessera.config.js is the app main.js finds in the working directory.
  const child = spawn(process.execPath, [join(BUILD, 'src', 'main.js')], {
    cwd: BUILD,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      APOLLO_TELEMETRY_DISABLED: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Logs (warn and above) are kept for the error message of a gateway that fails.
  let stderr = '';
  const keep = (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = started + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited (${child.exitCode}):\n${stderr}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway not ready within ${timeoutMs} ms:\n${stderr}`);
    }
    const ok = await fetch(`${url}/readiness`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const startMs = performance.now() - started;
  return {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    child,
    startMs,
    logs: () => stderr,
    stop: () => stopChild(child),
  };
}

/** `{ __typename }` every 20 ms, one at a time, until stopped; resolves the slowest answer, ms. */
function probe(url: string): { stop(): Promise<number> } {
  let running = true;
  let slowest = 0;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: '{"query":"{ __typename }"}',
      }).then((r) => r.arrayBuffer(), () => undefined);
      slowest = Math.max(slowest, performance.now() - t);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return slowest;
    },
  };
}

/** Whether the gateway serves the composition `id` (its `/readiness` says which it serves). */
async function serves(url: string, id: string): Promise<boolean> {
  const body = (await (await fetch(`${url}/readiness`)).json()) as { compositionId?: string };
  return body.compositionId === id;
}

async function until(gateway: Gateway, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for the new graph on ${gateway.url}:\n${gateway.logs()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sum of a Prometheus metric's samples whose line matches `filter`. */
async function metric(metricsUrl: string, name: string, filter = ''): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(filter))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

const peakRss = (g: Gateway) => Math.round(treeStats(g.child.pid!).peakRssMiB);

interface Row {
  subgraphs: number;
  supergraphKiB: number;
  /** The reference: one composition on one thread (what every answer waited before). */
  inlineComposeMs: number;
  startComposingMs: number;
  startAdoptingMs: number;
  /** A publish with one replica up, and the slowest answer it gave meanwhile. */
  publishAloneMs: number;
  probeMaxPublishAlone: number;
  /** A publish on A with B up too. */
  publishMs: number;
  probeMaxPublishA: number;
  probeMaxPublishB: number;
  replicaBCompositions: number;
  replicaBAdoptions: number;
  reloadProbeMax: number;
  peakRssMiB: number;
}

/**
 * Publishes `subgraph` on `target` while probing every gateway of `watchers`, until each serves the
 * new graph; resolves the publish latency and each watcher's slowest answer.
 */
async function publishWhileProbing(target: Gateway, watchers: readonly Gateway[], subgraph: { name: string }, url: string) {
  const probes = watchers.map((w) => probe(w.url));
  await new Promise((r) => setTimeout(r, 200));
  const t0 = performance.now();
  const response = await fetch(`${target.url}/admin/subgraphs/${subgraph.name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  const publishMs = performance.now() - t0;
  if (!response.ok) throw new Error(`publish of ${subgraph.name} failed: ${response.status} ${await response.text()}`);
  const { compositionId } = (await response.json()) as { compositionId: string };
  for (const w of watchers) await until(w, () => serves(w.url, compositionId), 120_000);
  await new Promise((r) => setTimeout(r, 200));
  return { publishMs, slowest: await Promise.all(probes.map((p) => p.stop())) };
}

async function measure(n: number, work: string): Promise<Row> {
  const shape = { subgraphs: n + 2 };
  const all = generateGraph(shape);
  // The last two subgraphs are published during the run, with one replica up and then with two;
  // the others are in supergraph.yaml.
  const listed = all.slice(0, n);
  const [alone, together] = [all[n]!, all[n + 1]!];
  const graph = await serveGraph(all);
  const dir = join(work, `n${n}`);
  mkdirSync(dir, { recursive: true });
  const yaml = ['federation_version: =2.3.0', 'subgraphs:'];
  for (const s of listed) {
    writeFileSync(join(dir, `${s.name}.graphql`), s.sdl);
    yaml.push(`  ${s.name}:`, `    routing_url: ${graph.url(s.name)}`, '    schema:', `      file: ./${s.name}.graphql`);
  }
  writeFileSync(join(dir, 'supergraph.yaml'), `${yaml.join('\n')}\n`);
  const set: SubgraphSdl[] = listed.map((s) => ({ ...s, url: graph.url(s.name) }));

  const t = performance.now();
  const reference = compose(set);
  const inlineComposeMs = performance.now() - t;
  if (!reference.ok) throw new Error(`generated graph of ${n} does not compose: ${reference.errors[0]?.message}`);

  const env = {
    SUPERGRAPH_CONFIG: join(dir, 'supergraph.yaml'),
    REDIS_URL,
    REDIS_PREFIX: `bench-scale:${randomUUID()}:`,
    ADMIN_TOKEN,
    JWT_SECRET: randomBytes(32).toString('hex'),
    REGISTRY_ALLOWED_HOSTS: '127.0.0.1',
    DATA_DIR: join(dir, 'data'),
    RESPONSE_CACHE: 'false',
  };
  const a = await startGateway(env);
  let b: Gateway | undefined;
  try {
    const solo = await publishWhileProbing(a, [a], alone, graph.url(alone.name));
    b = await startGateway(env);
    const duo = await publishWhileProbing(a, [a, b], together, graph.url(together.name));
    const [probeMaxPublishA = 0, probeMaxPublishB = 0] = duo.slowest;
    const replicaBCompositions = await metric(b.metricsUrl, 'tessera_composition_seconds_count', 'kind="compose"');
    const replicaBAdoptions = await metric(b.metricsUrl, 'tessera_supergraph_adoptions_total');
    const peakRssMiB = Math.max(peakRss(a), peakRss(b));

    // Hot reload: a third gateway serving the same graph from a file, swapped for one with a new field.
    const withField = compose([...set.slice(0, 1), { ...generateSubgraph(1, shape, 'reloaded'), url: graph.url(subgraphName(1)) }, ...set.slice(2)]);
    if (!withField.ok) throw new Error('the reloaded graph does not compose');
    const file = join(dir, 'supergraph.graphql');
    writeFileSync(file, reference.supergraphSdl);
    const c = await startGateway({ SUPERGRAPH_FILE: file, JWT_SECRET: env.JWT_SECRET, RESPONSE_CACHE: 'false' });
    let reloadProbeMax = 0;
    try {
      const p = probe(c.url);
      await new Promise((r) => setTimeout(r, 200));
      writeFileSync(`${file}.tmp`, withField.supergraphSdl);
      execFileSync('mv', [`${file}.tmp`, file]);
      await until(c, () => serves(c.url, withField.id), 120_000);
      await new Promise((r) => setTimeout(r, 200));
      reloadProbeMax = await p.stop();
    } finally {
      await c.stop();
    }
    return {
      subgraphs: n,
      supergraphKiB: Math.round(reference.supergraphSdl.length / 1024),
      inlineComposeMs: Math.round(inlineComposeMs),
      startComposingMs: Math.round(a.startMs),
      startAdoptingMs: Math.round(b.startMs),
      publishAloneMs: Math.round(solo.publishMs),
      probeMaxPublishAlone: Math.round(solo.slowest[0] ?? 0),
      publishMs: Math.round(duo.publishMs),
      probeMaxPublishA: Math.round(probeMaxPublishA),
      probeMaxPublishB: Math.round(probeMaxPublishB),
      replicaBCompositions,
      replicaBAdoptions,
      reloadProbeMax: Math.round(reloadProbeMax),
      peakRssMiB,
    };
  } finally {
    await Promise.all([a.stop(), b?.stop()]);
    await graph.close();
  }
}

function table(rows: readonly Row[]): string {
  const head = [
    'subgraphs',
    'supergraph KiB',
    'compose on one thread ms (reference)',
    'start, composing ms',
    'start, adopting ms',
    'publish ms, one replica / two',
    'slowest answer during publish, one replica; two: A / B ms',
    'B compositions',
    'slowest answer during hot reload ms',
    'peak RSS MiB',
  ];
  const lines = rows.map((r) => [
    r.subgraphs,
    r.supergraphKiB,
    r.inlineComposeMs,
    r.startComposingMs,
    `${r.startAdoptingMs} (${(r.startComposingMs / r.startAdoptingMs).toFixed(1)}x faster)`,
    `${r.publishAloneMs} / ${r.publishMs}`,
    `${r.probeMaxPublishAlone}; ${r.probeMaxPublishA} / ${r.probeMaxPublishB} (${(r.inlineComposeMs / Math.max(r.probeMaxPublishAlone, r.probeMaxPublishA, r.probeMaxPublishB)).toFixed(1)}x under the reference)`,
    `${r.replicaBCompositions} (adopted ${r.replicaBAdoptions})`,
    r.reloadProbeMax,
    r.peakRssMiB,
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  buildForBench(ROOT, BUILD);
  const work = mkdtempSync(join(tmpdir(), 'tessera-scale-'));
  const rows: Row[] = [];
  try {
    for (const n of SIZES) {
      say(`scale: ${n} subgraphs…`);
      const row = await measure(n, work);
      say(JSON.stringify(row));
      rows.push(row);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  say('');
  say(table(rows));
  const out = join(RESULTS, `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify({ sizes: SIZES, rows }, null, 2)}\n`);
  say(`\nresults: ${out}`);
}

await main();
