import '../../src/gateway/noTelemetry.js';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { metrics } from '../../src/observability/metrics.js';
import { receivedOperations, refusals, startFederationFixture, type FederationFixture } from '../fixtures/federation/index.js';
import { freePort } from '../helpers/processes.js';
import { postGraphQL, startStack, type Stack } from '../helpers/stack.js';
import { supergraphOf } from '../helpers/supergraph.js';
import { appServing, supergraphFiles } from '../helpers/supergraphApp.js';

/**
 * Fetch merging (src/gateway/execution/fetchMerging.ts) over real subgraph servers: each operation
 * is answered by stock Apollo Gateway, by Tessera with merging off, and by Tessera with merging on;
 * the three answers must be equal (data, and each error's message, path and code), while the merged
 * Tessera sends fewer requests to the subgraph.
 */

interface Answer {
  data?: unknown;
  errors?: { message: string; path?: unknown[]; extensions?: { code?: unknown } }[];
}

const shape = (answer: Answer) => ({
  data: answer.data,
  // A merged request's errors come back in the subgraph's order: compared as a set.
  errors: answer.errors?.map(({ message, path, extensions }) => JSON.stringify({ message, path, code: extensions?.code })).sort(),
});

async function ask(url: string, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

const sumOf = async (stage: 'planned' | 'merged'): Promise<number> =>
  (await metrics.queryPlanFetches.get()).values.find((v) => v.metricName === 'tessera_query_plan_fetches_sum' && v.labels.stage === stage)?.value ?? 0;

describe('fetch merging, remote subgraphs', () => {
  let fixture: FederationFixture;
  let removeFiles: (() => Promise<void>) | undefined;
  let stock: { server: ApolloServer; url: string };
  let merged: App;
  let unmerged: App;
  let reviewsDown: { merged: App; unmerged: App };

  beforeAll(async () => {
    fixture = await startFederationFixture();
    const supergraphSdl = supergraphOf(fixture.subgraphs);
    // reviews at a port nothing listens on: a subgraph that is down.
    const dead = `http://127.0.0.1:${await freePort()}/graphql`;
    const { files, remove } = await supergraphFiles({
      up: supergraphSdl,
      reviewsDown: supergraphOf(fixture.subgraphs.map((s) => (s.name === 'reviews' ? { ...s, url: dead } : s))),
    });
    removeFiles = remove;

    const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    stock = { server, url: (await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } })).url };

    const app = (file: string, merging: boolean) => appServing(file, { RETRY_MAX_ATTEMPTS: '0', FETCH_MERGING: String(merging) });
    merged = app(files.up, true);
    unmerged = app(files.up, false);
    reviewsDown = { merged: app(files.reviewsDown, true), unmerged: app(files.reviewsDown, false) };
    await Promise.all([merged, unmerged, reviewsDown.merged, reviewsDown.unmerged].map((a) => a.start()));
  });

  afterAll(async () => {
    refusals.fields.clear();
    await Promise.all([merged, unmerged, reviewsDown?.merged, reviewsDown?.unmerged].map((a) => a?.stop()));
    await stock?.server.stop();
    await fixture?.close();
    await removeFiles?.();
  });

  beforeEach(() => {
    refusals.fields.clear();
    receivedOperations.clear();
  });

  /**
   * Asks all three and checks the answers are equal; returns the merged Tessera's answer, how many
   * requests Tessera sent to a subgraph with merging off, and the requests it sent with merging on.
   */
  async function compare(query: string, variables?: Record<string, unknown>) {
    const reference = await ask(stock.url, query, variables);
    receivedOperations.clear();
    const plain = await ask(`${unmerged.url}/graphql`, query, variables);
    const plainLog = new Map(receivedOperations);
    receivedOperations.clear();
    const answer = await ask(`${merged.url}/graphql`, query, variables);
    const mergedLog = new Map(receivedOperations);
    expect(shape(plain)).toEqual(shape(reference));
    expect(shape(answer)).toEqual(shape(reference));
    return { answer, planned: (subgraph: string) => plainLog.get(subgraph)?.length ?? 0, sent: (subgraph: string) => mergedLog.get(subgraph) ?? [] };
  }

  it('sends entity fetches at two paths as one request, each under its own alias and representations variable', async () => {
    const query = '{ me { name reviews { body rating } } user(id: "u2") { name reviews { body } } }';
    const { answer, planned, sent } = await compare(query);
    expect((answer.data as { me: { reviews: unknown[] } }).me.reviews.length).toBeGreaterThan(0);
    expect(planned('reviews')).toBe(2);
    expect(sent('reviews')).toHaveLength(1);
    const [request] = sent('reviews');
    expect(request!.query).toMatch(/_e0: _entities\(representations: \$r0\)/);
    expect(request!.query).toMatch(/_e1: _entities\(representations: \$r1\)/);
    expect(request!.variables).toEqual({ r0: [{ __typename: 'User', id: 'u1' }], r1: [{ __typename: 'User', id: 'u2' }] });
  });

  it('moves a lone root fetch to run beside the same subgraph\'s entity fetch, and keeps its fields apart', async () => {
    const query = '{ me { reviews { body } } reviews { id rating } }';
    const { answer, planned, sent } = await compare(query);
    expect((answer.data as { reviews: unknown[] }).reviews.length).toBeGreaterThan(0);
    expect(planned('reviews')).toBe(2);
    expect(sent('reviews')).toHaveLength(1);
    expect(sent('reviews')[0]!.query).toMatch(/_e0: _entities[\s\S]*\breviews \{\s*id\s+rating/);
  });

  it('sends the same level of sibling branches as one request per subgraph', async () => {
    const query = '{ a: user(id: "u1") { reviews { body product { name price } } } b: user(id: "u2") { reviews { product { name } } } }';
    const { answer, planned, sent } = await compare(query);
    expect((answer.data as { a: { reviews: unknown[] } }).a.reviews.length).toBeGreaterThan(0);
    expect([planned('reviews'), planned('catalog')]).toEqual([2, 2]);
    expect([sent('reviews').length, sent('catalog').length]).toEqual([1, 1]);
  });

  it("maps a merged request's errors back to each fetch's paths", async () => {
    refusals.fields.add('Review.body');
    const query = '{ me { reviews { body rating } } user(id: "u2") { reviews { body } } reviews { id body } }';
    const { answer, sent } = await compare(query);
    expect(sent('reviews')).toHaveLength(1);
    const paths = answer.errors?.map((e) => e.path?.join('.')) ?? [];
    expect(paths).toContain('me.reviews.0.body');
    expect(paths).toContain('user.reviews.0.body');
    expect(paths).toContain('reviews.0.body');
    expect(answer.errors?.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
  });

  it('sends a fetch alone, as planned, when the other has nothing to fetch', async () => {
    const query = '{ me { reviews { body } } user(id: "nobody") { reviews { body } } }';
    const { sent } = await compare(query);
    expect(sent('reviews')).toHaveLength(1);
    expect(sent('reviews')[0]!.query).not.toContain('_e0');
    expect(sent('reviews')[0]!.variables).toHaveProperty('representations');
  });

  it('merges across @include, whichever way the condition goes', async () => {
    const query = 'query ($all: Boolean!) { me { reviews { body } } user(id: "u2") @include(if: $all) { reviews { body } } }';
    const on = await compare(query, { all: true });
    expect(on.planned('reviews')).toBe(2);
    expect(on.sent('reviews')).toHaveLength(1);
    expect(on.sent('reviews')[0]!.query).toContain('_e1');
    // The condition is false: the other fetch goes alone, as planned.
    const off = await compare(query, { all: false });
    expect(off.sent('reviews')).toHaveLength(1);
    expect(off.sent('reviews')[0]!.query).not.toContain('_e0');
    expect((off.answer.data as Record<string, unknown>).user).toBeUndefined();
  });

  it('counts the plan\'s subgraph requests before and after merging', async () => {
    const [planned, sent] = [await sumOf('planned'), await sumOf('merged')];
    await ask(`${merged.url}/graphql`, '{ me { reviews { body } } user(id: "u2") { reviews { body } } }');
    expect((await sumOf('planned')) - planned).toBe(3);
    expect((await sumOf('merged')) - sent).toBe(2);
  });

  it('a merged request that fails fails each fetch at its own fields, as separate requests would', async () => {
    const entities = '{ me { name reviews { body } } user(id: "u2") { name reviews { body } } }';
    const withRoot = '{ me { name reviews { body } } user(id: "u2") { name reviews { body } } reviews { id } }';
    for (const [query, paths] of [[entities, ['me.reviews', 'user.reviews']], [withRoot, ['me.reviews', 'reviews', 'user.reviews']]] as const) {
      const plain = await ask(`${reviewsDown.unmerged.url}/graphql`, query);
      const answer = await ask(`${reviewsDown.merged.url}/graphql`, query);
      expect(shape(answer)).toEqual(shape(plain));
      expect(answer.errors?.map((e) => e.path?.join('.')).sort()).toEqual(paths);
      expect(answer.errors?.every((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);
    }
    // `User.reviews` is non-null: each user is null, the rest of the answer stands.
    expect((await ask(`${reviewsDown.merged.url}/graphql`, entities)).data).toEqual({ me: null, user: null });
  });

  it('never merges or reorders mutations', async () => {
    // Three root mutation fetches in sequence, two to accounts with reviews between them.
    const query = /* GraphQL */ `mutation {
      a: renameUser(id: "u3", name: "L1") { name }
      r: addReview(authorId: "u3", body: "between", rating: 3) { body }
      b: renameUser(id: "u3", name: "L2") { name }
    }`;
    const answer = await ask(`${merged.url}/graphql`, query);
    expect(answer.data).toEqual({ a: { name: 'L1' }, r: { body: 'between' }, b: { name: 'L2' } });
    const sent = (receivedOperations.get('accounts') ?? []).map((r) => r.query);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toContain('"L1"');
    expect(sent[1]).toContain('"L2"');
    expect(sent.some((q) => q.includes('_e0'))).toBe(false);
  });
});

describe('fetch merging, in-process subgraphs (the demo app)', () => {
  let on: Stack;
  let off: Stack;

  beforeAll(async () => {
    on = await startStack({ env: { JWT_SECRET } });
    off = await startStack({ mocks: on.mocks, env: { JWT_SECRET, FETCH_MERGING: 'false' } });
  });
  afterAll(async () => {
    await off?.close();
    await on?.close();
  });

  it('answers alike with the two catalog fetches sent as one', async () => {
    // recommendedProducts goes to catalog in parallel with orders; recentOrders' products go to catalog after it.
    const query = '{ dashboard(userId: "1") { user { name } recentOrders { id items { product { sku title } } } recommendedProducts { sku title price } } }';
    const headers = { authorization: `Bearer ${await devToken()}` };
    const plain = await postGraphQL(off.url, query, undefined, headers);
    const [planned, sent] = [await sumOf('planned'), await sumOf('merged')];
    const answer = await postGraphQL(on.url, query, undefined, headers);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body).toEqual(plain.body);
    expect((answer.body.data as { dashboard: { recommendedProducts: unknown[] } }).dashboard.recommendedProducts.length).toBeGreaterThan(0);
    expect((await sumOf('planned')) - planned).toBe(5);
    expect((await sumOf('merged')) - sent).toBe(4);
  });
});

const JWT_SECRET = 'fetch-merging-test-secret-of-32-bytes';
const devToken = (): Promise<string> => signDevToken({ secret: JWT_SECRET, sub: '1' });
