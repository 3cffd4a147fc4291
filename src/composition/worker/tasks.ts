import { Supergraph, errorCauses } from '@apollo/federation-internals';
import { markEnforcedAtEdge } from '../../policy/edgeAuthorization.js';
import { compareApiSchemas, type SchemaChange } from '../../registry/breakingChanges.js';
import { compose, compositionId, type SubgraphSdl } from '../compose.js';

/**
 * The pure work on a candidate graph, run in a worker thread (compositionPool.ts) so a
 * composition of a hundred subgraphs never holds the thread that answers requests.
 */
export type CompositionTask =
  /** Composes a set; with `compareWith`, also diffs the candidate's API schema against that supergraph. */
  | { readonly kind: 'compose'; readonly subgraphs: readonly SubgraphSdl[]; readonly compareWith?: string }
  /** Checks a supergraph SDL (a hot-reloaded file) as the gateway would, so the serving thread can skip it. */
  | { readonly kind: 'validate'; readonly supergraphSdl: string };

/** Errors cross the thread boundary as messages: GraphQLError instances do not survive cloning. */
export type CompositionTaskResult =
  | {
      readonly ok: true;
      readonly supergraphSdl: string;
      readonly id: string;
      readonly hints: readonly string[];
      readonly changes?: readonly SchemaChange[];
    }
  | { readonly ok: false; readonly errors: readonly string[] };

export async function runCompositionTask(task: CompositionTask): Promise<CompositionTaskResult> {
  switch (task.kind) {
    case 'compose': {
      const result = compose(task.subgraphs);
      if (!result.ok) return { ok: false, errors: result.errors.map((e) => e.message) };
      const changes = task.compareWith === undefined ? undefined : await compareApiSchemas(task.compareWith, result.supergraphSdl);
      return { ok: true, supergraphSdl: result.supergraphSdl, id: result.id, hints: result.hints, ...(changes ? { changes } : {}) };
    }
    case 'validate':
      try {
        Supergraph.build(markEnforcedAtEdge(task.supergraphSdl), { validateSupergraph: true });
        return { ok: true, supergraphSdl: task.supergraphSdl, id: compositionId(task.supergraphSdl), hints: [] };
      } catch (error) {
        const causes = errorCauses(error as Error);
        return { ok: false, errors: causes?.length ? causes.map((c) => c.message) : [(error as Error).message] };
      }
  }
}

export default runCompositionTask;
