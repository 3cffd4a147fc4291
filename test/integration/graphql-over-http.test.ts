import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/** The GraphQL-over-HTTP specification's own audit suite, run against the gateway. */
describe('GraphQL over HTTP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('passes every MUST of the specification audit', async () => {
    const results = await auditServer({ url: `${stack.url}/graphql` });
    const failures = results.filter((r) => r.status === 'error').map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(results.length).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  });
});
