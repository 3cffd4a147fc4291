import { parseArgs } from 'node:util';
import { createApp } from '../app.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../observability/logger.js';

/** `tessera serve --supergraph FILE --port N`: the way Apollo Router and Hive Gateway are run. */
export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { supergraph: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
  });
  const overrides: Record<string, string> = {};
  if (values.supergraph) overrides.SUPERGRAPH_FILE = values.supergraph;
  if (values.port) overrides.PORT = values.port;
  if (values.host) overrides.HOST = values.host;
  const config = loadConfig(process.env, overrides);
  if (config.supergraph.kind !== 'file') {
    process.stderr.write('serve needs --supergraph FILE (or SUPERGRAPH_FILE)\n');
    return 2;
  }
  const log = createLogger(config.logLevel);
  // A composed supergraph may route to in-process subgraphs; the app's are available here too.
  const { default: app } = await import('../../tessera.config.js');
  const gateway = createApp(config, { app, log });
  await gateway.start();
  log.info({ url: `${gateway.url}/graphql`, compositionId: gateway.manager.state?.id }, 'Tessera is serving');
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await new Promise(() => {});
  return 0;
}
