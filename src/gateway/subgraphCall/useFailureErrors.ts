import { TesseraError } from '../../errors/codes.js';
import { BreakerOpenError, SubgraphFailure } from '../circuitBreaker.js';
import type { SubgraphHook } from './call.js';

const unavailable = (subgraph: string, reason: string, extensions: Record<string, unknown> = {}) =>
  new TesseraError('SUBGRAPH_UNAVAILABLE', `Subgraph "${subgraph}" ${reason}.`, { serviceName: subgraph, ...extensions }).toGraphQLError();

/**
 * The failures of the hooks inside as the client's errors: a timeout as SUBGRAPH_TIMEOUT; a
 * refused connection, a 5xx or an open breaker as SUBGRAPH_UNAVAILABLE. A 5xx answer is passed on
 * instead when it is there: it may still be a GraphQL response worth reading.
 */
export const useFailureErrors =
  (timeoutMs: number): SubgraphHook =>
  async (call, next) => {
    try {
      return await next(call);
    } catch (error) {
      if (error instanceof BreakerOpenError) throw unavailable(call.subgraph, 'is failing; its circuit breaker is open', { breaker: 'open' });
      if (!(error instanceof SubgraphFailure)) throw error;
      if (error.response) return error.response;
      if (error.reason === 'timeout') {
        throw new TesseraError('SUBGRAPH_TIMEOUT', `Subgraph "${call.subgraph}" ${error.detail}.`, { serviceName: call.subgraph, timeoutMs }).toGraphQLError();
      }
      throw unavailable(call.subgraph, error.detail);
    }
  };
