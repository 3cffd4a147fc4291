/**
 * Tessera's public API: what a team's `tessera.config.ts` and its in-process subgraphs import
 * (`import { defineConfig, hasScopes } from 'tessera-gateway'`). Everything else in `src/` is internal and
 * may change in any release; docs/package.md says what each export is for.
 */
import './gateway/noTelemetry.js';

// The config file.
export { defineConfig, defineApp } from './appDefinition.js';
export type {
  TesseraConfig,
  SettingName,
  AppDefinition,
  AppSubgraphs,
  AppContext,
  AppCacheRules,
  AppClientLimits,
  InProcessSubgraph,
  InProcessSubgraphs,
} from './appDefinition.js';
export { httpUrl, parseEnvWith } from './config/env.js';
export type { Config } from './config/index.js';
export { ConfigError } from './errors/configError.js';

// Rules: graphql-shield's combinators, and the ones that know Tessera's viewer and limits.
export { rule, and, or, not, chain, race, allow, deny } from 'graphql-shield';
export { isAuthenticated, hasScopes, policyError, type RuleContext, type RuleTree, type ShieldRule } from './policy/rules.js';
export { rateLimit, type RateLimitOptions, type RateLimitBy } from './ratelimit/rule.js';
export { withSubgraphRules } from './policy/subgraphShield.js';
export type { Viewer, CredentialKind } from './auth/viewer.js';
export type { CacheHintAnnotation } from './cache/cacheHints.js';
export type { PurgeRules } from './cache/purgeRules.js';

// REST services wrapped as GraphQL subgraphs that run in the gateway process.
export type { SubgraphContext } from './subgraphs/context.js';
export { buildLocalSubgraph, type LocalSubgraphDefinition } from './subgraphs/shared/build.js';
export type { LocalSubgraph } from './subgraphs/shared/types.js';
export {
  RestClient,
  RestError,
  DEFAULT_TIMEOUT_MS,
  type RestClientOptions,
  type RestCallOptions,
  type RestErrorKind,
  type Parse,
} from './subgraphs/rest/restClient.js';
export { createBatchLoader, matchByKey, DEFAULT_MAX_BATCH_SIZE, type BatchLoaderOptions } from './subgraphs/shared/batch.js';
export { perRequest } from './subgraphs/shared/perRequest.js';
export { restCallOptions, keyList } from './subgraphs/shared/restCall.js';
export { notFound, badUserInput, unavailable, fromRestError } from './subgraphs/shared/errors.js';
export { selectedFieldNames } from './subgraphs/shared/selection.js';
export type { BreakerConfig } from './config/index.js';
export type { KeyValueCache } from '@apollo/utils.keyvaluecache';

// Embedding: the whole gateway inside another Node program.
export { createGateway, type GatewayOptions, type Gateway } from './embed.js';
