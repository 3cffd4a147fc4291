import { appEnvSchema } from '../tessera.config.js';
import type { Config } from '../src/config/index.js';
import { parseEnvWith } from '../src/config/index.js';
import { createLocalSubgraphs, type LocalSubgraphs } from '../app/subgraphs/index.js';

/**
 * The app's REST-wrapped subgraphs as they are, without the rules the app adds inside them and
 * without a REST HTTP cache: what the reference serves, and Tessera with policy off.
 */
export function plainSubgraphs(config: Config, env: Readonly<Record<string, string | undefined>>): LocalSubgraphs {
  const appEnv = parseEnvWith(appEnvSchema, { ...env });
  return createLocalSubgraphs({
    services: { users: appEnv.USERS_SERVICE_URL, orders: appEnv.ORDERS_SERVICE_URL, catalog: appEnv.CATALOG_SERVICE_URL },
    timeoutMs: config.subgraphTimeoutMs,
    maxBatchSize: appEnv.REST_MAX_BATCH_SIZE,
  });
}
