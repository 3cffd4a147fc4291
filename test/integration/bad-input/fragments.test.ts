import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

describe('bad input: fragments', () => {
  const stack = useStack();

  it('a fragment cycle → 400 GRAPHQL_VALIDATION_FAILED, no service called', async () => {
    const before = serviceCalls(stack());
    const answer = await post(stack(), {
      query: '{ user(id: "1") { ...A } } fragment A on User { name ...B } fragment B on User { orders { user { ...A } } }',
    });
    expectRefused(answer, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.body.errors?.[0]?.message).toMatch(/Cannot spread fragment "A" within itself/);
    expect(serviceCalls(stack())).toBe(before);
  });

  it('a fragment spreading itself → 400 GRAPHQL_VALIDATION_FAILED', async () => {
    expectRefused(await post(stack(), { query: '{ user(id: "1") { ...A } } fragment A on User { ...A }' }), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('an unknown fragment → 400 GRAPHQL_VALIDATION_FAILED', async () => {
    expectRefused(await post(stack(), { query: '{ user(id: "1") { ...Missing } }' }), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('keeps serving', () => expectStillServing(stack()));
});
