// Tessera as the benchmark runs it: `src/main.ts`'s app, or with BENCH_POLICY=off the same engine
// without the app's rules (edge and in-subgraph), so row (b) measures the engine alone.
import '../src/gateway/noTelemetry.js';
import app from '../tessera.config.js';
import { defineApp } from '../src/appDefinition.js';
import { createApp } from '../src/app.js';
import { startCluster } from '../src/cluster.js';
import { withSettings } from '../src/config/configFile.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/observability/logger.js';
import { plainSubgraphs } from './plainSubgraphs.js';

const config = loadConfig(withSettings(app.settings, process.env));
const log = createLogger(config.logLevel);
const primary = config.workers > 1 && startCluster({ workers: config.workers, log, graceMs: config.shutdownGraceMs });
// With every subgraph remote (BENCH_REMOTE=1) the app's in-process subgraphs are served by the mocks
// process, so the app names all it owns as remote: its edge rules and cache rules act on them as they
// would in a deployment where the app's subgraphs run as services.
const owned = [...(app.owns?.inProcess ?? []), ...(app.owns?.remote ?? [])];
const asDeployed = process.env.BENCH_REMOTE === '1' ? defineApp({ ...app, owns: { remote: owned }, subgraphs: undefined }) : app;
const definition =
  process.env.BENCH_POLICY === 'off'
    ? defineApp({ ...asDeployed, rules: undefined, subgraphs: asDeployed.subgraphs && (({ config: c, env }) => plainSubgraphs(c, env)) })
    : asDeployed;
if (!primary) {
  const gateway = createApp(config, { app: definition, log });
  await gateway.start();
  const stop = () => void gateway.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
