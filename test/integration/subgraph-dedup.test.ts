import '../../src/gateway/noTelemetry.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { signDevToken } from '../../src/auth/devToken.js';
import { metrics } from '../../src/observability/metrics.js';
import { postGraphQL } from '../helpers/stack.js';
import { supergraphOf } from '../helpers/supergraph.js';
import { appServing, supergraphFiles } from '../helpers/supergraphApp.js';

/**
 * In-flight deduplication of identical subgraph calls (src/gateway/subgraphCall/useInflightDedup.ts),
 * over a real subgraph that answers after a pause while the test counts its calls, so concurrent
 * client requests overlap at the subgraph.
 */

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  type Query {
    "Answers after a pause; names the viewer the gateway said it was for."
    slow(n: Int!): Slow!
  }

  type Mutation {
    bump: Int!
  }

  type Slow {
    n: Int!
    viewer: String
    items: [Int!]!
  }
`;

const PAUSE_MS = 300;
const SECRET = 'dedup-test-secret-of-at-least-32-bytes';

interface Slowpoke {
  readonly url: string;
  /** Calls received so far. */
  calls: number;
  /** The status of every answer (503: down). */
  status: number;
  close(): Promise<void>;
}

async function startSlowpoke(): Promise<Slowpoke> {
  let bumps = 0;
  const schema = buildSubgraphSchema({
    typeDefs: parse(SDL),
    resolvers: {
      Query: {
        slow: async (_: unknown, { n }: { n: number }, context: unknown) => {
          const { headers } = context as { headers: IncomingMessage['headers'] };
          await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
          return { n, viewer: headers['x-user-id'] ?? null, items: [1, 2, 3] };
        },
      },
      Mutation: { bump: () => ++bumps },
    },
  });
  const state = { calls: 0, status: 200 };
  const server: Server = createServer((req, res) => {
    void (async () => {
      state.calls++;
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (state.status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
        res.writeHead(state.status).end('down');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown> };
      const result = await execute({ schema, document: parse(body.query), variableValues: body.variables, contextValue: { headers: req.headers } });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as Slowpoke;
}

const deduplicated = async (): Promise<number> =>
  (await metrics.subgraphDeduplicated.get()).values.filter((v) => v.labels.subgraph === 'slowpoke').reduce((sum, v) => sum + v.value, 0);

describe('in-flight deduplication of subgraph calls', () => {
  let slowpoke: Slowpoke;
  let removeFiles: (() => Promise<void>) | undefined;
  let on: App;
  let off: App;

  beforeAll(async () => {
    slowpoke = await startSlowpoke();
    const { files, remove } = await supergraphFiles({ supergraph: supergraphOf([{ name: 'slowpoke', url: slowpoke.url, sdl: SDL }]) });
    removeFiles = remove;
    const app = (dedup: boolean) => appServing(files.supergraph, { RETRY_MAX_ATTEMPTS: '0', JWT_SECRET: SECRET, SUBGRAPH_DEDUPLICATION: String(dedup) });
    on = app(true);
    off = app(false);
    await Promise.all([on.start(), off.start()]);
  });

  afterAll(async () => {
    await on?.stop();
    await off?.stop();
    await slowpoke?.close();
    await removeFiles?.();
  });

  beforeEach(() => {
    slowpoke.calls = 0;
    slowpoke.status = 200;
  });

  const QUERY = 'query ($n: Int!) { slow(n: $n) { n viewer items } }';
  const many = (app: App, count: number, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
    Promise.all(Array.from({ length: count }, () => postGraphQL(app.url, QUERY, variables, headers)));

  it('sends identical concurrent queries once, and every client gets the whole answer', async () => {
    const before = await deduplicated();
    const answers = await many(on, 10, { n: 1 });
    expect(slowpoke.calls).toBe(1);
    for (const answer of answers) expect(answer.body).toEqual({ data: { slow: { n: 1, viewer: null, items: [1, 2, 3] } } });
    expect((await deduplicated()) - before).toBe(9);
  });

  it('sends each call when turned off', async () => {
    await many(off, 5, { n: 1 });
    expect(slowpoke.calls).toBe(5);
  });

  it('never shares a call between different variables', async () => {
    const [ones, twos] = await Promise.all([many(on, 4, { n: 1 }), many(on, 4, { n: 2 })]);
    expect(slowpoke.calls).toBe(2);
    expect(ones.map((a) => a.body.data.slow.n)).toEqual([1, 1, 1, 1]);
    expect(twos.map((a) => a.body.data.slow.n)).toEqual([2, 2, 2, 2]);
  });

  it("never gives one viewer another viewer's answer", async () => {
    const as = async (sub: string) => ({ authorization: `Bearer ${await signDevToken({ secret: SECRET, sub })}` });
    const [ada, bob, anonymous] = await Promise.all([many(on, 4, { n: 3 }, await as('ada')), many(on, 4, { n: 3 }, await as('bob')), many(on, 4, { n: 3 })]);
    expect(slowpoke.calls).toBe(3);
    expect(ada.map((a) => a.body.data.slow.viewer)).toEqual(['ada', 'ada', 'ada', 'ada']);
    expect(bob.map((a) => a.body.data.slow.viewer)).toEqual(['bob', 'bob', 'bob', 'bob']);
    expect(anonymous.map((a) => a.body.data.slow.viewer)).toEqual([null, null, null, null]);
  });

  it('never shares a mutation', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => postGraphQL(on.url, 'mutation { bump }')));
    expect(slowpoke.calls).toBe(5);
    expect(new Set(answers.map((a) => a.body.data.bump)).size).toBe(5);
  });

  it("shares a failure: each waiting request gets the subgraph's error, and the next call is made anew", async () => {
    slowpoke.status = 503;
    const answers = await many(on, 5, { n: 4 });
    expect(slowpoke.calls).toBe(1);
    for (const answer of answers) {
      expect(answer.body.data).toBeNull();
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    }
    slowpoke.status = 200;
    const after = await postGraphQL(on.url, QUERY, { n: 4 });
    expect(after.body.data.slow.n).toBe(4);
    expect(slowpoke.calls).toBe(2);
  });
});
