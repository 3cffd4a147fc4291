import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('bad input: automatic persisted queries', () => {
  const stack = useStack();

  it('a hash that does not match the query text → 400 BAD_REQUEST, no service called', async () => {
    const before = serviceCalls(stack());
    const persistedQuery = { version: 1, sha256Hash: sha256('{ somethingElse }') };
    const body = { query: '{ user(id: "1") { name } }', extensions: { persistedQuery } };
    expectRefused(await post(stack(), body), 400, 'BAD_REQUEST');
    const plain = await post(stack(), body, { accept: 'application/json' });
    expect(plain.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST']);
    expect(serviceCalls(stack())).toBe(before);
  });

  it('the matching hash with its text runs', async () => {
    const query = '{ user(id: "1") { name } }';
    const answer = await post(stack(), { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { user: { name: 'Ada Lovelace' } } });
  });

  it('keeps serving', () => expectStillServing(stack()));
});
