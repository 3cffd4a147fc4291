import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, GRAPHQL_RESPONSE, send, useStack } from './harness.js';

const q = (query: string) => `?query=${encodeURIComponent(query)}`;

describe('bad input: HTTP methods', () => {
  const stack = useStack();

  it('a mutation over GET → 405 METHOD_NOT_ALLOWED with Allow: POST', async () => {
    const answer = await send(stack(), {
      search: q('mutation { createOrder(input: { userId: "1", items: [] }) { id } }'),
      headers: { accept: GRAPHQL_RESPONSE, 'apollo-require-preflight': 'true' },
    });
    expectRefused(answer, 405, 'METHOD_NOT_ALLOWED');
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it('a query over GET is served', async () => {
    const answer = await send(stack(), { search: q('{ user(id: "1") { name } }'), headers: { 'apollo-require-preflight': 'true' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { user: { name: 'Ada Lovelace' } } });
  });

  it('PUT and DELETE → 405 METHOD_NOT_ALLOWED with Allow: GET, POST', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const answer = await send(stack(), { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expectRefused(answer, 405, 'METHOD_NOT_ALLOWED');
      expect(answer.headers.get('allow')).toBe('GET, POST');
    }
  });

  it('keeps serving', () => expectStillServing(stack()));
});
