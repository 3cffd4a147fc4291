import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, startSuite, type RunningSuite, type Suite } from './harness.js';

const ids = ['1', '2', '3'];
const subgraph = (name: string, directive: string) => ({
  name,
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])
    ${name === 'old' ? 'type Query { things: [Thing!]! }' : ''}
    type Thing @key(fields: "id") { id: ID! servedBy: String! ${directive} }
  `,
  resolvers: {
    ...(name === 'old' ? { Query: { things: () => ids.map((id) => ({ id })) } } : {}),
    Thing: { __resolveReference: ({ id }: { id: string }) => ({ id }), servedBy: () => name },
  },
});

const suite: Suite = {
  name: 'percent(50)',
  subgraphs: [subgraph('old', ''), subgraph('new', '@override(from: "old", label: "percent(50)")')],
  cases: [],
};

describe('progressive @override at percent(50)', () => {
  let running: RunningSuite;
  beforeAll(async () => {
    running = await startSuite(suite);
  });
  afterAll(async () => {
    await running?.stop();
  });

  it('draws per request: some requests go to the new subgraph, some to the old, never both in one answer', async () => {
    const servedBy = new Set<string>();
    // 64 draws: the chance that all land on one side is 2^-63.
    for (let i = 0; i < 64; i++) {
      const answer = await ask(running.tesseraUrl, { query: '{ things { id servedBy } }' });
      expect(answer.body.errors).toBeUndefined();
      const things = (answer.body.data as { things: { id: string; servedBy: string }[] }).things;
      expect(things.map((t) => t.id)).toEqual(ids);
      const sides = new Set(things.map((t) => t.servedBy));
      expect(sides.size).toBe(1);
      servedBy.add([...sides][0]!);
    }
    expect([...servedBy].sort()).toEqual(['new', 'old']);
  });
});
