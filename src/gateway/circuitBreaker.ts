import CircuitBreaker from 'opossum';
import type { BreakerConfig } from '../config/index.js';
import type { SubgraphAnswer } from './subgraphCall/call.js';
import { BREAKER_STATE_VALUE, metrics as defaultMetrics, type Metrics } from '../observability/metrics.js';

/** Thrown by an attempt that should count against the breaker, carrying what the caller needs. */
export class SubgraphFailure extends Error {
  override readonly name = 'SubgraphFailure';
  constructor(
    readonly reason: 'refused' | 'timeout' | 'http_5xx',
    readonly detail: string,
    readonly code?: string,
    readonly status?: number,
    /** The answer of a 5xx, which may still be a usable GraphQL response. */
    readonly response?: SubgraphAnswer,
  ) {
    super(detail);
  }
}

export type Attempt<T> = () => Promise<T>;

export interface SubgraphBreaker {
  /** Runs one attempt through the breaker; rejects with `BreakerOpenError` without running it when open. */
  fire<T>(attempt: Attempt<T>): Promise<T>;
  readonly state: 'closed' | 'halfOpen' | 'open';
  shutdown(): void;
}

export class BreakerOpenError extends Error {
  override readonly name = 'BreakerOpenError';
}

/**
 * One opossum breaker per subgraph. Only transport failures, timeouts and 5xx count: a 200
 * carrying GraphQL errors is the subgraph working as designed. Opossum's own timeout is off;
 * the data source has its deadline. While half-open, opossum lets exactly one probe through.
 *
 * Two ways to open: opossum's error rate over the window (after `volumeThreshold` fetches), and
 * `consecutiveFailures` failures in a row, as Envoy's outlier detection ejects a host. The second
 * is what catches a hung subgraph: each caller waits a whole timeout, so a quiet gateway never
 * gathers the window's volume, and every request of the incident would wait.
 */
export function createSubgraphBreaker(
  name: string,
  config: BreakerConfig,
  metrics: Metrics = defaultMetrics,
  /** Which errors count against the breaker: by default the `SubgraphFailure`s of the remote data source. */
  counts: (error: unknown) => boolean = (error) => error instanceof SubgraphFailure,
): SubgraphBreaker {
  const breaker = new CircuitBreaker((attempt: Attempt<unknown>) => attempt(), {
    timeout: false,
    errorThresholdPercentage: config.errorThresholdPercent,
    volumeThreshold: config.volumeThreshold,
    resetTimeout: config.resetMs,
    rollingCountTimeout: config.windowMs,
    rollingCountBuckets: 10,
    name,
    errorFilter: (error: unknown) => !counts(error),
  });
  const gauge = (state: keyof typeof BREAKER_STATE_VALUE) => metrics.breakerState.set({ subgraph: name }, BREAKER_STATE_VALUE[state]);
  gauge('closed');
  breaker.on('open', () => gauge('open'));
  breaker.on('halfOpen', () => gauge('halfOpen'));
  breaker.on('close', () => gauge('closed'));
  let inARow = 0;
  return {
    async fire<T>(attempt: Attempt<T>): Promise<T> {
      try {
        const result = (await breaker.fire(attempt)) as T;
        inARow = 0;
        return result;
      } catch (error) {
        if ((error as { code?: string }).code === 'EOPENBREAKER') throw new BreakerOpenError(`The circuit of "${name}" is open.`);
        if (counts(error)) {
          // Half-open, opossum reopens on the failed probe itself; closed, the run decides.
          if (++inARow >= config.consecutiveFailures && !breaker.opened && !breaker.halfOpen) breaker.open();
        } else {
          inARow = 0;
        }
        throw error;
      }
    },
    get state() {
      return breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed';
    },
    shutdown() {
      breaker.shutdown();
    },
  };
}
