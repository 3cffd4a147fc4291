import { GraphQLError } from 'graphql';
import type { Metrics } from '../../observability/metrics.js';
import { BreakerOpenError, SubgraphFailure } from '../circuitBreaker.js';
import type { SubgraphHook } from './call.js';

/**
 * Per attempt: its duration by outcome (`tessera_subgraph_fetch_duration_seconds`) and its
 * failures by reason (`tessera_subgraph_errors_total`: refused, timeout, http_5xx, breaker_open,
 * too_large).
 */
export const useMetrics =
  (metrics: Metrics): SubgraphHook =>
  async (call, next) => {
    const subgraph = call.subgraph;
    const started = performance.now();
    try {
      const answer = await next(call);
      metrics.subgraphFetchDuration.observe({ subgraph, outcome: 'ok' }, (performance.now() - started) / 1000);
      return answer;
    } catch (error) {
      if (error instanceof SubgraphFailure) {
        metrics.subgraphFetchDuration.observe({ subgraph, outcome: error.reason }, (performance.now() - started) / 1000);
        metrics.subgraphErrors.inc({ subgraph, reason: error.reason });
      } else if (error instanceof BreakerOpenError) {
        metrics.subgraphErrors.inc({ subgraph, reason: 'breaker_open' });
      } else if (error instanceof GraphQLError && error.extensions.code === 'RESPONSE_TOO_LARGE') {
        metrics.subgraphErrors.inc({ subgraph, reason: 'too_large' });
      }
      throw error;
    }
  };
