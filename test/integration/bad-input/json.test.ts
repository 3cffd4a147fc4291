import { describe, it } from 'vitest';
import { expectRefused, expectStillServing, post, useStack } from './harness.js';

describe('bad input: JSON bodies', () => {
  const stack = useStack();

  it('malformed JSON → 400 BAD_REQUEST', async () => {
    expectRefused(await post(stack(), '{"query": "{ __typename }"'), 400, 'BAD_REQUEST');
    expectRefused(await post(stack(), '{"query": "{ __typename }"', { accept: 'application/json' }), 400, 'BAD_REQUEST');
  });

  it('a JSON body that is not an object (a string, a number) → 400 BAD_REQUEST', async () => {
    expectRefused(await post(stack(), '"{ __typename }"'), 400, 'BAD_REQUEST');
    expectRefused(await post(stack(), '42'), 400, 'BAD_REQUEST');
  });

  it('missing query → 400 BAD_REQUEST', async () => {
    expectRefused(await post(stack(), {}), 400, 'BAD_REQUEST');
    expectRefused(await post(stack(), { variables: { id: '1' } }), 400, 'BAD_REQUEST');
    expectRefused(await post(stack(), ''), 400, 'BAD_REQUEST');
  });

  it('query that is not a string → 400 BAD_REQUEST', async () => {
    expectRefused(await post(stack(), { query: { kind: 'Document' } }), 400, 'BAD_REQUEST');
  });

  it('a batch (JSON array) while batching is off → 400 BAD_REQUEST', async () => {
    expectRefused(await post(stack(), [{ query: '{ __typename }' }, { query: '{ __typename }' }]), 400, 'BAD_REQUEST');
  });

  it('keeps serving', () => expectStillServing(stack()));
});
