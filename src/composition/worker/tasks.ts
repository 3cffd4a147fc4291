import { Supergraph, errorCauses } from '@apollo/federation-internals';
import { markEnforcedAtEdge } from '../edgeAuthorization.js';
import { compareApiSchemas, type SchemaChange } from '../breakingChanges.js';
import { compose, type SubgraphSdl } from '../compose.js';

// The pure work on a candidate graph, run in a worker thread (compositionPool.ts) so a
// composition of a hundred subgraphs never holds the thread that answers requests.

/** Composes a set; with `compareWith`, also diffs the candidate's API schema against that supergraph. */
export interface ComposeTask {
  readonly kind: 'compose';
  readonly subgraphs: readonly SubgraphSdl[];
  readonly compareWith?: string;
}

/** Checks a supergraph SDL (a hot-reloaded file) as the gateway would, so the serving thread can skip it. */
export interface ValidateTask {
  readonly kind: 'validate';
  readonly supergraphSdl: string;
}

export type CompositionTask = ComposeTask | ValidateTask;

/** Errors cross the thread boundary as messages: GraphQLError instances do not survive cloning. */
type Failed = { readonly ok: false; readonly errors: readonly string[] };

export type ComposeResult =
  | { readonly ok: true; readonly supergraphSdl: string; readonly id: string; readonly hints: readonly string[]; readonly changes?: readonly SchemaChange[] }
  | Failed;

/** The SDL checked stays on the serving thread: nothing is sent back but the verdict. */
export type ValidateResult = { readonly ok: true } | Failed;

export type ResultOf<T extends CompositionTask> = T extends ComposeTask ? ComposeResult : ValidateResult;

export async function runCompositionTask(task: CompositionTask): Promise<ComposeResult | ValidateResult> {
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
        return { ok: true };
      } catch (error) {
        const causes = errorCauses(error as Error);
        return { ok: false, errors: causes?.length ? causes.map((c) => c.message) : [(error as Error).message] };
      }
  }
}

export default runCompositionTask;
