import { describe, expect, it } from 'vitest';
import { BreakerOpenError, createSubgraphBreaker, SubgraphFailure } from '../../src/gateway/circuitBreaker.js';
import { backoffMs, isRetryableCode, isRetryableStatus, RetryBudget } from '../../src/gateway/retry.js';
import { createMetrics } from '../../src/observability/metrics.js';

const config = { errorThresholdPercent: 50, volumeThreshold: 3, resetMs: 200, windowMs: 10_000, consecutiveFailures: 100 };
const fail = () => Promise.reject(new SubgraphFailure('refused', 'refused', 'ECONNREFUSED'));
const gaugeOf = async (metrics: ReturnType<typeof createMetrics>, subgraph: string) =>
  (await metrics.breakerState.get()).values.find((v) => v.labels.subgraph === subgraph)?.value;

describe('subgraph circuit breaker', () => {
  it('opens after the volume threshold of failures and then rejects without running the attempt', async () => {
    const metrics = createMetrics();
    const breaker = createSubgraphBreaker('a', config, metrics);
    try {
      for (let i = 0; i < 3; i++) await expect(breaker.fire(fail)).rejects.toBeInstanceOf(SubgraphFailure);
      expect(breaker.state).toBe('open');
      expect(await gaugeOf(metrics, 'a')).toBe(2);
      let ran = false;
      await expect(breaker.fire(async () => (ran = true))).rejects.toBeInstanceOf(BreakerOpenError);
      expect(ran).toBe(false);
    } finally {
      breaker.shutdown();
    }
  });

  it('half-opens after the reset timeout and one successful probe closes it', async () => {
    const metrics = createMetrics();
    const breaker = createSubgraphBreaker('b', config, metrics);
    try {
      for (let i = 0; i < 3; i++) await breaker.fire(fail).catch(() => {});
      expect(breaker.state).toBe('open');
      await new Promise((r) => setTimeout(r, 300));
      expect(breaker.state).toBe('halfOpen');
      expect(await gaugeOf(metrics, 'b')).toBe(1);
      // Only one probe while half-open: a second concurrent call fails fast.
      let release!: () => void;
      const probe = breaker.fire(() => new Promise<string>((resolve) => (release = () => resolve('ok'))));
      await expect(breaker.fire(async () => 'second')).rejects.toBeInstanceOf(BreakerOpenError);
      release();
      await expect(probe).resolves.toBe('ok');
      expect(breaker.state).toBe('closed');
      expect(await gaugeOf(metrics, 'b')).toBe(0);
    } finally {
      breaker.shutdown();
    }
  });

  it('opens on failures in a row below the volume threshold (a hung subgraph: few callers, each waiting a timeout)', async () => {
    const quiet = { ...config, volumeThreshold: 1_000, consecutiveFailures: 3 };
    const timeout = () => Promise.reject(new SubgraphFailure('timeout', 'did not answer within 3000 ms'));
    const breaker = createSubgraphBreaker('d', quiet, createMetrics());
    try {
      // A success in between starts the run again.
      for (const attempt of [timeout, timeout, async () => 'ok', timeout, timeout]) await breaker.fire(attempt).catch(() => {});
      expect(breaker.state).toBe('closed');
      await breaker.fire(timeout).catch(() => {});
      expect(breaker.state).toBe('open');
      await expect(breaker.fire(async () => 'not run')).rejects.toBeInstanceOf(BreakerOpenError);
      // A failed probe opens it again at once; a successful one closes it and clears the run.
      await new Promise((r) => setTimeout(r, 300));
      await breaker.fire(timeout).catch(() => {});
      expect(breaker.state).toBe('open');
      await new Promise((r) => setTimeout(r, 300));
      await expect(breaker.fire(async () => 'probe')).resolves.toBe('probe');
      expect(breaker.state).toBe('closed');
      await breaker.fire(timeout).catch(() => {});
      expect(breaker.state).toBe('closed');
    } finally {
      breaker.shutdown();
    }
  });

  it('does not count errors that are not subgraph failures (e.g. GraphQL errors in a 200)', async () => {
    const breaker = createSubgraphBreaker('c', config, createMetrics());
    try {
      for (let i = 0; i < 5; i++) await breaker.fire(() => Promise.reject(new Error('not a transport failure'))).catch(() => {});
      expect(breaker.state).toBe('closed');
    } finally {
      breaker.shutdown();
    }
  });
});

describe('retry policy', () => {
  it('retries connection errors and 502/503/504 only', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']) expect(isRetryableCode(code)).toBe(true);
    expect(isRetryableCode('ENOTFOUND')).toBe(false);
    expect(isRetryableCode(undefined)).toBe(false);
    expect([502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([500, 501, 400, 429].some(isRetryableStatus)).toBe(false);
  });

  it('backs off exponentially with jitter between half and all of the ceiling', () => {
    expect(backoffMs(1, 100, () => 0)).toBe(50);
    expect(backoffMs(1, 100, () => 1)).toBe(100);
    expect(backoffMs(3, 100, () => 0)).toBe(200);
    expect(backoffMs(3, 100, () => 1)).toBe(400);
  });

  it('the budget caps retries at a share of requests over a sliding window', () => {
    let now = 0;
    const budget = new RetryBudget(0.2, 10_000, 3, () => now);
    // The floor: a quiet gateway may still retry a few times.
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true, false]);
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let granted = 0;
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(17); // 20% of 100 requests, 3 already spent
    // Once the window has slid past, the spent retries no longer count.
    now = 11_000;
    expect(budget.tryRetry()).toBe(true);
  });
});
