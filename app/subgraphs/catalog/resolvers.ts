import { badUserInput } from 'tessera-gateway';
import type { Resolvers } from './__generated__/resolvers-types.js';
import type { CatalogSource } from './loaders.js';

/** The most `searchProducts` returns at once. */
export const MAX_SEARCH_RESULTS = 100;

export function createCatalogResolvers(catalog: CatalogSource): Resolvers {
  return {
    Query: {
      product: (_, { sku }, ctx) => catalog.loaders(ctx).productBySku.load(sku),
      searchProducts: (_, { query, first }, ctx) => {
        if (query.trim() === '') throw badUserInput('query must not be empty', 'query');
        if (!Number.isInteger(first) || first < 0 || first > MAX_SEARCH_RESULTS) {
          throw badUserInput(`first must be between 0 and ${MAX_SEARCH_RESULTS}`, 'first');
        }
        return first === 0 ? [] : catalog.search(ctx, query, first);
      },
    },
    Product: {
      __resolveReference: (ref, ctx) => catalog.loaders(ctx).productBySku.load(ref.sku),
    },
  };
}
