import { describe, expect, it } from 'vitest';
import { expectRefused, expectStillServing, post, serviceCalls, useStack } from './harness.js';

// catalog (product) → inventory (inStock, shippingEstimate @requires) + reviews: three fetches in the plan.
const WIDE = '{ product(sku: "SKU-0002") { title inStock shippingEstimate reviews { rating } } }';

describe('bad input: an operation over the fetch budget', () => {
  const stack = useStack({ MAX_SUBGRAPH_FETCHES: '2' });

  it('→ 400 OPERATION_LIMIT_EXCEEDED (subgraphFetches), refused before any subgraph or service is called', async () => {
    for (const mock of [stack().mocks.reviews, stack().mocks.inventory, stack().mocks.catalog, stack().mocks.users]) mock.resetStats();
    const before = serviceCalls(stack());
    const answer = await post(stack(), { query: WIDE });
    expectRefused(answer, 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ limit: 'subgraphFetches', max: 2 });
    expect(answer.body.errors?.[0]?.extensions?.actual).toBe(3);
    expect(serviceCalls(stack())).toBe(before);
    expect(stack().mocks.reviews.stats().total + stack().mocks.inventory.stats().total).toBe(0);
  });

  it('is refused again from the cached plan', async () => {
    const before = serviceCalls(stack());
    expectRefused(await post(stack(), { query: WIDE }), 400, 'OPERATION_LIMIT_EXCEEDED');
    expect(serviceCalls(stack())).toBe(before);
  });

  it('an operation within the budget (two fetches) is served', async () => {
    const answer = await post(stack(), { query: '{ product(sku: "SKU-0002") { title reviews { rating } } }' });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('keeps serving', () => expectStillServing(stack()));
});
