import { describe, expect, it } from 'vitest';
import { expectStillServing, GRAPHQL_RESPONSE, post, useStack } from './harness.js';

/**
 * GraphQL-over-HTTP manners. With `Accept: application/graphql-response+json` the answer uses that
 * media type and request errors get 4xx. With `application/json` (the legacy type) a well-formed
 * request that fails parsing or validation gets 200 with `errors`, as the spec recommends;
 * requests that are not well-formed (bad JSON, a missing query) stay 400.
 */
describe('GraphQL-over-HTTP media types', () => {
  const stack = useStack();
  const invalid = { query: '{ user(id: "1") { nope } }' };

  it('application/graphql-response+json: that media type, 400 for a validation error', async () => {
    const answer = await post(stack(), invalid, { accept: GRAPHQL_RESPONSE });
    expect(answer.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.body).not.toHaveProperty('data');
  });

  it('application/json: application/json, 200 with errors for a validation error', async () => {
    const answer = await post(stack(), invalid, { accept: 'application/json' });
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.status).toBe(200);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('application/json: a request that is not well-formed stays 400', async () => {
    const answer = await post(stack(), { variables: {} }, { accept: 'application/json' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('both: a successful answer is 200 in the requested media type', async () => {
    for (const accept of [GRAPHQL_RESPONSE, 'application/json']) {
      const answer = await post(stack(), { query: '{ user(id: "1") { name } }' }, { accept });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')?.split(';')[0]).toBe(accept);
      expect(answer.body).toEqual({ data: { user: { name: 'Ada Lovelace' } } });
    }
  });

  it('keeps serving', () => expectStillServing(stack()));
});
