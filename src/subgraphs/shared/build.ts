import { buildSubgraphSchema } from '@apollo/subgraph';
import { loadSdl } from './sdl.js';
import type { LocalSubgraph } from './types.js';

type SubgraphResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']>;

/**
 * Builds the subgraph `name` from `schema/<name>.graphql` and its resolvers. The resolvers are typed by
 * the generated `Resolvers` of that subgraph, which is stricter (typed context and parents) than the
 * map @apollo/subgraph accepts, hence the one cast here.
 */
export function buildLocalSubgraph(name: string, resolvers: object): LocalSubgraph {
  const typeDefs = loadSdl(name);
  return { name, typeDefs, schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as SubgraphResolverMap }) };
}
