import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { boundedCache } from '../../src/cache/boundedCache.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The caches that grow with distinct operations, read where Apollo keeps them: the document store
 * of the schema Apollo Server serves, and the plan cache of the graph the gateway serves.
 */
function operationCaches(stack: Stack): { documents: InMemoryLRUCache<object>; plans: InMemoryLRUCache<object> } {
  const state = (stack.app.apollo as unknown as { internals: { state: { schemaManager: SchemaManager } } }).internals.state;
  const { schemaManager } = state;
  return {
    documents: schemaManager.getSchemaDerivedData().documentStore!,
    plans: schemaManager.modeSpecificState.gateway.planCache!,
  };
}
interface SchemaManager {
  getSchemaDerivedData(): { documentStore: InMemoryLRUCache<object> | null };
  modeSpecificState: { gateway: { planCache?: InMemoryLRUCache<object> } };
}

describe('boundedCache', () => {
  it('keeps at most `max` entries, the least recently used out first', async () => {
    const cache = boundedCache<{ n: number }>(3);
    for (const n of [1, 2, 3]) await cache.set(`k${n}`, { n });
    await cache.get('k1');
    await cache.set('k4', { n: 4 });
    expect(cache.keys().sort()).toEqual(['k1', 'k3', 'k4']);
  });
});

describe('OPERATION_CACHE_SIZE bounds what distinct operations leave behind', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { OPERATION_CACHE_SIZE: '3' } });
  });
  afterAll(() => stack?.close());

  it('parsed documents and query plans: never more than the bound, however many operations', async () => {
    const { documents, plans } = operationCaches(stack);
    for (let i = 0; i < 8; i++) {
      const res = await stack.query(`query Op${i} { p${i}: product(sku: "SKU-000${i + 1}") { sku title } }`);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.[`p${i}`]?.sku).toBe(`SKU-000${i + 1}`);
    }
    expect(documents.keys().length).toBe(3);
    expect(plans.keys().length).toBe(3);
    // The most recent stay: asking one again plans nothing new.
    const before = plans.keys().sort();
    await stack.query('query Op7 { p7: product(sku: "SKU-0008") { sku title } }');
    expect(plans.keys().sort()).toEqual(before);
  });
});
