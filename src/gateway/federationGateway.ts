import type { QueryPlan } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import { isLocalUrl, LOCAL_SCHEME } from '../config/supergraphConfig.js';
import type { BreakerConfig, RetryConfig } from '../config/index.js';
import type { SupergraphManager } from '../composition/supergraphManager.js';
import { metrics as defaultMetrics, type Metrics } from '../observability/metrics.js';
import { createSubgraphBreaker, type SubgraphBreaker } from './circuitBreaker.js';
import { RetryBudget } from './retry.js';
import type { TesseraContext } from '../graphql/context.js';
import { boundedCache } from '../cache/boundedCache.js';
import { createSubgraphCacheHints, type SubgraphCacheHintOptions } from '../cache/cacheHints.js';
import { refuseForbiddenLookup } from '../registry/urlGuard.js';
import { meterInProcessAnswers } from './answerSize.js';
import { SubgraphDataSource } from './subgraphCall/dataSource.js';
import { inProcessSubgraphCall, planHooks, remoteSubgraphCall } from './subgraphCall/hooks.js';
import { InProcessTransport } from './subgraphCall/inProcessTransport.js';
import { TesseraGateway } from './tesseraGateway.js';

export interface GatewayOptions {
  readonly manager: SupergraphManager;
  /** In-process subgraphs by name, served at `local://name`. */
  readonly localSchemas: ReadonlyMap<string, GraphQLSchema>;
  readonly timeoutMs: number;
  readonly headersFor: (context: TesseraContext | undefined) => Record<string, string>;
  /** The request headers the response cache keys on: a subgraph may vary its answer on these. */
  readonly cacheKeyHeaders?: readonly string[];
  readonly log: Logger;
  readonly dispatcher?: Dispatcher;
  /** Circuit breaker per remote subgraph; absent = none. */
  readonly breaker?: BreakerConfig;
  /** Retries of remote query fetches; absent = none. */
  readonly retry?: RetryConfig;
  /** Plans needing more subgraph fetches are refused before any fetch; absent = no budget. */
  readonly maxSubgraphFetches?: number;
  /** The largest remote subgraph answer read; absent = no cap. */
  readonly maxSubgraphResponseBytes?: number;
  readonly metrics?: Metrics;
  /** Cache hints of the in-process subgraphs beyond their SDL, and the default maxAge; absent = SDL only. */
  readonly cacheHints?: SubgraphCacheHintOptions;
  /**
   * Query plans kept per served graph, least recently used out first (absent: 512); each
   * in-process subgraph keeps as many parsed subgraph queries.
   */
  readonly operationCacheSize?: number;
  /** Fetches to one subgraph that can run together go as one request; absent = on. */
  readonly fetchMerging?: boolean;
  /** Identical remote query calls in flight at once share one call; absent = on. */
  readonly deduplicateSubgraphCalls?: boolean;
  /** Progressive-override labels that are on (src/gateway/overrideLabels.ts). */
  readonly overrideLabels?: ReadonlySet<string>;
  /** Plans Apollo's planner gets wrong are planned again by Hive's (src/gateway/planning/); default on. */
  readonly planCorrection?: boolean;
}

export interface Gateway {
  readonly gateway: TesseraGateway;
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Creates the subgraph HTTP pool shared by every remote subgraph. */
/**
 * The keep-alive pool every remote subgraph shares. Host names are resolved on each new
 * connection and never to a link-local or metadata address, whatever DNS says after a
 * subgraph's URL was checked at publish.
 */
export function createSubgraphDispatcher(): Dispatcher {
  return new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connections: 128,
    pipelining: 1,
    connect: { lookup: refuseForbiddenLookup },
  });
}

/** Plans kept per served graph when no OPERATION_CACHE_SIZE is given. */
const DEFAULT_PLAN_CACHE_SIZE = 512;

