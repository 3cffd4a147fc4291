import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

describe('bad input: variables', () => {
  const stack = useStack();

  it('variables as a JSON-encoded string → 400 BAD_REQUEST', async () => {
    const answer = await post(stack(), { query: 'query($id: ID!) { user(id: $id) { name } }', variables: '{"id":"1"}' });
    expectRefused(answer, 400, 'BAD_REQUEST');
  });

  it('variables as an array → 400 BAD_REQUEST', async () => {
    expectRefused(await post(stack(), { query: '{ __typename }', variables: [1] }), 400, 'BAD_REQUEST');
  });

  it('a variable of the wrong type → 400 BAD_USER_INPUT, and no service is called', async () => {
    const before = serviceCalls(stack());
    const answer = await post(stack(), { query: 'query($id: ID!) { user(id: $id) { name } }', variables: { id: { not: 'an id' } } });
    expectRefused(answer, 400, 'BAD_USER_INPUT');
    expect(serviceCalls(stack())).toBe(before);
  });

  it('a missing required variable → 400 BAD_USER_INPUT', async () => {
    expectRefused(await post(stack(), { query: 'query($id: ID!) { user(id: $id) { name } }' }), 400, 'BAD_USER_INPUT');
  });

  it('keeps serving', () => expectStillServing(stack()));
});
