import type { Logger } from 'pino';
import { createApp, type App } from './app.js';
import type { TesseraConfig } from './appDefinition.js';
import { withSettings } from './config/configFile.js';
import { loadConfig } from './config/index.js';

export interface GatewayOptions {
  /** The app and settings, as a `tessera.config.ts` would give them; the engine alone when absent. */
  readonly config?: TesseraConfig;
  /** The environment settings are read from (default `process.env`); it wins over `config.settings`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A pino logger; one at `LOG_LEVEL` otherwise. */
  readonly log?: Logger;
}

/** A Tessera gateway in this process: `start()` listens on `PORT`, `stop()` drains, `url` says where. */
export type Gateway = App;

/**
 * Tessera embedded in another Node program, as `tessera serve` runs it: settings validated once
 * (a bad one throws a ConfigError naming it), then the whole gateway, not yet listening.
 */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const env = options.env ?? process.env;
  const config = loadConfig(withSettings(options.config?.settings, env));
  return createApp(config, { app: options.config, env, log: options.log });
}
