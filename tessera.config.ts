/**
 * The app: what this team's Tessera serves beyond the engine. Change this file (and
 * `src/subgraphs/`, `schema/`) to fit your own services; the engine never names these types.
 */
import { z } from 'zod';
import { defineApp } from './src/appDefinition.js';
import { httpUrl, parseEnvWith } from './src/config/index.js';
import { createLocalSubgraphs } from './src/subgraphs/index.js';

/** The app's own settings: where the REST services behind the in-process subgraphs live. */
export const appEnvSchema = z.object({
  USERS_SERVICE_URL: httpUrl.default('http://127.0.0.1:4101'),
  ORDERS_SERVICE_URL: httpUrl.default('http://127.0.0.1:4102'),
  CATALOG_SERVICE_URL: httpUrl.default('http://127.0.0.1:4103'),
  REST_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(500),
});

export default defineApp({
  subgraphs: ({ config, env }) => {
    const appEnv = parseEnvWith(appEnvSchema, { ...env });
    return createLocalSubgraphs({
      services: { users: appEnv.USERS_SERVICE_URL, orders: appEnv.ORDERS_SERVICE_URL, catalog: appEnv.CATALOG_SERVICE_URL },
      timeoutMs: config.subgraphTimeoutMs,
      maxBatchSize: appEnv.REST_MAX_BATCH_SIZE,
    });
  },
});
