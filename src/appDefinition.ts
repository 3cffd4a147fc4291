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
 * What a team writes to fit Tessera to its own services: the subgraphs it owns, the in-process
 * ones' code, the rule tree, cache rules and client profiles. The engine never names a demo type.
 */
export interface AppDefinition {
  /**
   * The subgraphs this app defines. Its rules, purge rules and key fields act only on the fields
   * these subgraphs resolve (the supergraph's `join__field`), never on a same-named field of a
   * subgraph the app does not own; see appScope.ts.
   */
  readonly owns?: AppSubgraphs;
  /** Builds the in-process subgraphs (each one named in `owns.inProcess`). */
  readonly subgraphs?: (context: AppContext) => InProcessSubgraphs;
  /** The edge rule tree (graphql-shield rules by `Type.field`), enforced on the app's fields of the supergraph. */
  readonly rules?: RuleTree;
  /** Cache hints beyond the subgraphs' `@cacheControl`, and which mutations purge which entries. */
  readonly cache?: AppCacheRules;
  /** Request budgets per client name (API key client, JWT client claim, `apollographql-client-name`). */
  readonly clientLimits?: AppClientLimits;
}

export interface AppSubgraphs {
  /** In-process subgraphs, routed as `local://NAME` in the supergraph. */
  readonly inProcess?: readonly string[];
  /** The app's own remote subgraphs, by their name in the supergraph. */
  readonly remote?: readonly string[];
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

/** The engine settings a config file may give, by their environment name (docs/configuration.md). */
export type SettingName = keyof EnvInput;
type EnvInput = import('zod').input<typeof import('./config/env.js').envSchema>;

/**
 * A `tessera.config.ts`: the app, plus defaults for engine settings (`{ PORT: 8080 }`). The
 * environment wins over `settings`, so one file serves every deployment and each overrides what differs.
 */
export interface TesseraConfig extends AppDefinition {
  readonly settings?: Readonly<Partial<Record<SettingName, string | number | boolean>>>;
}

/** The default export of `tessera.config.ts`. Typed, so a misspelt key fails in the editor. */
export const defineConfig = (config: TesseraConfig): TesseraConfig => config;

/** The app alone, for code that assembles one config from several modules. */
export const defineApp = (definition: AppDefinition): AppDefinition => definition;
