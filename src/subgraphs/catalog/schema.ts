import { buildLocalSubgraph } from '../shared/build.js';
import type { LocalSubgraph } from '../shared/types.js';
import type { CatalogSource } from './loaders.js';
import { createCatalogResolvers } from './resolvers.js';

/** `catalog`: `Query.product`, `Query.searchProducts` and the `Product` entity, over the catalog REST service. */
export function createCatalogSubgraph(catalog: CatalogSource): LocalSubgraph {
  return buildLocalSubgraph('catalog', createCatalogResolvers(catalog));
}
