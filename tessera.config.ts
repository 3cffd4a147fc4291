/**
 * The demo app: what this repository's Tessera serves beyond the engine, written against the
 * package's public API only (`from 'tessera-gateway'`), as a team's own repository would. Its code lives
 * in `app/`, its SDL in `schema/`; the engine in `src/` never names these types.
 */
import { defineConfig, httpUrl, parseEnvWith, withSubgraphRules } from 'tessera-gateway';
import { z } from 'zod';
import { edgeRules, subgraphRules } from './app/rules.js';
import { createLocalSubgraphs } from './app/subgraphs/index.js';

/** The app's own settings: where the REST services behind the in-process subgraphs live. */
export const appEnvSchema = z.object({
  USERS_SERVICE_URL: httpUrl.default('http://127.0.0.1:4101'),
  ORDERS_SERVICE_URL: httpUrl.default('http://127.0.0.1:4102'),
  CATALOG_SERVICE_URL: httpUrl.default('http://127.0.0.1:4103'),
  REST_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(500),
});

export default defineConfig({
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
  // Who may read or call what (app/rules.ts).
  rules: edgeRules,
  // Request budgets per client (API key client, JWT client claim or apollographql-client-name);
  // every other identity gets RATE_LIMIT_DEFAULT. Field limits are rules in app/rules.ts.
  clientLimits: { profiles: { 'nightly-export': '60/60s' } },
  // Cache hints live in schema/*.graphql (@cacheControl); these say which entries a mutation makes stale.
  cache: {
    keyFields: { Product: 'sku' },
    purge: {
      'Mutation.createOrder': ({ args }) => ['Order', `User:${String(args['input']?.userId)}`],
    },
  },
});
