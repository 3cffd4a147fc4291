import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

const flood = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `u${i}: user(id: "${(i % 200) + 1}") { name }`).join(' ')} }`;

describe('bad input: alias flood', () => {
  const stack = useStack({ MAX_ALIASES: '50' });

  it('more aliases than MAX_ALIASES → 400 OPERATION_LIMIT_EXCEEDED (aliases), before any service is called', async () => {
    const before = serviceCalls(stack());
    const answer = await post(stack(), { query: flood(200) });
    expectRefused(answer, 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(answer.body.errors?.[0]?.extensions?.limit).toBe('aliases');
    expect(serviceCalls(stack())).toBe(before);
  });

  it('the limit itself is allowed', async () => {
    const answer = await post(stack(), { query: flood(50) });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body.data as object)).toHaveLength(50);
  });

  it('keeps serving', () => expectStillServing(stack()));
});
