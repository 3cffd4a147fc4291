import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, send, useStack } from './harness.js';

const body = JSON.stringify({ query: '{ user(id: "1") { name } }' });

/**
 * Apollo Server's CSRF prevention: a request a browser could send cross-site without a preflight
 * (a "simple" content type, or a GET without a content type or preflight header) → 400 BAD_REQUEST.
 */
describe('bad input: CSRF-suspect requests', () => {
  const stack = useStack();

  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    it(`POST with ${contentType.split(';')[0]} and no preflight header → 400 BAD_REQUEST`, async () => {
      expectRefused(await send(stack(), { method: 'POST', headers: { 'content-type': contentType }, body }), 400, 'BAD_REQUEST');
    });
  }

  it('GET without a content type or preflight header → 400 BAD_REQUEST', async () => {
    const answer = await send(stack(), { search: `?query=${encodeURIComponent('{ __typename }')}` });
    expectRefused(answer, 400, 'BAD_REQUEST');
  });

  it('the same GET with apollo-require-preflight is served', async () => {
    const answer = await send(stack(), { search: `?query=${encodeURIComponent('{ __typename }')}`, headers: { 'apollo-require-preflight': 'true' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('keeps serving', () => expectStillServing(stack()));
});
