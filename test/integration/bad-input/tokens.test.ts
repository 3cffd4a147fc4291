import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

describe('bad input: token flood', () => {
  const stack = useStack({ MAX_TOKENS: '1000' });

  it('a document over MAX_TOKENS → 400 OPERATION_LIMIT_EXCEEDED (tokens); parsing stops there', async () => {
    const before = serviceCalls(stack());
    const query = `{ user(id: "1") { ${'name '.repeat(20_000)} } }`;
    const answer = await post(stack(), { query });
    expectRefused(answer, 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(answer.body.errors?.[0]?.extensions?.limit).toBe('tokens');
    expect(serviceCalls(stack())).toBe(before);
  });

  it('a syntax error that is not a flood keeps its own code (400 GRAPHQL_PARSE_FAILED)', async () => {
    expectRefused(await post(stack(), { query: '{ user(id: "1") { name ' }), 400, 'GRAPHQL_PARSE_FAILED');
  });

  it('a document under the limit is served', async () => {
    const answer = await post(stack(), { query: `{ user(id: "1") { ${'name '.repeat(100)} } }` });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { user: { name: 'Ada Lovelace' } } });
  });

  it('keeps serving', () => expectStillServing(stack()));
});
