import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

const op = (id: number) => ({ query: 'query($id: ID!) { user(id: $id) { name } }', variables: { id: String(id) } });

describe('bad input: batches over BATCH_MAX_OPERATIONS', () => {
  const stack = useStack({ BATCH_MAX_OPERATIONS: '3' });

  it('a batch within the cap is answered in order', async () => {
    const res = await fetch(`${stack().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([op(1), op(2), op(3)]),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { user: { name: string } } }[];
    expect(body).toHaveLength(3);
    expect(body[0]?.data.user.name).toBe('Ada Lovelace');
  });

  it('a larger batch → 400 OPERATION_LIMIT_EXCEEDED, no service called', async () => {
    const before = serviceCalls(stack());
    expectRefused(await post(stack(), [op(1), op(2), op(3), op(4)]), 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(serviceCalls(stack())).toBe(before);
  });

  it('keeps serving', () => expectStillServing(stack()));
});
