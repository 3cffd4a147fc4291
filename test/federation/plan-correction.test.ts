import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../src/observability/metrics.js';
import { ask, expectAnswer, startSuite, type RunningSuite } from './harness.js';
import { requiresSuite } from './suites/requires.js';

const TWO_REQUIRES = requiresSuite.cases.find((c) => c.name === 'two @requires of the same field with different arguments')!;

const corrections = async (outcome: string) =>
  (await metrics.queryPlanCorrections.get()).values.find((v) => v.labels.reason === 'requires-arguments' && v.labels.outcome === outcome)?.value ?? 0;

describe("plans Apollo's planner gets wrong are planned again by Hive's", () => {
  let on: RunningSuite;
  let off: RunningSuite;

  beforeAll(async () => {
    [on, off] = await Promise.all([
      startSuite(requiresSuite),
      startSuite({ ...requiresSuite, tesseraEnv: { QUERY_PLAN_CORRECTION: 'false' } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([on?.stop(), off?.stop()]);
  });

  it('counts each corrected plan once: the corrected plan is the one cached', async () => {
    const before = await corrections('replanned');
    for (let i = 0; i < 3; i++) expectAnswer(await ask(on.tesseraUrl, TWO_REQUIRES), TWO_REQUIRES.expected);
    expect(await corrections('replanned')).toBe(before + 1);
    expect(await corrections('kept')).toBe(0);
  });

  it('QUERY_PLAN_CORRECTION=false runs Apollo\'s plan as it is, and answers as stock Apollo does', async () => {
    const [tessera, stock] = await Promise.all([ask(off.tesseraUrl, TWO_REQUIRES), ask(off.stockUrl, TWO_REQUIRES)]);
    expect(tessera.body).toEqual(stock.body);
    expect(tessera.body.data).not.toEqual(TWO_REQUIRES.expected.data);
  });
});
