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

  it('passes every MUST and every SHOULD of the specification audit', async () => {
    const results = await auditServer({ url: `${stack.url}/graphql` });
    const failures = results.filter((r) => r.status !== 'ok' && r.status !== 'notice').map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(results.length).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  });

  it('answers request errors with 4xx under application/graphql-response+json and 200 under application/json', async () => {
    const ask = (accept: string) =>
      fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: '{ noSuchField }' }),
      });
    const modern = await ask('application/graphql-response+json');
    expect(modern.status).toBe(400);
    expect(modern.headers.get('content-type')).toContain('application/graphql-response+json');
    const legacy = await ask('application/json');
    expect(legacy.status).toBe(200);
    expect(((await legacy.json()) as any).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
