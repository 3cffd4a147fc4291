import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp, type App, type CreateAppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { tempDir } from './registryFixtures.js';

/**
 * What a test's gateway runs with: free ports on loopback, no log, and no response cache (tests of
 * other features count subgraph calls; the cache's own tests turn it on).
 */
export const TEST_ENV: Readonly<Record<string, string>> = {
  PORT: '0',
  METRICS_PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  RESPONSE_CACHE: 'false',
};

/** One supergraph file per SDL, in a fresh temporary folder; `remove` deletes the folder. */
export async function supergraphFiles<K extends string>(sdls: Record<K, string>): Promise<{ readonly files: Record<K, string>; remove(): Promise<void> }> {
  const dir = await tempDir('tessera-supergraph-');
  const files = {} as Record<K, string>;
  for (const name of Object.keys(sdls) as K[]) {
    files[name] = join(dir.path, `${name}.graphql`);
    await writeFile(files[name], sdls[name]);
  }
  return { files, remove: dir.remove };
}

/** Tessera serving the supergraph file `file`, with the tests' environment and `env` over it; not started yet. */
export function appServing(file: string, env: Record<string, string> = {}, options: Omit<CreateAppOptions, 'log'> = {}): App {
  return createApp(loadConfig({ SUPERGRAPH_FILE: file, ...TEST_ENV, ...env }), { log: pino({ level: 'silent' }), ...options });
}
