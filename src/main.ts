import './gateway/noTelemetry.js';
import { createApp } from './app.js';
import type { TesseraConfig } from './appDefinition.js';
import { startCluster } from './cluster.js';
import { ConfigError } from './errors/configError.js';
import { loadDotEnv } from './config/dotenv.js';
import { findConfigFile, loadConfigFile, withSettings } from './config/configFile.js';
import { loadConfig } from './config/index.js';
import { CompositionFailedError } from './composition/loadSubgraphs.js';
import { createLogger } from './observability/logger.js';
import { startTracing, traceLogMixin } from './observability/tracing.js';

/**
 * The only entry with side effects: config → app → listen → graceful stop. The app is the working
 * directory's `tessera.config.ts` when it has one (`tessera serve --config` names another).
 */
async function main(): Promise<void> {
  let config;
  let envFile: string | undefined;
  let app: TesseraConfig | undefined;
  try {
    envFile = loadDotEnv();
    const file = findConfigFile();
    app = file === undefined ? undefined : await loadConfigFile(file);
    config = loadConfig(withSettings(app?.settings, process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Loaded only when an OTLP endpoint is configured; before anything that could create spans.
  const tracing = await startTracing(config.otlpEndpoint);
  const log = createLogger(config.logLevel, undefined, tracing ? traceLogMixin : undefined);
  if (envFile) log.info({ envFile }, 'settings read from the env file (the environment wins over it)');
  // The primary of a cluster only supervises; each worker runs the rest of main().
  if (config.workers > 1 && startCluster({ workers: config.workers, log, graceMs: config.shutdownDelayMs + config.shutdownGraceMs })) return;
  const gateway = createApp(config, { app, log });
  try {
    await gateway.start();
  } catch (error) {
    if (error instanceof CompositionFailedError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      log.fatal({ err: error }, 'gateway failed to start');
    }
    process.exit(1);
  }
  log.info({ url: `${gateway.url}/graphql`, metrics: gateway.metricsUrl, compositionId: gateway.manager.state?.id }, 'Tessera is serving');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown grace period over; exiting');
      process.exit(1);
    }, config.shutdownDelayMs + config.shutdownGraceMs + 1_000);
    force.unref();
    gateway
      .stop()
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (error) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
