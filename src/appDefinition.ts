import type { GraphQLSchema } from 'graphql';
import type { Config } from './config/index.js';

/** A subgraph that runs in the gateway process (a REST service wrapped as GraphQL). */
export interface InProcessSubgraph {
  readonly name: string;
  readonly schema: GraphQLSchema;
}

/**
 * What a team writes to fit Tessera to its own services: the in-process subgraphs and, as the
 * engine grows, the rule tree, cache rules and client profiles. The engine never names a demo type.
 */
export interface AppDefinition {
  readonly subgraphs?: (context: AppContext) => InProcessSubgraphs;
}

export interface InProcessSubgraphs {
  readonly subgraphs: readonly InProcessSubgraph[];
  close(): Promise<void>;
}

/** What the engine hands the app: the validated engine config and the raw environment for the app's own settings. */
export interface AppContext {
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const defineApp = (definition: AppDefinition): AppDefinition => definition;
