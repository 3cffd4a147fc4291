import type { QueryPlan } from '@apollo/query-planner';
import { withDeadline } from '../../io/deadline.js';
import { apolloPlanOf } from './hivePlan.js';

type HiveModule = typeof import('@graphql-hive/router-query-planner');

/**
 * Hive's query planner (`@graphql-hive/router-query-planner`, Rust, as a Node addon), asked only
 * for the plans Apollo's planner is known to get wrong (planCheck.ts); its plans are converted to
 * Apollo's format (hivePlan.ts) and run by the same executor. The addon ships builds for Linux
 * (glibc) and macOS on x64 and arm64; where it does not load, Tessera keeps Apollo's plans.
 */
let loaded: Promise<HiveModule | undefined> | undefined;

function hiveModule(): Promise<HiveModule | undefined> {
  loaded ??= import('@graphql-hive/router-query-planner').then(
    (module) => module,
    () => undefined,
  );
  return loaded;
}

/**
 * How long a request waits for one plan (planned on a worker thread, off the event loop); after that
 * it keeps Apollo's. The addon does not stop on an abort signal (an aborted one still plans), so a
 * late plan is finished and dropped rather than cancelled.
 */
const PLAN_TIMEOUT_MS = 2_000;

export interface SecondPlanner {
  /** Hive's plan for the operation in Apollo's format; rejects when it cannot plan or convert it. */
  plan(query: string, operationName: string | undefined, override: { active: ReadonlySet<string>; percentage: number } | undefined): Promise<QueryPlan>;
}

/** A second planner for one supergraph, or undefined where Hive's planner does not load here. */
export async function secondPlannerFor(supergraphSdl: string): Promise<SecondPlanner | undefined> {
  const hive = await hiveModule();
  if (!hive) return undefined;
  const planner = new hive.QueryPlanner(supergraphSdl);
  return {
    plan: async (query, operationName, override) => {
      const planned = planner.planAsync(query, operationName ?? null, new Set(override?.active ?? []), override?.percentage ?? 0);
      return apolloPlanOf(await withDeadline(planned, PLAN_TIMEOUT_MS, `Hive's planner took over ${PLAN_TIMEOUT_MS} ms`));
    },
  };
}
