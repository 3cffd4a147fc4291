import type { AppDefinition } from './appDefinition.js';
import { createApp } from './app.js';
import { startCluster } from './cluster.js';
import { CompositionFailedError } from './composition/loadSubgraphs.js';
import type { Config } from './config/index.js';
import { ConfigError } from './errors/configError.js';
import { createLogger } from './observability/logger.js';
import { startTracing, traceLogMixin } from './observability/tracing.js';

export interface RunGatewayOptions {
  readonly config: Config;
  readonly app?: AppDefinition | undefined;
  /** The env file read at start, for the log. */
  readonly envFile?: string | undefined;
  /** Which app is served, for the start-up line (`tessera serve` says why). */
  readonly appNote?: string | undefined;
}

/**
 * The process around a gateway, the same for `tessera serve` and `npm run gateway`: tracing,
 * cluster workers, listen, and a graceful stop on SIGTERM/SIGINT bounded by the drain settings.
 * Resolves once serving; a failed start exits 1 with the reason.
 */
export async function runGateway({ config, app, envFile, appNote }: RunGatewayOptions): Promise<void> {
  // Loaded only when an OTLP endpoint is configured; before anything that could create spans.
  const tracing = await startTracing(config.otlpEndpoint);
  const log = createLogger(config.logLevel, undefined, tracing ? traceLogMixin : undefined);
  if (envFile) log.info({ envFile }, 'settings read from the env file (the environment wins over it)');
  // The primary of a cluster only supervises; each worker runs the rest.
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
  log.info(
    { url: `${gateway.url}/graphql`, metrics: gateway.metricsUrl, compositionId: gateway.manager.state?.id, ...(appNote ? { app: appNote } : {}) },
    'Tessera is serving',
  );
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
