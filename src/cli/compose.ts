import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { composeFromSpecs } from '../composition/loadSubgraphs.js';

/** `tessera compose`: prints the supergraph SDL a `supergraph.yaml` composes to (for `serve`). */
export async function runCompose(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
  const config = loadConfig(process.env, values.config ? { SUPERGRAPH_CONFIG: values.config } : {});
  if (config.supergraph.kind !== 'compose') throw new Error('compose reads SUPERGRAPH_CONFIG, not SUPERGRAPH_FILE');
  process.stdout.write(await composeFromSpecs(config.supergraph.subgraphs, { timeoutMs: config.subgraphTimeoutMs }));
  return 0;
}
