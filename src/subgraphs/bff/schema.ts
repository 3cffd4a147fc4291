import { buildLocalSubgraph } from '../shared/build.js';
import type { LocalSubgraph } from '../shared/types.js';
import type { BffSources } from './loaders.js';
import { createBffResolvers } from './resolvers.js';

/** `bff`: `Query.dashboard`, assembled from the users, orders and catalog services in parallel. */
export function createBffSubgraph(sources: BffSources): LocalSubgraph {
  return buildLocalSubgraph('bff', createBffResolvers(sources));
}
