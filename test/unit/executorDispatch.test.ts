import { describe, expect, it } from 'vitest';
import { dispatchExecutor, type Execute } from '../../src/gateway/execution/install.js';

class Ours {}
class Theirs {}

describe('dispatchExecutor', () => {
  const calls: string[] = [];
  const apollo: Execute = async () => calls.push('apollo');
  const ours: Execute = async () => calls.push('ours');
  const runs: string[] = [];
  const dispatch = dispatchExecutor(apollo, ours, (source) => source instanceof Ours, (executor) => runs.push(executor));

  it('sends plans over Tessera data sources to Tessera, any other gateway to Apollo', async () => {
    calls.length = 0;
    await dispatch({}, { a: new Theirs(), b: new Ours() }, {});
    await dispatch({}, { a: new Theirs() }, {});
    await dispatch({}, {}, {});
    expect(calls).toEqual(['ours', 'apollo', 'apollo']);
    // Only Tessera's own plans are counted.
    expect(runs.splice(0)).toEqual(['tessera']);
  });

  it('leaves requests that want usage-reporting traces to Apollo', async () => {
    calls.length = 0;
    const serviceMap = { a: new Ours() };
    await dispatch({}, serviceMap, { metrics: { captureTraces: true } });
    await dispatch({}, serviceMap, { metrics: { captureTraces: false } });
    expect(calls).toEqual(['apollo', 'ours']);
    expect(runs.splice(0)).toEqual(['apollo', 'tessera']);
  });
});
