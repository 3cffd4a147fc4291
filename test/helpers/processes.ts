import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root: child processes run from here so `src/…` paths and tsx resolve. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How a child runs a TypeScript entry of this checkout: through tsx, with `tessera-gateway` (the demo
 * app's import) resolved to the source (the `tessera-source` condition of package.json).
 */
export const SOURCE_ARGS = ['--conditions=tessera-source', '--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] as const;
/** Node's arguments before `entry`: TypeScript runs from source, JavaScript as it is. */
export const nodeArgsFor = (entry: string): readonly string[] => (entry.endsWith('.ts') ? SOURCE_ARGS : []);

const live = new Set<ChildProcess>();
// A test that fails before its cleanup must not leave gateways behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Kills `child` if the test process exits before it does (a test that fails before its cleanup). */
export function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface GatewayProcess {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Its `/metrics` listener (METRICS_PORT), e.g. `http://127.0.0.1:9999/metrics`. */
  readonly metricsUrl: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the process wrote so far (stdout and stderr, last 256 KB). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `killAfterMs`. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
}

export interface SpawnGatewayOptions {
  /** Added to the child's environment (PORT, METRICS_PORT, HOST and APOLLO_TELEMETRY_DISABLED are set for you). */
  readonly env?: Record<string, string>;
  /** A fixed port (e.g. to restart on the same one); a free one otherwise. */
  readonly port?: number;
  /** How long to wait for `/readiness` to answer 200. */
  readonly readyTimeoutMs?: number;
  /** The entry to run; `src/main.ts` by default. TypeScript runs through tsx, JavaScript as it is. */
  readonly entry?: string;
  /** Arguments after the entry, e.g. `['serve', '--supergraph', file]` for the CLI. */
  readonly args?: readonly string[];
}

/**
 * Starts a gateway as a real child process (`node --import tsx src/main.ts`, see SOURCE_ARGS) and waits until its
 * `/readiness` answers 200. Killed when the test process exits, whatever happens.
 */
export async function spawnGateway(options: SpawnGatewayOptions = {}): Promise<GatewayProcess> {
  // A free port can be taken by another test file's process between `freePort()` and the child's
  // listen; when the port was ours to choose, that race costs a retry on a new one, not the test.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(options.port ?? (await freePort()), options);
    } catch (error) {
      const portTaken = error instanceof PortTakenError;
      if (!portTaken || options.port !== undefined || attempt === 3) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function launch(port: number, options: SpawnGatewayOptions): Promise<GatewayProcess> {
  const entry = options.entry ?? 'src/main.ts';
  const metricsPort = options.env?.['METRICS_PORT'] ?? String(await freePort());
  const child = spawn(process.execPath, [...nodeArgsFor(entry), entry, ...(options.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      // A developer's .env in the checkout is not the test's settings.
      ENV_FILE: '',
      ...options.env,
      APOLLO_TELEMETRY_DISABLED: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: metricsPort,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 256 * 1024) output = output.slice(-256 * 1024);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  // 'close', not 'exit': a process's last output may still be in its pipes when it exits.
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const url = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 15_000): Promise<number | null> => {
    if (hasExited) return exited;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 45_000);
  for (;;) {
    if (hasExited) {
      const message = `The gateway exited before it was ready (code ${await exited}):\n${output.slice(-4000)}`;
      throw output.includes('EADDRINUSE') ? new PortTakenError(message) : new Error(message);
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`The gateway was not ready within ${options.readyTimeoutMs ?? 45_000} ms:\n${output.slice(-4000)}`);
    }
    const ready = await fetch(`${url}/readiness`).then(
      (r) => r.status === 200,
      () => false,
    );
    // Another test file's gateway may hold the port we picked: its 200 is not our child's.
    if (ready && (await listensOn(child.pid!, port))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, port, pid: child.pid!, output: () => output, exited, stop };
}

/**
 * Whether process `pid` holds the listening TCP socket on `port` (Linux: /proc/net/tcp* gives the
 * socket's inode, /proc/PID/fd the process's sockets). Elsewhere it cannot tell, and says yes.
 */
async function listensOn(pid: number, port: number): Promise<boolean> {
  const LISTEN = '0A';
  const inodes = new Set<string>();
  try {
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length < 10 || fields[3] !== LISTEN) continue;
        if (Number.parseInt(fields[1]!.split(':')[1]!, 16) === port) inodes.add(`socket:[${fields[9]}]`);
      }
    }
  } catch {
    return true;
  }
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
  for (const fd of fds) {
    if (inodes.has(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''))) return true;
  }
  return false;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a TypeScript script to completion (`node --import tsx SCRIPT ARGS`), e.g. the CLI. */
export function runScript(
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...SOURCE_ARGS, script, ...args], {
      cwd: ROOT,
      env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1', ENV_FILE: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** The demo supergraph (`schema/supergraph.yaml`) composed by the CLI into `path`, over the given services. */
export async function composeDemo(env: Record<string, string>, path: string, cli = 'bin/tessera.js'): Promise<string> {
  const child = spawn(process.execPath, [...nodeArgsFor(cli), cli, 'compose', '--config', 'schema/supergraph.yaml'], {
    cwd: ROOT,
    env: { ...process.env, ENV_FILE: '', ...env, APOLLO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let sdl = '';
  child.stdout!.on('data', (chunk: Buffer) => (sdl += chunk.toString('utf8')));
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`tessera compose exited ${String(code)}`);
  await writeFile(path, sdl);
  return path;
}
