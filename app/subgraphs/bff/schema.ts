import { buildLocalSubgraph, type LocalSubgraph } from 'tessera-gateway';
import { readSdl } from '../sdl.js';
import type { BffSources } from './loaders.js';
import { createBffResolvers } from './resolvers.js';

/** `bff`: `Query.dashboard`, assembled from the users, orders and catalog services in parallel. */
export function createBffSubgraph(sources: BffSources): LocalSubgraph {
  return buildLocalSubgraph({ name: 'bff', typeDefs: readSdl('bff'), resolvers: createBffResolvers(sources) });
}
