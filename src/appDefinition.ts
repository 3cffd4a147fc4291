import type { GraphQLSchema } from 'graphql';
import type { Config } from './config/index.js';
import type { RuleTree } from './policy/rules.js';
import type { CacheHintAnnotation } from './cache/cacheHints.js';
import type { CacheStores } from './cache/createCacheStores.js';
import type { PurgeRules } from './cache/purgeRules.js';
import type { ClientProfiles } from './ratelimit/createRateLimits.js';

/** A subgraph that runs in the gateway process (a REST service wrapped as GraphQL). */
export interface InProcessSubgraph {
  readonly name: string;
  readonly schema: GraphQLSchema;
}

/**
 * What a team writes to fit Tessera to its own services: the in-process subgraphs and, as the
 * engine grows, the rule tree, cache rules and client profiles. The engine never names a demo type.
 */
export interface AppDefinition {
  readonly subgraphs?: (context: AppContext) => InProcessSubgraphs;
  /** The edge rule tree (graphql-shield rules by `Type.field`), enforced on every field of the supergraph. */
  readonly rules?: RuleTree;
  /** Cache hints beyond the subgraphs' `@cacheControl`, and which mutations purge which entries. */
  readonly cache?: AppCacheRules;
  /** Request budgets per client name (API key client, JWT client claim, `apollographql-client-name`). */
  readonly clientLimits?: AppClientLimits;
}

export interface AppClientLimits {
  /** Client name → budget, e.g. `{ 'mobile-app': '300/60s' }`; others get `RATE_LIMIT_DEFAULT`. */
  readonly profiles?: ClientProfiles;
}

export interface AppCacheRules {
  /** Hints by `Type` or `Type.field` for the in-process subgraphs; they replace the SDL's. */
  readonly hints?: Readonly<Record<string, CacheHintAnnotation>>;
  /** Mutation field (`Mutation.createOrder`) → the tags it makes stale (`Order`, `User:<id>`). */
  readonly purge?: PurgeRules;
  /** The key field per type for `Type:<key>` tags, when it is not `id` (e.g. `{ Product: 'sku' }`). */
  readonly keyFields?: Readonly<Record<string, string>>;
}

export interface InProcessSubgraphs {
  readonly subgraphs: readonly InProcessSubgraph[];
  close(): Promise<void>;
}

/** What the engine hands the app: the validated engine config and the raw environment for the app's own settings. */
export interface AppContext {
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The process's cache stores; `cache.rest` is the REST clients' HTTP cache. Absent: no caching. */
  readonly cache?: CacheStores;
}

export const defineApp = (definition: AppDefinition): AppDefinition => definition;
