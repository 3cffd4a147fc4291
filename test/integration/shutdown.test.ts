import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { mockEnv } from '../helpers/stack.js';
import { freePort, SOURCE_ARGS } from '../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QUERY = JSON.stringify({ query: '{ product(sku: "SKU-0002") { title reviews { rating } } }' });


type Outcome = 'ok' | 'refused' | 'failed';
interface Result {
  outcome: Outcome;
  status?: number;
  detail?: string;
  /** The answer's `Connection` header. */
  connection?: string;
}

/** One request on a fresh connection: refused = never accepted; anything else must be a full, correct answer. */
function once(port: number, path = '/graphql', body: string | undefined = QUERY, agent: Agent | false = false): Promise<Result> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', agent, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => resolve({ outcome: 'failed', detail: e.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (!body) return resolve({ outcome: 'ok', status: res.statusCode });
          try {
            const parsed = JSON.parse(text) as { data?: { product?: { reviews?: unknown[] } }; errors?: unknown };
            const good = res.statusCode === 200 && !parsed.errors && Array.isArray(parsed.data?.product?.reviews);
            resolve(
              good
                ? { outcome: 'ok', status: res.statusCode, connection: res.headers.connection ?? '' }
                : { outcome: 'failed', status: res.statusCode, detail: text.slice(0, 200) },
            );
          } catch {
            resolve({ outcome: 'failed', status: res.statusCode, detail: text.slice(0, 200) });
          }
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ outcome: e.code === 'ECONNREFUSED' ? 'refused' : 'failed', detail: `${e.code} ${e.message}` }));
    req.end(body);
  });
}

/** A gateway process on `port` over the mocks; resolves once it serves, with its exit and its output. */
async function startGateway(mocks: MockSet, port: number, env: Record<string, string>) {
  const child = spawn(process.execPath, [...SOURCE_ARGS, 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...mockEnv(mocks),
      APOLLO_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'test',
      PORT: String(port),
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 25_000;
  while (!output.includes('Tessera is serving')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`gateway did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, exited, output: () => output };
}

describe('graceful shutdown of a real gateway process', () => {
  let mocks: MockSet;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    mocks = await startAllMocks();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await mocks.close();
  });

  it('on SIGTERM: readiness 503, in-flight and accepted requests all answered, exit 0 within the grace period', async () => {
    const port = await freePort();
    const started = await startGateway(mocks, port, { SHUTDOWN_DELAY_MS: '700', SHUTDOWN_GRACE_MS: '8000' });
    child = started.child;
    const { exited } = started;

    // Slow subgraph answers keep requests in flight when the signal arrives.
    mocks.reviews.setFaults({ latencyMs: 300 });
    const outcomes: { outcome: Outcome; status?: number; detail?: string; at: number }[] = [];
    let sigtermAt = Number.POSITIVE_INFINITY;
    let running = true;
    const worker = async () => {
      while (running) {
        const result = await once(port);
        outcomes.push({ ...result, at: Date.now() });
        if (result.outcome === 'refused') return;
      }
    };
    const workers = Array.from({ length: 6 }, () => worker());
    // Bounded: the loop stops by itself once the port is closed, or after 20 s.
    const bound = setTimeout(() => (running = false), 20_000);

    await new Promise((r) => setTimeout(r, 800));
    const inFlightBefore = mocks.reviews.stats().total;
    expect(inFlightBefore).toBeGreaterThan(0);
    sigtermAt = Date.now();
    child.kill('SIGTERM');

    // During the delay, readiness says 503 while queries are still served.
    let readiness: number | undefined;
    for (let i = 0; i < 20 && readiness !== 503; i++) {
      readiness = (await once(port, '/readiness', undefined)).status;
      if (readiness !== 503) await new Promise((r) => setTimeout(r, 25));
    }
    expect(readiness).toBe(503);

    const { code, signal } = await exited;
    running = false;
    clearTimeout(bound);
    await Promise.all(workers);

    // Connections still in the kernel's accept queue when the listener closes are reset by the
    // kernel, not by Tessera: the app never accepted them, exactly like a refused connection.
    const closedAt = Math.min(...outcomes.filter((o) => o.outcome === 'refused').map((o) => o.at));
    const backlogReset = (o: (typeof outcomes)[number]) => o.status === undefined && o.detail?.startsWith('ECONNRESET') && o.at >= closedAt - 50;
    const failed = outcomes.filter((o) => o.outcome === 'failed' && !backlogReset(o));
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    expect(outcomes.filter((o) => o.outcome === 'ok').length).toBeGreaterThan(6);
    // Requests accepted after SIGTERM (during the delay) were answered too.
    expect(outcomes.some((o) => o.outcome === 'ok' && o.at > sigtermAt + 300)).toBe(true);
    expect(outcomes.some((o) => o.outcome === 'refused')).toBe(true);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - sigtermAt).toBeLessThan(8_000 + 700 + 5_000);
    expect(started.output()).toContain('shutting down');
  });

  it('under load from keep-alive clients, SIGTERM fails no request: each socket closes after an answer that says so', async () => {
    const port = await freePort();
    const started = await startGateway(mocks, port, { SHUTDOWN_GRACE_MS: '8000' });
    child = started.child;
    mocks.reviews.setFaults({ latencyMs: 5 });
    // Sockets are reused between requests, as a load balancer or a client's connection pool does.
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const outcomes: Result[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const result = await once(port, '/graphql', QUERY, agent);
        outcomes.push(result);
        if (result.outcome === 'refused') return;
      }
    };
    const workers = Array.from({ length: 16 }, () => worker());
    const bound = setTimeout(() => (running = false), 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGTERM');
    const { code } = await started.exited;
    running = false;
    clearTimeout(bound);
    await Promise.all(workers);
    agent.destroy();

    const failed = outcomes.filter((o) => o.outcome === 'failed');
    expect(failed, `${failed.length} of ${outcomes.length} failed: ${JSON.stringify(failed.slice(0, 3))}`).toEqual([]);
    expect(outcomes.filter((o) => o.outcome === 'ok').length).toBeGreaterThan(100);
    // Keep-alive until the listener closed, then answers that tell the client to let the socket go.
    expect(outcomes.filter((o) => o.connection === 'keep-alive').length).toBeGreaterThan(100);
    expect(outcomes.some((o) => o.connection === 'close')).toBe(true);
    expect(code).toBe(0);
  });
});
