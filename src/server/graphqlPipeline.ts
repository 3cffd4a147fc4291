import type { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { Logger } from 'pino';
import type { CacheStores } from '../cache/createCacheStores.js';
import { usePersistedQuerySafelist, type Safelist } from '../cache/safelist.js';
import type { Config } from '../config/index.js';
import type { TesseraContext } from '../graphql/context.js';
import { createApolloServer } from '../graphql/createApolloServer.js';
import type { ExplorerPreset } from '../graphql/explorer.js';
import { useAnswer } from '../graphql/plugins/useAnswer.js';
import { useDemandControl } from '../graphql/plugins/useDemandControl.js';
import { useMetrics } from '../graphql/plugins/useMetrics.js';
import { parseOptionsFor, useOperationLimits } from '../graphql/plugins/useOperationLimits.js';
import { usePolicy } from '../graphql/plugins/usePolicy.js';
import { useRequestErrors } from '../graphql/plugins/useRequestErrors.js';
import { useResponseCache } from '../graphql/plugins/useResponseCache.js';
import { metrics } from '../observability/metrics.js';
import type { RateLimits } from '../ratelimit/createRateLimits.js';
import type { AppPolicy } from './appPolicy.js';

export interface GraphQLPipelineOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly gateway: GatewayInterface;
  readonly cache: CacheStores;
  readonly safelist: Safelist | undefined;
  readonly rateLimits: RateLimits;
  readonly appPolicy: AppPolicy;
  /** The served graph's composition id, part of every response-cache key. */
  readonly compositionId: () => string | undefined;
  /** What the explorer opens with (the app's example, a development token), when EXPLORER is on. */
  readonly explorer?: ExplorerPreset;
}

/**
 * Apollo Server over the gateway, with the request pipeline as its ordered plugin list. Before it,
 * the HTTP edge has admitted the request (credential, request budget: src/http/admission.ts).
 */
export function createGraphQLPipeline({ config, log, gateway, cache, safelist, rateLimits, appPolicy, compositionId, explorer }: GraphQLPipelineOptions): ApolloServer<TesseraContext> {
  const { scope } = appPolicy;
  return createApolloServer({
    gateway,
    production: config.production,
    introspection: config.introspection,
    explorer: config.explorer ? (explorer ?? {}) : false,
    stacktraces: config.errorStacktraces,
    log,
    parseOptions: parseOptionsFor(config.limits),
    allowBatchedHttpRequests: config.batchMaxOperations > 0,
    operationCacheSize: config.operationCacheSize,
    persistedQueries: safelist ? { cache: safelist.cache, ttl: null } : { cache: cache.apq, ttl: 86_400 },
    // In order. Policy decides in didResolveOperation, before the response cache is read in
    // responseForOperation, so a cached answer never bypasses auth or a limit.
    plugins: [
      // request metrics, and request errors with their proper codes and statuses
      useMetrics({ operationNames: config.metricsOperationNames }),
      useRequestErrors(),
      // depth, aliases, tokens, directives (the fetch budget is checked on the query plan)
      useOperationLimits(config.limits),
      // static cost from @cost/@listSize, refused over MAX_COST; heavy operations take turns
      useDemandControl({ ...config.demand, log }),
      // the rule tree (field limits included) and the supergraph's auth directives: denied fields pruned before planning
      usePolicy({
        rules: (sdl) => rateLimits.rules(sdl === undefined ? {} : scope(sdl).rules),
        fallback: config.policyFallback,
        maxPlans: config.operationCacheSize,
        log,
      }),
      safelist && usePersistedQuerySafelist(safelist),
      config.cache.responses &&
        useResponseCache({
          store: cache.responses,
          compositionId,
          keyHeaders: config.cache.keyHeaders,
          rules: (sdl) => (sdl === undefined ? {} : scope(sdl)),
          onLookup: (result) => metrics.cacheRequests.inc({ cache: 'responses', result }),
          onPurgeError: (err) => log.warn({ err }, 'cache purge after a mutation failed; entries expire by their TTL'),
        }),
      // the one owner of the final body: stored data, the policy's edit, then the caching headers
      useAnswer({ keyHeaders: config.cache.keyHeaders }),
    ],
  });
}
