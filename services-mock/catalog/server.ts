import { sample } from '../data/prng.js';
import { rngFor, seed, type Product } from '../data/seed.js';
import { batchLookup } from '../lib/batch.js';
import { json, limitParam, listParam, missingParam } from '../lib/http.js';
import { startMockService } from '../lib/service.js';
import type { MockService, Route, StartOptions } from '../lib/types.js';

export const CATALOG_CACHE_CONTROL = 'public, max-age=60';
const SEARCH_LIMIT = 20;
const RECOMMENDATION_LIMIT = 5;

export function catalogRoutes(products: readonly Product[] = seed().products): Route[] {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const ok = (body: unknown) => json(200, body, { 'cache-control': CATALOG_CACHE_CONTROL });
  return [
    {
      method: 'GET',
      pattern: '/products',
      handler: (req) => {
        const skus = listParam(req.query, 'skus');
        return skus ? ok(batchLookup(skus, (sku) => bySku.get(sku))) : missingParam('skus');
      },
    },
    {
      method: 'GET',
      pattern: '/products/search',
      handler: (req) => {
        const q = req.query.get('q')?.trim().toLowerCase();
        if (!q) return missingParam('q');
        const limit = limitParam(req.query, SEARCH_LIMIT, 100);
        if (!limit.ok) return limit.response;
        const hits = products.filter((p) => p.title.toLowerCase().includes(q) || p.category.toLowerCase().includes(q));
        return ok(hits.slice(0, limit.limit));
      },
    },
    {
      method: 'GET',
      pattern: '/products/recommendations',
      handler: (req) => {
        const userId = req.query.get('userId');
        if (!userId) return missingParam('userId');
        const limit = limitParam(req.query, RECOMMENDATION_LIMIT, 100);
        if (!limit.ok) return limit.response;
        // Stable per user; the catalog does not own users, so any id gets an answer.
        return ok(sample(rngFor(`recommendations:${userId}`), products, limit.limit ?? RECOMMENDATION_LIMIT));
      },
    },
    {
      method: 'GET',
      pattern: '/products/:sku',
      handler: (req) => {
        const sku = req.params.sku!;
        const product = bySku.get(sku);
        return product ? ok(product) : json(404, { error: 'product not found', sku });
      },
    },
  ];
}

export function startCatalog(options: StartOptions): Promise<MockService> {
  return startMockService('catalog', catalogRoutes(), options);
}
