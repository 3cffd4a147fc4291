import type { DocumentNode, GraphQLSchema } from 'graphql';

/** A subgraph that runs inside the gateway process: its SDL (for composition) and its executable schema. */
export interface LocalSubgraph {
  readonly name: string;
  readonly typeDefs: DocumentNode;
  readonly schema: GraphQLSchema;
}
