/**
 * The app: what this team's Tessera serves beyond the engine. Change this file (and
 * `src/subgraphs/`, `schema/`) to fit your own services; the engine never names these types.
 */
import { z } from 'zod';
import { defineApp } from './src/appDefinition.js';
import { httpUrl, parseEnvWith } from './src/config/index.js';
import { createLocalSubgraphs } from './src/subgraphs/index.js';
import { withSubgraphRules } from './src/policy/subgraphShield.js';
import { edgeRules, subgraphRules } from './src/appRules.js';

/** The app's own settings: where the REST services behind the in-process subgraphs live. */
export const appEnvSchema = z.object({
  USERS_SERVICE_URL: httpUrl.default('http://127.0.0.1:4101'),
  ORDERS_SERVICE_URL: httpUrl.default('http://127.0.0.1:4102'),
  CATALOG_SERVICE_URL: httpUrl.default('http://127.0.0.1:4103'),
  REST_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(500),
});

export default defineApp({
  // The subgraphs this app defines (schema/supergraph.yaml): its rules and cache rules act on
  // their fields only, and `tessera serve` applies the app only to a supergraph that has them.
  owns: { inProcess: ['users', 'orders', 'catalog', 'bff'], remote: ['reviews', 'inventory'] },
  subgraphs: ({ config, env, cache }) => {
    const appEnv = parseEnvWith(appEnvSchema, { ...env });
    const local = createLocalSubgraphs({
      services: { users: appEnv.USERS_SERVICE_URL, orders: appEnv.ORDERS_SERVICE_URL, catalog: appEnv.CATALOG_SERVICE_URL },
      timeoutMs: config.subgraphTimeoutMs,
      maxBatchSize: appEnv.REST_MAX_BATCH_SIZE,
      // REST answers are capped like remote subgraph answers.
      maxResponseBytes: config.demand.maxSubgraphResponseBytes,
      // A failing REST service fails fast, as a failing remote subgraph does.
      breaker: config.breaker,
      cache: cache?.rest,
    });
    return withSubgraphRules(local, subgraphRules);
  },
  // Who may read or call what (src/appRules.ts).
  rules: edgeRules,
  // Request budgets per client (API key client, JWT client claim or apollographql-client-name);
  // every other identity gets RATE_LIMIT_DEFAULT. Field limits are rules in src/appRules.ts.
  clientLimits: { profiles: { 'nightly-export': '60/60s' } },
  // Cache hints live in schema/*.graphql (@cacheControl); these say which entries a mutation makes stale.
  cache: {
    keyFields: { Product: 'sku' },
    purge: {
      'Mutation.createOrder': ({ args }) => ['Order', `User:${String(args['input']?.userId)}`],
    },
  },
});
