import { compose, type SubgraphSdl } from '../../src/composition/compose.js';

/** The supergraph SDL of these subgraphs; throws with every composition error. */
export function supergraphOf(subgraphs: readonly SubgraphSdl[]): string {
  const composed = compose(subgraphs);
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return composed.supergraphSdl;
}
