import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Tessera's Prometheus metrics, on a registry of its own (never prom-client's global one).
 * One instance per process: the cache, the rate limiter, the gateway and the HTTP layer all
 * increment the same typed counters. Every label value is bounded: codes come from a fixed
 * table, subgraph names from the composed supergraph, operation names only from an allowlist.
 */
/** Operation costs span from 1 to far past any limit: buckets by orders of magnitude. */
const COST_BUCKETS = [1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000, 1_000_000];

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tessera_' });
  const registers = [registry];
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'GraphQL HTTP requests: time to the last byte, by operation type, operation name (allowlisted) and status.',
      labelNames: ['operation_type', 'operation_name', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    graphqlErrors: new Counter({
      name: 'tessera_graphql_errors_total',
      help: 'Errors in GraphQL responses, by extensions.code.',
      labelNames: ['code'] as const,
      registers,
    }),
    subgraphFetchDuration: new Histogram({
      name: 'tessera_subgraph_fetch_duration_seconds',
      help: 'Remote subgraph fetches (each attempt), by subgraph and outcome.',
      labelNames: ['subgraph', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    subgraphErrors: new Counter({
      name: 'tessera_subgraph_errors_total',
      help: 'Failed remote subgraph fetches, by subgraph and reason (refused, timeout, http_5xx, invalid_body, breaker_open, too_large).',
      labelNames: ['subgraph', 'reason'] as const,
      registers,
    }),
    subgraphDeduplicated: new Counter({
      name: 'tessera_subgraph_deduplicated_total',
      help: 'Remote subgraph calls not sent because an identical query call was in flight, whose answer they shared, by subgraph.',
      labelNames: ['subgraph'] as const,
      registers,
    }),
    subgraphRetries: new Counter({
      name: 'tessera_subgraph_retries_total',
      help: 'Retried remote subgraph fetches, by subgraph.',
      labelNames: ['subgraph'] as const,
      registers,
    }),
    breakerState: new Gauge({
      name: 'tessera_breaker_state',
      help: 'Circuit breaker state per subgraph: 0 closed, 1 half-open, 2 open.',
      labelNames: ['subgraph'] as const,
      registers,
    }),
    operationLimitRejections: new Counter({
      name: 'tessera_operation_limit_rejections_total',
      help: 'Operations refused by a limit (depth, aliases, tokens, directives, cost, fetches, batch, heavy operations, response size); cost_measured counts those measure mode let through.',
      labelNames: ['limit'] as const,
      registers,
    }),
    costEstimated: new Histogram({
      name: 'tessera_operation_cost_estimated',
      help: 'Static cost of each operation before it runs (@cost, @listSize, DEMAND_CONTROL_LIST_SIZE), by operation type.',
      labelNames: ['operation_type'] as const,
      buckets: COST_BUCKETS,
      registers,
    }),
    costActual: new Histogram({
      name: 'tessera_operation_cost_actual',
      help: 'Cost of each answer as it came back (list lengths as returned), by operation type.',
      labelNames: ['operation_type'] as const,
      buckets: COST_BUCKETS,
      registers,
    }),
    cacheRequests: new Counter({
      name: 'tessera_cache_requests_total',
      help: 'Cache lookups by cache and result (hit, miss, error).',
      labelNames: ['cache', 'result'] as const,
      registers,
    }),
    rateLimitRejections: new Counter({
      name: 'tessera_rate_limit_rejections_total',
      help: 'Requests refused by a rate-limit rule, by rule and client profile.',
      labelNames: ['rule', 'client'] as const,
      registers,
    }),
    supergraphInfo: new Gauge({
      name: 'tessera_supergraph_info',
      help: 'The served supergraph: 1 for the current composition id.',
      labelNames: ['composition_id'] as const,
      registers,
    }),
    queryPlans: new Counter({
      name: 'tessera_query_plans_total',
      help: "Query plans run, by executor (tessera, or apollo for a request that wants Apollo's usage traces).",
      labelNames: ['executor'] as const,
      registers,
    }),
    queryPlanCorrections: new Counter({
      name: 'tessera_query_plan_corrections_total',
      help: "Plans Apollo's planner is known to get wrong (reason: requires-arguments, unresolvable-key, unplanned-root-field), by outcome: replanned by Hive's planner, or kept when it could not be.",
      labelNames: ['reason', 'outcome'] as const,
      registers,
    }),
    queryPlanFetches: new Histogram({
      name: 'tessera_query_plan_fetches',
      help: 'Subgraph requests per query plan run by Tessera\'s executor, as planned and after fetch merging (stage: planned, merged); every branch of a condition counted.',
      labelNames: ['stage'] as const,
      buckets: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64],
      registers,
    }),
    compositionSeconds: new Histogram({
      name: 'tessera_composition_seconds',
      help: 'Composition work in the worker thread, by kind (compose, validate) and outcome (ok, failed, timeout, memory, error).',
      labelNames: ['kind', 'outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    supergraphAdoptions: new Counter({
      name: 'tessera_supergraph_adoptions_total',
      help: 'Supergraphs taken from the registry store as another replica composed them, without composing here.',
      registers,
    }),
    registryStoreBehind: new Gauge({
      name: 'tessera_registry_store_behind',
      help: '1 while the registry store is at a lower version than this replica serves and holds registrations it does not serve (restore it: tessera subgraph restore); else 0.',
      registers,
    }),
    registryRestores: new Counter({
      name: 'tessera_registry_restores_total',
      help: 'Registered sets this replica put back into a registry store that lost them, by trigger (automatic, operator).',
      labelNames: ['trigger'] as const,
      registers,
    }),
    supergraphUpdates: new Counter({
      name: 'tessera_supergraph_updates_total',
      help: 'Supergraphs loaded (start and every registry or file change).',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The process's metrics. */
export const metrics: Metrics = createMetrics();

export const BREAKER_STATE_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

/** Records a newly served supergraph: the info gauge shows only the current composition id. */
export function recordSupergraph(compositionId: string, m: Metrics = metrics): void {
  m.supergraphInfo.reset();
  m.supergraphInfo.set({ composition_id: compositionId }, 1);
  m.supergraphUpdates.inc();
}
