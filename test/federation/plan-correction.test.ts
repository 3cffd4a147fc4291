import { rule } from 'graphql-shield';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../src/observability/metrics.js';
import { policyError } from '../../src/policy/rules.js';
import { receivedOperations } from '../fixtures/federation/serve.js';
import { ask, expectAnswer, operationsSentTo, startSuite, type RunningSuite } from './harness.js';
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

describe('plan correction after the edge policy', () => {
  let guarded: RunningSuite;
  // An app that owns the suite's subgraphs and denies the comments a client asks for.
  const denied = rule('deniedComments', { cache: 'contextual' })(() => policyError('FORBIDDEN', 'Denied by policy.'));

  beforeAll(async () => {
    const owns = { remote: requiresSuite.subgraphs.map((s) => s.name) };
    guarded = await startSuite(requiresSuite, { app: { owns, rules: { Post: { comments: denied } } } });
  });

  afterAll(async () => {
    await guarded?.stop();
  });

  it("plans the operation as the policy left it: a denied field is not fetched by Hive's plan either", async () => {
    receivedOperations.clear();
    const answer = await ask(guarded.tesseraUrl, { query: '{ posts { id recentCommenters comments(limit: 2) { id } } }' });
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    const sent = operationsSentTo(requiresSuite, 'discussion');
    // The requirement is fetched (limit: 3, the gateway's own need); the client's denied selection is not.
    expect(sent.join('\n')).toContain('limit: 3');
    expect(sent.join('\n')).not.toContain('limit: 2');
  });
});
