import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

/** user → orders → user → orders … nested `levels` times. */
function nested(levels: number): string {
  const fields = Array.from({ length: levels }, (_, i) => (i % 2 === 0 ? 'orders' : 'user'));
  return `{ user(id: "1") { ${fields.join(' { ')} { id }${' }'.repeat(levels)} }`;
}

describe('bad input: deep nesting', () => {
  const stack = useStack({ MAX_DEPTH: '8' });

  it('an operation deeper than MAX_DEPTH → 400 OPERATION_LIMIT_EXCEEDED (depth), before any service is called', async () => {
    const before = serviceCalls(stack());
    const answer = await post(stack(), { query: nested(12) });
    expectRefused(answer, 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(answer.body.errors?.[0]?.extensions?.limit).toBe('depth');
    expect(serviceCalls(stack())).toBe(before);
  });

  it('nesting hidden in fragments counts the same', async () => {
    const answer = await post(stack(), {
      query: `{ user(id: "1") { ...U } }
        fragment U on User { orders { user { orders { user { ...V } } } } }
        fragment V on User { orders { user { orders { user { orders { id } } } } } }`,
    });
    expectRefused(answer, 400, 'OPERATION_LIMIT_EXCEEDED');
  });

  it('an operation within the limit is served', async () => {
    const answer = await post(stack(), { query: nested(5) });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('keeps serving', () => expectStillServing(stack()));
});
