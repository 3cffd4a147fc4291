import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { parse } from 'graphql';
import { rule } from 'graphql-shield';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../src/observability/metrics.js';
import { boundedCache } from '../../src/cache/boundedCache.js';
import { SupergraphManager } from '../../src/composition/supergraphManager.js';
import { TesseraGateway } from '../../src/gateway/tesseraGateway.js';
import { policyError } from '../../src/policy/rules.js';
import { supergraphOf } from '../helpers/supergraph.js';
import { receivedOperations } from '../fixtures/federation/serve.js';
import { ask, expectAnswer, operationsSentTo, serveSuiteSubgraphs, startSuite, type RunningSuite } from './harness.js';
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

describe("a corrected plan on Apollo's executor", () => {
  it('answers rightly when a request asks for usage traces, which only Apollo\'s executor builds', async () => {
    const served = await serveSuiteSubgraphs(requiresSuite);
    const runs: string[] = [];
    const gateway = new TesseraGateway({
      source: new SupergraphManager(async () => supergraphOf(served.subgraphs)),
      buildService: ({ url }) => new RemoteGraphQLDataSource({ url }),
      planCache: () => boundedCache(8),
      onRun: (executor) => runs.push(executor),
    });
    try {
      const { executor } = await gateway.load();
      const request = {
        request: { query: TWO_REQUIRES.query, variables: {} },
        document: parse(TWO_REQUIRES.query),
        queryHash: 'two-requires',
        metrics: { captureTraces: true },
        context: {},
        logger: console,
      } as unknown as GatewayGraphQLRequestContext;
      const result = await executor!(request);
      expect(runs).toEqual(['apollo']);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual(TWO_REQUIRES.expected.data);
    } finally {
      await gateway.stop();
      await served.close();
    }
  });
});
