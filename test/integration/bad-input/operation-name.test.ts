import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

const DOC = 'query A { user(id: "1") { name } } query B { user(id: "2") { name } }';

describe('bad input: operation names', () => {
  const stack = useStack();

  it('an operationName the document does not define → 400 OPERATION_RESOLUTION_FAILURE, no service called', async () => {
    const before = serviceCalls(stack());
    const answer = await post(stack(), { query: DOC, operationName: 'C' });
    expectRefused(answer, 400, 'OPERATION_RESOLUTION_FAILURE');
    expect(answer.body.errors?.[0]?.message).toBe('Unknown operation named "C".');
    expect(serviceCalls(stack())).toBe(before);
  });

  it('several operations and no operationName → 400 OPERATION_RESOLUTION_FAILURE', async () => {
    expectRefused(await post(stack(), { query: DOC }), 400, 'OPERATION_RESOLUTION_FAILURE');
  });

  it('operationName that is not a string → 400 BAD_REQUEST', async () => {
    expectRefused(await post(stack(), { query: DOC, operationName: 7 }), 400, 'BAD_REQUEST');
  });

  it('the named operation runs', async () => {
    const answer = await post(stack(), { query: DOC, operationName: 'B' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { user: { name: expect.any(String) } } });
  });

  it('keeps serving', () => expectStillServing(stack()));
});
