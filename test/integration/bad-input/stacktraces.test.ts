import { describe, expect, it } from 'vitest';
import { post, useStack } from './harness.js';

const ANONYMOUS = '{ user(id: "1") { name email } }';
const TYPO = '{ product(sku: "SKU-0001") { titel } }';

describe('stack traces in development: none unless asked for', () => {
  const stack = useStack({ NODE_ENV: 'development' });

  it('field errors and validation errors carry no stack trace', async () => {
    const anonymous = await post(stack(), { query: ANONYMOUS });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const typo = await post(stack(), { query: TYPO });
    expect(typo.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Development keeps the suggestion that production drops.
    expect(typo.body.errors?.[0]?.message).toContain('Did you mean "title"?');
    for (const answer of [anonymous, typo]) expect(JSON.stringify(answer.body)).not.toContain('stacktrace');
  });
});

describe('stack traces with ERROR_STACKTRACES=true', () => {
  const stack = useStack({ NODE_ENV: 'development', ERROR_STACKTRACES: 'true' });

  it('a validation error carries its stack trace', async () => {
    const typo = await post(stack(), { query: TYPO });
    expect(typo.body.errors?.[0]?.extensions?.stacktrace).toEqual(expect.arrayContaining([expect.stringContaining('GraphQLError')]));
  });
});
