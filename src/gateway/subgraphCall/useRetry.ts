import { setTimeout as sleep } from 'node:timers/promises';
import type { Metrics } from '../../observability/metrics.js';
import { SubgraphFailure } from '../circuitBreaker.js';
import { backoffMs, isRetryableCode, isRetryableStatus, type RetryBudget } from '../retry.js';
import type { SubgraphHook } from './call.js';

export interface RetryOptions {
  /** Retries after the first attempt. */
  readonly maxAttempts: number;
  readonly baseMs: number;
  /** Shared by every call to the subgraph: retries stay a share of its calls. */
  readonly budget: RetryBudget;
}

/**
 * Repeats an idempotent call after a connection error or a 502/503/504 (the subgraph never
 * processed it), with jittered backoff, while the budget allows.
 */
export const useRetry =
  (retry: RetryOptions, metrics: Metrics): SubgraphHook =>
  async (call, next) => {
    retry.budget.recordRequest();
    for (let attempt = 0; ; attempt++) {
      try {
        return await next(call);
      } catch (error) {
        if (!call.idempotent || !(error instanceof SubgraphFailure) || attempt >= retry.maxAttempts) throw error;
        const worthRetrying = error.status !== undefined ? isRetryableStatus(error.status) : isRetryableCode(error.code);
        if (!worthRetrying || !retry.budget.tryRetry()) throw error;
        metrics.subgraphRetries.inc({ subgraph: call.subgraph });
        await sleep(backoffMs(attempt + 1, retry.baseMs));
      }
    }
  };
