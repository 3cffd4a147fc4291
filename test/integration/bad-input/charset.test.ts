import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, send, useStack } from './harness.js';

const body = JSON.stringify({ query: '{ user(id: "1") { name } }' });

describe('bad input: charsets', () => {
  const stack = useStack();

  for (const charset of ['iso-8859-1', 'utf-16', '"windows-1252"']) {
    it(`application/json; charset=${charset} → 415 UNSUPPORTED_MEDIA_TYPE`, async () => {
      const answer = await send(stack(), { method: 'POST', headers: { 'content-type': `application/json; charset=${charset}` }, body });
      expectRefused(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  }

  it('charset=utf-8 (any case) is served', async () => {
    const answer = await send(stack(), { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8' }, body });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { user: { name: 'Ada Lovelace' } } });
  });

  it('keeps serving', () => expectStillServing(stack()));
});
