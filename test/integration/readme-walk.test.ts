import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDoc } from '../helpers/docs.js';
import { ROOT } from '../helpers/processes.js';
import { until } from '../helpers/until.js';

/**
 * The README's quick start and "Adding a service", walked as a new user walks them: its own
 * commands, on its own ports, against one `npm start` that is never restarted. Only `npm install`
 * (done before any test runs) and `npm test` (this suite) are left out. DATA_DIR is a temporary
 * folder, so the walk leaves no registration or secret in the checkout.
 */
const README = readDoc('README.md');
const PORTS = [4000, 9090, 4101, 4102, 4103, 4104, 4105, 4200];

/** The ```sh blocks of one section, as commands: one spans lines while a quote is open. */
function commandsOf(title: string): string[] {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section "${title}" in the README`);
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let current = '';
    for (const line of block[1]!.split('\n')) {
      if (current === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
      current += `${line}\n`;
      const quotes = (current.match(/'/g) ?? []).length;
      if (quotes % 2 === 0 && !line.endsWith('\\')) {
        commands.push(current.trim());
        current = '';
      }
    }
  }
  return commands;
}

/** What a command is, its trailing comment aside. */
const bare = (command: string) => command.replace(/\s+#.*$/, '');

/** A user's environment: none of the settings the suite itself runs with. */
function userEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ENV_FILE: '', APOLLO_TELEMETRY_DISABLED: '1' };
  for (const name of ['NODE_ENV', 'PORT', 'HOST', 'LOG_LEVEL', 'JWT_SECRET', 'ADMIN_TOKEN', 'TESSERA_GATEWAY', 'REDIS_URL', 'METRICS_PORT']) delete env[name];
  return env;
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

interface Background {
  readonly child: ChildProcess;
  output(): string;
}

/** A long-running README command in its own process group (npm runs node under it). */
function background(command: string, env: NodeJS.ProcessEnv): Background {
  // `npm install` ran before the suite; the rest of the line is what the user then runs.
  const child = spawn('bash', ['-c', command.replace(/^npm install && /, '')], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

interface Ran {
  readonly command: string;
  readonly code: number;
  readonly output: string;
}

/** Runs the commands one after another in one bash, as typed into one shell; each one's output and exit code. */
function shell(commands: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran[]> {
  const script = commands.map((c, i) => `${c}\nprintf '\\n<<<ran ${i} %s>>>\\n' "$?"`).join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(timer);
      const ran: Ran[] = [];
      let rest = out;
      commands.forEach((command, i) => {
        const marker = new RegExp(`\\n?<<<ran ${i} (\\d+)>>>\\n`).exec(rest);
        if (!marker) return;
        ran.push({ command, code: Number(marker[1]), output: rest.slice(0, marker.index) });
        rest = rest.slice(marker.index + marker[0].length);
      });
      resolve(ran);
    });
  });
}

const json = (ran: Ran) => JSON.parse(ran.output) as { data?: any; errors?: unknown[] };

describe('the README, walked from the quick start to a registered service, without a restart', () => {
  let dataDir: string;
  const started: Background[] = [];
  const stopAll = () => {
    for (const { child } of started) {
      try {
        if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // The group is gone already.
      }
    }
  };

  beforeAll(async () => {
    for (const port of PORTS) {
      if (!(await portIsFree(port))) throw new Error(`port ${port} is taken: the README walk runs on the README's own ports (is npm start running?)`);
    }
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-readme-'));
    process.once('exit', stopAll);
  });
  afterAll(async () => {
    stopAll();
    await until('the README’s processes to stop', () => started.every(({ child }) => child.exitCode !== null || child.signalCode !== null), 15_000);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('quick start, first query and adding a service work when pasted in order', async () => {
    const env = userEnv(dataDir);
    const quickStart = commandsOf('Quick start').map(bare);
    expect(quickStart).toEqual(['npm install && npm start', 'npm test']);
    const gateway = background(quickStart[0]!, env);
    started.push(gateway);
    await until(
      'npm start to be ready',
      async () => {
        if (gateway.child.exitCode !== null) throw new Error(`npm start exited:\n${gateway.output().slice(-3000)}`);
        return (await fetch('http://127.0.0.1:4000/readiness')).status === 200;
      },
      60_000,
    );
    await until('npm start to print its next steps', () => gateway.output().includes('Admin API: on'), 10_000);

    // "Open http://127.0.0.1:4000/graphql in a browser": the explorer, with an example and the development token.
    const explorer = await (await fetch('http://127.0.0.1:4000/graphql', { headers: { accept: 'text/html' } })).text();
    expect(explorer).toContain('<title>Tessera</title>');
    expect(explorer).toContain('query FirstQuery');
    expect(explorer).toMatch(/authorization[^,]*Bearer ey/);

    // "The first query": a token from the CLI, with no secret set anywhere, accepted by the running gateway.
    const first = await shell(commandsOf('The first query'), env);
    expect(first.map((r) => r.command)).toEqual(commandsOf('The first query'));
    expect(first[0]!.command).toMatch(/^TOKEN=\$\(npx tessera token /);
    for (const ran of first) expect({ command: ran.command, code: ran.code }).toEqual({ command: ran.command, code: 0 });
    const answers = first.slice(1).map(json);
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toBeTruthy();
    }
    expect(answers[0]!.data.user.name).toBe('Ada Lovelace');

    // "Adding a service": the example subgraph, registered through the admin API npm start opened.
    const adding = commandsOf('Adding a service');
    const [example, ...rest] = adding;
    expect(bare(example!)).toBe('npm run example:shipping');
    const shipping = background(bare(example!), env);
    started.push(shipping);
    await until('the shipping example to listen', async () => shipping.output().includes('shipping subgraph') || (shipping.child.exitCode !== null && shipping.output()), 30_000);
    expect(shipping.output()).toContain('shipping subgraph   http://127.0.0.1:4200/graphql');
    const ran = await shell(rest, env);
    expect(ran.map((r) => r.command)).toEqual(rest);
    for (const r of ran) expect({ command: r.command, code: r.code, output: r.output }).toMatchObject({ command: r.command, code: 0 });
    expect(ran[0]!.output).toMatch(/^Published shipping: registry version \d+, composition [0-9a-f]+/);
    expect(ran[1]!.output).toMatch(/\nshipping\s+registered\s+http:\/\/127\.0\.0\.1:4200\/graphql /);
    const product = json(ran[2]!);
    expect(product.errors).toBeUndefined();
    expect(product.data.product.deliveryOptions).toEqual([
      { carrier: 'Ground', days: expect.any(Number), price: expect.any(Number) },
      { carrier: 'Express', days: 2, price: expect.any(Number) },
    ]);

    // Development logs a line per request (npm start runs at info).
    expect(gateway.output()).toMatch(/"method":"POST","path":"\/graphql","status":200[^\n]*"msg":"request"/);
    // One gateway process all along: nothing was restarted.
    expect(gateway.child.exitCode).toBeNull();
    expect(gateway.output().match(/Tessera gateway {3}http/g)).toHaveLength(1);
  }, 180_000);
});
