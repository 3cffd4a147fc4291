import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, send, useStack } from './harness.js';

describe('bad input: introspection, suggestions and the landing page in production', () => {
  const stack = useStack({ NODE_ENV: 'production' });

  it('__schema → 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const answer = await post(stack(), { query: '{ __schema { types { name } } }' });
    expectRefused(answer, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(answer.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });

  it('__type → 400 GRAPHQL_VALIDATION_FAILED', async () => {
    expectRefused(await post(stack(), { query: '{ __type(name: "User") { fields { name } } }' }), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('__typename is still allowed', async () => {
    const answer = await post(stack(), { query: '{ __typename }' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('no landing page: a browser GET gets no HTML', async () => {
    const res = await fetch(`${stack().url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(await res.text()).not.toMatch(/<html/i);
  });

  it('production error bodies carry no stack traces', async () => {
    const answer = await send(stack(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(JSON.stringify(answer.body)).not.toContain('stacktrace');
  });

  it('no field suggestions: unknown fields, arguments and input fields name nothing the caller did not send', async () => {
    const typo = await post(stack(), { query: '{ product(sku: "SKU-0001") { titel } }' });
    expectRefused(typo, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(typo.body.errors?.[0]?.message).toBe('Cannot query field "titel" on type "Product".');
    const input = await post(stack(), {
      query: 'mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }',
      variables: { input: { userId: '1', items: [], userID: '2' } },
    });
    expect(input.body.errors?.[0]?.message).toMatch(/Field "userID" is not defined by type "CreateOrderInput"\.$/);
    expect(JSON.stringify(input.body)).not.toMatch(/Did you mean/);
    const argument = await post(stack(), { query: '{ searchProducts(query: "a", frist: 1) { sku } }' });
    expectRefused(argument, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(argument.body)).not.toMatch(/Did you mean|"first"/);
  });

  it('keeps serving', () => expectStillServing(stack()));
});