export function createFederationGateway(options: GatewayOptions): Gateway {
  const dispatcher = options.dispatcher ?? createSubgraphDispatcher();
  const metrics = options.metrics ?? defaultMetrics;
  // Keyed by name and URL: they outlive schema updates, which rebuild the data sources.
  const breakers = new Map<string, SubgraphBreaker>();
  const retryBudgets = new Map<string, RetryBudget>();
  const resilienceFor = (name: string, url: string) => {
    const key = `${name} ${url}`;
    let breaker = breakers.get(key);
    if (!breaker && options.breaker) breakers.set(key, (breaker = createSubgraphBreaker(name, options.breaker, metrics)));
    let budget = retryBudgets.get(key);
    if (!budget && options.retry) retryBudgets.set(key, (budget = new RetryBudget(options.retry.budgetPercent / 100)));
    const retry = options.retry && budget ? { maxAttempts: options.retry.maxAttempts, baseMs: options.retry.baseMs, budget } : undefined;
    return { breaker, retry };
  };
  // One per in-process schema: data sources are rebuilt on every schema update, the hints need not be.
  const cacheHints = new Map<GraphQLSchema, ReturnType<typeof createSubgraphCacheHints>>();
  // Likewise the schemas with their list fields metered (the answer-size limit).
  const metered = new Map<GraphQLSchema, GraphQLSchema>();
  const cacheKeyHeaders = new Set(options.cacheKeyHeaders ?? []);
  const buildService = ({ name, url }: { name: string; url?: string }): SubgraphDataSource => {
    if (!url) throw new Error(`Subgraph "${name}" has no routing URL.`);
    if (isLocalUrl(url)) {
      const localName = url.slice(LOCAL_SCHEME.length);
      const schema = options.localSchemas.get(localName);
      if (!schema) throw new Error(`Subgraph "${name}" routes to ${url}, but no in-process subgraph is named "${localName}".`);
      let hints = cacheHints.get(schema);
      if (!hints) cacheHints.set(schema, (hints = createSubgraphCacheHints(schema, options.cacheHints)));
      let executable = metered.get(schema);
      if (!executable) metered.set(schema, (executable = meterInProcessAnswers(schema)));
      return new SubgraphDataSource(name, inProcessSubgraphCall(new InProcessTransport(executable, options.operationCacheSize), hints));
    }
    const call = remoteSubgraphCall({
      name,
      url,
      dispatcher,
      timeoutMs: options.timeoutMs,
      headersFor: options.headersFor,
      cacheKeyHeaders,
      metrics,
      maxResponseBytes: options.maxSubgraphResponseBytes,
      deduplicate: options.deduplicateSubgraphCalls !== false,
      ...resilienceFor(name, url),
    });
    return new SubgraphDataSource(name, call);
  };
  // Observed twice per request: the labelled children are looked up once.
  const plannedFetches = metrics.queryPlanFetches.labels({ stage: 'planned' });
  const mergedFetches = metrics.queryPlanFetches.labels({ stage: 'merged' });
  const gateway = new TesseraGateway({
    source: options.manager,
    buildService,
    planCache: () => boundedCache<QueryPlan>(options.operationCacheSize ?? DEFAULT_PLAN_CACHE_SIZE),
    planHooks: planHooks({
      maxSubgraphFetches: options.maxSubgraphFetches,
      onFetchBudgetRefused: () => metrics.operationLimitRejections.inc({ limit: 'subgraphFetches' }),
    }),
    onRun: (executor) => metrics.queryPlans.inc({ executor }),
    fetchMerging: options.fetchMerging,
    overrideLabels: options.overrideLabels,
    planCorrection: options.planCorrection,
    onPlanCorrection: (reason, outcome) => metrics.queryPlanCorrections.inc({ reason, outcome }),
    onPlanFetches: ({ planned, merged }) => {
      plannedFetches.observe(planned);
      mergedFetches.observe(merged);
    },
  });
  return {
    gateway,
    dispatcher,
    close: async () => {
      for (const breaker of breakers.values()) breaker.shutdown();
      if (!options.dispatcher) await dispatcher.close();
    },
  };
}
