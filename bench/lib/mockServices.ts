// The benchmark's mock services as a child process (`bench/mocks.ts`), and the supergraph over them
// with every subgraph remote. Shared by `bench/run.ts` and the test that checks the reference rows.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeFromSpecs } from '../../src/composition/loadSubgraphs.js';
import { loadConfig } from '../../src/config/index.js';
import type { MockCounts } from '../mocks.js';

export type { MockCounts };

/** The mocks' URLs: the five services, and with every subgraph remote the app's subgraphs (`usersSubgraph`, …). */
export type MockUrls = Record<'users' | 'orders' | 'catalog' | 'reviews' | 'inventory', string> & Record<string, string>;

export interface MockServices {
  readonly urls: MockUrls;
  readonly child: ChildProcess;
  /** What each service has served so far. */
  counts(): Promise<MockCounts>;
}

/** Forks `bench/mocks.ts`; with `remote`, it also serves the app's REST-wrapped subgraphs over HTTP. */
export async function startMockServices(root: string, options: { remote: boolean }): Promise<MockServices> {
  const child = fork(join(root, 'bench', 'mocks.ts'), [], {
    // The remote app subgraphs import `tessera-gateway`: the source, as everywhere in the checkout.
    execArgv: ['--conditions=tessera-source', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1', BENCH_REMOTE: options.remote ? '1' : '0' },
  });
  const urls = await new Promise<MockUrls>((resolveUrls, reject) => {
    child.once('message', (message) => resolveUrls(message as MockUrls));
    child.once('exit', (code) => reject(new Error(`the mock services exited (${code})`)));
  });
  // One question at a time: the next message is the answer.
  const counts = () =>
    new Promise<MockCounts>((resolveCounts) => {
      child.once('message', (message) => resolveCounts((message as { counts: MockCounts }).counts));
      child.send('counts');
    });
  return { urls, child, counts };
}

/** A `SUPERGRAPH_CONFIG` file routing every subgraph of the demo to the mocks process. */
export function remoteSupergraphYaml(root: string, urls: MockUrls): string {
  const entries = ['users', 'orders', 'catalog', 'bff']
    .map((name) => `  ${name}:\n    routing_url: ${urls[`${name}Subgraph`]}\n    schema:\n      file: ${join(root, 'schema', `${name}.graphql`)}`)
    .concat(['reviews', 'inventory'].map((name) => `  ${name}:\n    routing_url: ${urls[name]}`));
  return `subgraphs:\n${entries.join('\n')}\n`;
}

/** Composes what `env`'s SUPERGRAPH_CONFIG names, with Tessera's composition, into `path` (for gateways that read a file). */
export async function writeComposedSupergraph(env: Record<string, string | undefined>, path: string): Promise<void> {
  const config = loadConfig(env);
  if (config.supergraph.kind !== 'compose') throw new Error('expected a SUPERGRAPH_CONFIG to compose');
  await writeFile(path, await composeFromSpecs(config.supergraph.subgraphs, { timeoutMs: config.subgraphTimeoutMs }));
}
