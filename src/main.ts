import './gateway/noTelemetry.js';
import app from '../tessera.config.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/index.js';
import { CompositionFailedError } from './composition/loadSubgraphs.js';
import { createLogger } from './observability/logger.js';

/** The only entry with side effects: config → app → listen → graceful stop. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const gateway = createApp(config, { app, log });
  try {
    await gateway.start();
  } catch (error) {
    if (error instanceof CompositionFailedError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      log.fatal({ err: error }, 'gateway failed to start');
    }
    process.exit(1);
  }
  log.info({ url: `${gateway.url}/graphql`, compositionId: gateway.manager.state?.id }, 'Tessera is serving');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown grace period over; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 1_000);
    force.unref();
    gateway.stop().then(
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
