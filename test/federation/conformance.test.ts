import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../src/observability/metrics.js';
import { ask, expectAnswer, matches, startSuite, type RunningSuite, type Suite } from './harness.js';
import { SUITES } from './suites/index.js';

/**
 * Federation conformance: each suite's subgraphs are built with `@apollo/subgraph`, composed with
 * `@apollo/composition` and served over HTTP; each case is an operation with its correct answer.
 * Tessera must give that answer. Stock `@apollo/gateway`, over the same supergraph, is the
 * reference: it must give it too, except where a case records that it does not (`apolloWrong`),
 * and then its test checks that it still does not, so an upgrade that fixes it is noticed.
 * A case Tessera gets wrong today is a `test.fails` with the reason (`tesseraFails`).
 */
describe.each(SUITES)('federation conformance: $name', (suite: Suite) => {
  let running: RunningSuite;

  beforeAll(async () => {
    running = await startSuite(suite);
  });

  afterAll(async () => {
    await running?.stop();
  });

  for (const c of suite.cases) {
    const tessera = c.tesseraFails ? it.fails : it;
    tessera(`Tessera: ${c.name}`, async () => {
      suite.reset?.();
      expectAnswer(await ask(running.tesseraUrl, c), c.expected);
    });

    it(`stock @apollo/gateway: ${c.name}${c.apolloWrong ? ' (answers wrongly)' : ''}`, async () => {
      suite.reset?.();
      const answer = await ask(running.stockUrl, c);
      if (c.apolloWrong) expect(matches(answer, c.expected), JSON.stringify(answer.body)).toBe(false);
      else expectAnswer(answer, c.expected);
    });
  }
});

describe('federation conformance: plan correction', () => {
  // Runs after the suites above (one file, in order): every plan found wrong was planned again.
  it("no plan Apollo's planner got wrong was kept as it planned it", async () => {
    const outcomes = (await metrics.queryPlanCorrections.get()).values;
    expect(outcomes.filter((v) => v.labels.outcome === 'replanned').reduce((sum, v) => sum + v.value, 0)).toBeGreaterThan(0);
    expect(outcomes.filter((v) => v.labels.outcome === 'kept')).toEqual([]);
  });
});
