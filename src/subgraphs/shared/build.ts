import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import { internNames } from '../../composition/oneByteNames.js';
import type { LocalSubgraph } from './types.js';

type SubgraphResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']>;

export interface LocalSubgraphDefinition {
  /** The name the supergraph routes to `local://NAME`. */
  readonly name: string;
  /** The subgraph's SDL, as text or parsed; the same SDL its supergraph was composed from. */
  readonly typeDefs: string | DocumentNode;
  /** Its resolvers, e.g. typed by graphql-codegen's `Resolvers` for this SDL. */
  readonly resolvers: object;
}

/**
 * Builds an in-process subgraph (a REST service wrapped as GraphQL) from its SDL and resolvers.
 * Generated `Resolvers` types are stricter (typed context and parents) than the map
 * @apollo/subgraph accepts, hence the one cast here.
 */
export function buildLocalSubgraph({ name, typeDefs, resolvers }: LocalSubgraphDefinition): LocalSubgraph {
  // Names interned before parsing keep every response key one-byte (oneByteNames.ts).
  const document = typeof typeDefs === 'string' ? parse(internNames(typeDefs)) : typeDefs;
  return { name, typeDefs: document, schema: buildSubgraphSchema({ typeDefs: document, resolvers: resolvers as SubgraphResolverMap }) };
}
