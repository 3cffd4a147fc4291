import { describe, expect, it } from 'vitest';
import { BreakerOpenError, SubgraphFailure } from '../../src/gateway/circuitBreaker.js';
import { RetryBudget } from '../../src/gateway/retry.js';
import { chain, type SubgraphAnswer, type SubgraphCall, type SubgraphHook } from '../../src/gateway/subgraphCall/call.js';
import { useFailureErrors } from '../../src/gateway/subgraphCall/useFailureErrors.js';
import { useGraphQLAnswer } from '../../src/gateway/subgraphCall/useGraphQLAnswer.js';
import { useMetrics } from '../../src/gateway/subgraphCall/useMetrics.js';
import { useRetry } from '../../src/gateway/subgraphCall/useRetry.js';
import { useTimeout } from '../../src/gateway/subgraphCall/useTimeout.js';
import { createMetrics } from '../../src/observability/metrics.js';

const call = (idempotent = true): SubgraphCall => ({ subgraph: 'svc', request: { query: '{ a }' }, incoming: undefined, cachePolicy: undefined, context: undefined, idempotent, headers: {} });
const ok: SubgraphAnswer = { status: 200, headers: {}, body: { data: { a: 1 } } };
const refused = () => new SubgraphFailure('refused', 'could not be reached (ECONNREFUSED)', 'ECONNREFUSED');
const noRetryBudget = () => new RetryBudget(1, 10_000, 100);

describe('the hook chain', () => {
  it('runs hooks first outermost, each seeing what the ones below answered', async () => {
    const seen: string[] = [];
    const tag =
      (name: string): SubgraphHook =>
      async (c, next) => {
        seen.push(`${name} in`);
        const answer = await next(c);
        seen.push(`${name} out`);
        return answer;
      };
    const send = chain([tag('a'), tag('b')], async () => {
      seen.push('transport');
      return ok;
    });
    expect(await send(call())).toBe(ok);
    expect(seen).toEqual(['a in', 'b in', 'transport', 'b out', 'a out']);
  });

  it('lets a hook answer without calling on, or call on more than once', async () => {
    let sent = 0;
    const transport = async () => (sent++, ok);
    const cached: SubgraphAnswer = { status: 200, headers: {}, body: { data: { a: 'cached' } } };
    expect(await chain([async () => cached], transport)(call())).toBe(cached);
    expect(sent).toBe(0);
    await chain([async (c, next) => (await next(c), next(c))], transport)(call());
    expect(sent).toBe(2);
  });
});

describe('retry', () => {
  const metrics = createMetrics();
  const failing = (failures: Error[]) => {
    let attempts = 0;
    const send = async () => {
      const failure = failures[attempts++];
      if (failure) throw failure;
      return ok;
    };
    return { send, attempts: () => attempts };
  };

  it('repeats an idempotent call after a connection error, up to the attempts allowed', async () => {
    const t = failing([refused(), refused()]);
    expect(await chain([useRetry({ maxAttempts: 2, baseMs: 1, budget: noRetryBudget() }, metrics)], t.send)(call())).toBe(ok);
    expect(t.attempts()).toBe(3);
    const u = failing([refused(), refused(), refused()]);
    await expect(chain([useRetry({ maxAttempts: 2, baseMs: 1, budget: noRetryBudget() }, metrics)], u.send)(call())).rejects.toBeInstanceOf(SubgraphFailure);
    expect(u.attempts()).toBe(3);
  });

  it('never repeats a mutation, an open breaker, a 500 or a timeout', async () => {
    const cases: [Error, boolean][] = [
      [refused(), false],
      [new BreakerOpenError('open'), true],
      [new SubgraphFailure('http_5xx', 'answered HTTP 500', undefined, 500), true],
      [new SubgraphFailure('timeout', 'did not answer within 10 ms'), true],
    ];
    for (const [failure, idempotent] of cases) {
      const t = failing([failure]);
      await expect(chain([useRetry({ maxAttempts: 2, baseMs: 1, budget: noRetryBudget() }, metrics)], t.send)(call(idempotent))).rejects.toBe(failure);
      expect(t.attempts()).toBe(1);
    }
  });
});

describe('timeout', () => {
  it('ends an attempt at its deadline and names it a timeout', async () => {
    const hung = (c: SubgraphCall) =>
      new Promise<SubgraphAnswer>((_resolve, reject) => c.signal!.addEventListener('abort', () => reject(refused())));
    await expect(chain([useTimeout(20)], hung)(call())).rejects.toMatchObject({ reason: 'timeout', detail: 'did not answer within 20 ms' });
  });

  it('gives each attempt its own signal', async () => {
    const signals: AbortSignal[] = [];
    const send = chain([async (c, next) => (await next(c), next(c)), useTimeout(1_000)], async (c) => (signals.push(c.signal!), ok));
    await send(call());
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
  });
});

describe('answers and failures as the client sees them', () => {
  const send = (answerOrFailure: SubgraphAnswer | Error) =>
    chain([useGraphQLAnswer(), useFailureErrors(3_000)], async () => {
      if (answerOrFailure instanceof Error) throw answerOrFailure;
      return answerOrFailure;
    })(call());

  it('names the subgraph and the reason in extensions.code', async () => {
    await expect(send(new SubgraphFailure('timeout', 'did not answer within 3000 ms'))).rejects.toMatchObject({
      message: 'Subgraph "svc" did not answer within 3000 ms.',
      extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'svc', timeoutMs: 3_000 },
    });
    await expect(send(refused())).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'svc' } });
    await expect(send(new BreakerOpenError('open'))).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', breaker: 'open' } });
  });

  it("passes on a 5xx's GraphQL response, and refuses one that is not", async () => {
    const graphql: SubgraphAnswer = { status: 500, headers: {}, body: { errors: [{ message: 'boom' }] } };
    expect(await send(new SubgraphFailure('http_5xx', 'answered HTTP 500', undefined, 500, graphql))).toBe(graphql);
    const page: SubgraphAnswer = { status: 502, headers: {}, body: undefined };
    await expect(send(new SubgraphFailure('http_5xx', 'answered HTTP 502', undefined, 502, page))).rejects.toMatchObject({
      message: 'Subgraph "svc" answered HTTP 502.',
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', status: 502 },
    });
    await expect(send({ status: 200, headers: {}, body: { hello: 1 } })).rejects.toMatchObject({ message: 'Subgraph "svc" answered with a body that is not a GraphQL response.' });
  });
});

describe('metrics', () => {
  it('time and count every attempt by outcome', async () => {
    const metrics = createMetrics();
    let attempts = 0;
    const send = chain([useRetry({ maxAttempts: 2, baseMs: 1, budget: noRetryBudget() }, metrics), useMetrics(metrics)], async () => {
      if (attempts++ < 2) throw refused();
      return ok;
    });
    await send(call());
    const durations = (await metrics.subgraphFetchDuration.get()).values.filter((v) => v.metricName?.endsWith('_count'));
    expect(Object.fromEntries(durations.map((v) => [v.labels.outcome, v.value]))).toEqual({ refused: 2, ok: 1 });
    expect((await metrics.subgraphErrors.get()).values.map((v) => [v.labels.reason, v.value])).toEqual([['refused', 2]]);
    expect((await metrics.subgraphRetries.get()).values.map((v) => v.value)).toEqual([2]);
  });
});
