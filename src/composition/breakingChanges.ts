import { diff, CriticalityLevel } from '@graphql-inspector/core';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { markEnforcedAtEdge } from './edgeAuthorization.js';

export interface SchemaChange {
  readonly message: string;
  readonly path?: string;
  readonly breaking: boolean;
}

/**
 * The API schema clients see: the supergraph without federation's join/link machinery. Printed
 * and rebuilt with this module's graphql, the one graphql-inspector compares with.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  // Authorization links are marked as enforced at the edge, as for the gateway (src/composition/edgeAuthorization.ts).
  return buildSchema(printSchema(Supergraph.build(markEnforcedAtEdge(supergraphSdl)).apiSchema()));
}

/** Every difference between the served API schema and a candidate's; `breaking` ones refuse a publish. */
export async function compareApiSchemas(servedSupergraphSdl: string, candidateSupergraphSdl: string): Promise<SchemaChange[]> {
  const changes = await diff(apiSchemaOf(servedSupergraphSdl), apiSchemaOf(candidateSupergraphSdl));
  return changes.map((c) => ({
    message: c.message,
    ...(c.path ? { path: c.path } : {}),
    breaking: c.criticality.level === CriticalityLevel.Breaking,
  }));
}
