import { requestError } from '../errors/codes.js';

/** The parts of an `@apollo/query-planner` plan node this module reads. */
interface PlanNodeLike {
  readonly kind: string;
  readonly nodes?: readonly PlanNodeLike[];
  readonly node?: PlanNodeLike;
  readonly primary?: PlanNodeLike | { readonly node?: PlanNodeLike };
  readonly rest?: PlanNodeLike;
  readonly deferred?: readonly { readonly node?: PlanNodeLike }[];
  readonly ifClause?: PlanNodeLike;
  readonly elseClause?: PlanNodeLike;
}

/**
 * Counts the subgraph requests a query plan may make: every Fetch node (and every merged fetch of
 * the executor's plan, execution/fetchMerging.ts), through Sequence, Parallel, Flatten, Defer and
 * both branches of a Condition (the budget is the worst case).
 */
export function countFetches(node: PlanNodeLike | undefined): number {
  if (!node) return 0;
  switch (node.kind) {
    case 'Fetch':
    case 'MergedFetch':
      return 1;
    case 'Sequence':
    case 'Parallel':
      return (node.nodes ?? []).reduce((sum, child) => sum + countFetches(child), 0);
    case 'Flatten':
    case 'QueryPlan':
      return countFetches(node.node);
    case 'Defer': {
      const primary = node.primary as { node?: PlanNodeLike } | undefined;
      return countFetches(primary?.node) + (node.deferred ?? []).reduce((sum, d) => sum + countFetches(d.node), 0);
    }
    case 'Subscription':
      return countFetches(node.primary as PlanNodeLike | undefined) + countFetches(node.rest);
    case 'Condition':
      return countFetches(node.ifClause) + countFetches(node.elseClause);
    default:
      return 0;
  }
}

/**
 * Refuses a plan needing more than `max` fetches. Plans are cached by the gateway, so the count is
 * cached per plan object and costs one WeakMap lookup per request.
 */
export function createFetchBudget(max: number, onRefused: () => void = () => {}) {
  const counts = new WeakMap<object, number>();
  return (queryPlan: PlanNodeLike): void => {
    let fetches = counts.get(queryPlan);
    if (fetches === undefined) {
      fetches = countFetches(queryPlan);
      counts.set(queryPlan, fetches);
    }
    if (fetches > max) {
      onRefused();
      throw requestError('OPERATION_LIMIT_EXCEEDED', `The operation needs ${fetches} subgraph fetches; at most ${max} are allowed.`, {
        limit: 'subgraphFetches',
        max,
        actual: fetches,
      });
    }
  };
}
