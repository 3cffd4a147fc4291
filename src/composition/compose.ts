import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { composeServices } from '@apollo/composition';
import { parse, type DocumentNode, GraphQLError } from 'graphql';
import { internNames } from './oneByteNames.js';

export interface SubgraphSdl {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

export type CompositionResult =
  | { readonly ok: true; readonly supergraphSdl: string; readonly id: string; readonly hints: readonly string[] }
  | { readonly ok: false; readonly errors: readonly GraphQLError[] };

/** The composition id is the hash of the supergraph SDL: equal graphs, equal ids, on every replica. */
export const compositionId = (supergraphSdl: string): string =>
  createHash('sha256').update(supergraphSdl).digest('hex').slice(0, 16);

export const sdlHash = (sdl: string): string => createHash('sha256').update(sdl).digest('hex').slice(0, 16);

// Another composer version may compose the same inputs differently: it is one of the inputs.
const COMPOSER = `@apollo/composition@${(createRequire(import.meta.url)('@apollo/composition/package.json') as { version: string }).version}`;

/**
 * Everything a composition reads, hashed: the composer and each subgraph's name, routing URL and
 * SDL. Equal hashes compose to equal supergraphs, so a replica may adopt a stored one instead.
 */
export function inputsHash(subgraphs: readonly SubgraphSdl[]): string {
  const inputs = [...subgraphs].sort((a, b) => a.name.localeCompare(b.name)).map((s) => [s.name, s.url, sdlHash(s.sdl)]);
  return createHash('sha256').update(JSON.stringify([COMPOSER, inputs])).digest('hex');
}

/** Composes subgraphs into a supergraph. Pure: no I/O, every error returned. */
export function compose(subgraphs: readonly SubgraphSdl[]): CompositionResult {
  const errors: GraphQLError[] = [];
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  // Sorted so the same set always yields the same SDL, whatever order it was listed in.
  for (const subgraph of [...subgraphs].sort((a, b) => a.name.localeCompare(b.name))) {
    try {
      services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(internNames(subgraph.sdl)) });
    } catch (error) {
      errors.push(new GraphQLError(`[${subgraph.name}] ${(error as Error).message}`));
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors };
  return {
    ok: true,
    supergraphSdl: result.supergraphSdl,
    id: compositionId(result.supergraphSdl),
    hints: result.hints.map((h) => h.toString()),
  };
}
