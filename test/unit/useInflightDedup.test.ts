import { describe, expect, it } from 'vitest';
import type { SubgraphAnswer, SubgraphCall } from '../../src/gateway/subgraphCall/call.js';
import { useInflightDedup } from '../../src/gateway/subgraphCall/useInflightDedup.js';
import { metrics } from '../../src/observability/metrics.js';

const call = (headers: Record<string, string> = {}, idempotent = true): SubgraphCall => ({
  subgraph: 'unit',
  request: { query: '{ a { b } }', variables: { n: 1 } },
  incoming: undefined,
  cachePolicy: undefined,
  context: undefined,
  idempotent,
  headers,
});

/** A transport that answers when told to, counting its calls. */
function held() {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const text = '{"data":{"a":{"b":[1,2]}}}';
  const state = { calls: 0 };
  const next = async (): Promise<SubgraphAnswer> => {
    state.calls++;
    await gate;
    return { status: 200, headers: {}, body: JSON.parse(text), text };
  };
  return { next, state, release: () => release() };
}

describe('useInflightDedup', () => {
  it('makes one call for identical calls in flight, and gives each its own copy of the answer', async () => {
    const hook = useInflightDedup(metrics);
    const { next, state, release } = held();
    const pending = [hook(call({ 'x-request-id': 'r1' }), next), hook(call({ 'x-request-id': 'r2', traceparent: 't' }), next), hook(call(), next)];
    release();
    const answers = await Promise.all(pending);
    expect(state.calls).toBe(1);
    expect(answers.map((a) => a.body)).toEqual([{ data: { a: { b: [1, 2] } } }, { data: { a: { b: [1, 2] } } }, { data: { a: { b: [1, 2] } } }]);
    expect(answers[1]!.body).not.toBe(answers[0]!.body);
    expect(answers[2]!.body).not.toBe(answers[1]!.body);
  });

  it('calls again once the first call has settled: nothing is kept', async () => {
    const hook = useInflightDedup(metrics);
    const { next, state, release } = held();
    release();
    await hook(call(), next);
    await hook(call(), next);
    expect(state.calls).toBe(2);
  });

  it('keys on every other header, and never shares a call that is not idempotent', async () => {
    const hook = useInflightDedup(metrics);
    const { next, state, release } = held();
    const pending = [
      hook(call({ 'x-user-id': 'ada' }), next),
      hook(call({ 'x-user-id': 'bob' }), next),
      hook(call({ 'accept-language': 'fr' }), next),
      hook(call({}, false), next),
      hook(call({}, false), next),
    ];
    release();
    await Promise.all(pending);
    expect(state.calls).toBe(5);
  });

  it('copies an answer that came without its text by value', async () => {
    const hook = useInflightDedup(metrics);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const body = { data: { a: { b: [1] } } };
    const next = async (): Promise<SubgraphAnswer> => {
      await gate;
      return { status: 200, headers: {}, body };
    };
    const pending = [hook(call(), next), hook(call(), next)];
    release();
    const [first, second] = await Promise.all(pending);
    expect(first!.body).toBe(body);
    expect(second!.body).toEqual(body);
    expect(second!.body).not.toBe(body);
  });
});
