import { buildLocalSubgraph, type LocalSubgraph } from 'tessera-gateway';
import { readSdl } from '../sdl.js';
import type { CatalogSource } from './loaders.js';
import { createCatalogResolvers } from './resolvers.js';

/** `catalog`: `Query.product`, `Query.searchProducts` and the `Product` entity, over the catalog REST service. */
export function createCatalogSubgraph(catalog: CatalogSource): LocalSubgraph {
  return buildLocalSubgraph({ name: 'catalog', typeDefs: readSdl('catalog'), resolvers: createCatalogResolvers(catalog) });
}
