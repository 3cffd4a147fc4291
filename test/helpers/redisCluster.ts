import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient } from '@redis/client';
import { killOnExit } from './processes.js';
import { tempDir } from './registryFixtures.js';
import { until } from './until.js';

/** A real three-master Redis Cluster on loopback (Debian's redis-server, cluster mode), torn down by `close()`. */
export interface RedisClusterHarness {
  /** The masters' ports, in the order they were created. */
  readonly ports: readonly number[];
  /** `REDIS_CLUSTER_NODES` for a gateway: every node as `127.0.0.1:port`. */
  readonly seeds: string;
  /** The port of the master that holds `key`'s slot. */
  ownerOf(key: string): Promise<number>;
  /** Every key on one node matching `pattern` (test inspection; KEYS is for tests, never the product). */
  keysOn(port: number, pattern: string): Promise<string[]>;
  /** Stops one master (SIGTERM; no persistence, so it comes back empty). */
  stop(port: number): Promise<void>;
  /** Starts a stopped master again with its cluster config: it rejoins with its slots. */
  start(port: number): Promise<void>;
  close(): Promise<void>;
}

const MASTERS = 3;

/**
 * Starts three `redis-server --cluster-enabled yes` processes on free ports and joins them with
 * `redis-cli --cluster create … --cluster-replicas 0`. `cluster-require-full-coverage no`: the
 * masters left keep serving their slots while one is down (docs/redis-cluster.md). Fails loudly
 * when redis-server or redis-cli is missing.
 */
export async function startRedisCluster(): Promise<RedisClusterHarness> {
  // A port found free can be taken before redis-server binds it (other test files start servers
  // too): that costs a new set of ports, not the test.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts();
    } catch (error) {
      if (attempt === 3 || !/exited with/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnFreePorts(): Promise<RedisClusterHarness> {
  const dir = await tempDir('tessera-redis-cluster-');
  const ports = await freeClusterPorts(MASTERS);
  const servers = new Map<number, ChildProcess>();
  const launch = async (port: number) => {
    const child = spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir.path,
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '2000', '--cluster-require-full-coverage', 'no',
        '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    servers.set(port, child);
    killOnExit(child);
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`These tests need redis-server (Debian package redis-server): ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`redis-server on ${port} exited with ${code}`)));
    });
    failed.catch(() => undefined);
    await Promise.race([until(`redis-server on ${port} to answer`, () => ping(port)), failed]);
  };
  const stopServer = async (port: number) => {
    const child = servers.get(port);
    servers.delete(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  /** Every running node agrees the cluster is whole: state ok, all masters known. */
  const settled = () =>
    until(
      'the cluster to settle',
      async () => {
        for (const port of servers.keys()) {
          const info = await command(port, ['CLUSTER', 'INFO']);
          if (!/cluster_state:ok/.test(info) || !new RegExp(`cluster_known_nodes:${MASTERS}\\b`).test(info)) return false;
        }
        return true;
      },
      30_000,
    );

  try {
    await Promise.all(ports.map(launch));
    const created = await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.output}`);
    await settled();
  } catch (error) {
    await Promise.all([...servers.keys()].map(stopServer));
    await dir.remove();
    throw error;
  }

  return {
    ports,
    seeds: ports.map((p) => `127.0.0.1:${p}`).join(','),
    async ownerOf(key) {
      const slot = Number(await command(ports[0]!, ['CLUSTER', 'KEYSLOT', key]));
      for (const port of servers.keys()) {
        const ranges = await command(port, ['CLUSTER', 'SLOTS']);
        for (const [from, to, [, owner]] of ranges as unknown as [number, number, [string, number]][]) {
          if (slot >= from && slot <= to) return owner;
        }
      }
      throw new Error(`no running master holds slot ${slot}`);
    },
    keysOn: async (port, pattern) => (await command(port, ['KEYS', pattern])) as unknown as string[],
    stop: stopServer,
    async start(port) {
      await launch(port);
      await settled();
    },
    async close() {
      await Promise.all([...servers.keys()].map(stopServer));
      await dir.remove();
    },
  };
}

/** Ports whose cluster bus port (port + 10 000) is free too. */
async function freeClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 17_000 + Math.floor(Math.random() * 10_000);
    if (ports.includes(port)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** One command on one node, over a connection of its own. */
async function command(port: number, args: string[]): Promise<string> {
  const client = createClient({ socket: { host: '127.0.0.1', port, connectTimeout: 1_000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.sendCommand(args)) as string;
  } finally {
    client.destroy();
  }
}

const ping = (port: number) => command(port, ['PING']).then((reply) => reply === 'PONG', () => false);

function run(file: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => reject(new Error(`These tests need ${file} (Debian package redis-tools): ${error.message}`)));
    child.once('close', (code) => resolve({ code, output }));
  });
}
