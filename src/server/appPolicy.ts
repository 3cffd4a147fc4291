import type { Logger } from 'pino';
import type { AppDefinition, InProcessSubgraph } from '../appDefinition.js';
import { appProblems, createAppScope, refusable, type ScopedApp } from '../appScope.js';
import type { SupergraphManager, SupergraphState } from '../composition/supergraphManager.js';
import { ConfigError } from '../errors/configError.js';

/** The app's policy (rules, cache rules, client profiles) as it meets each served supergraph. */
export interface AppPolicy {
  /** The app's entries that act on this supergraph (cached per composition). */
  readonly scope: (supergraphSdl: string) => ScopedApp;
  /** Whether the served supergraph has the app's subgraphs: its client profiles apply only then. */
  served(): boolean;
  /** Follows the graphs the manager serves: a later one is served, and what of the app acts on nothing in it is logged. */
  follow(manager: SupergraphManager): void;
  /** Refuses, before the first graph is served, an app entry that is certainly wrong for it. */
  checkFirst(state: SupergraphState | undefined): void;
}

export function createAppPolicy(app: AppDefinition | undefined, inProcess: readonly InProcessSubgraph[], log: Logger): AppPolicy {
  const scope = createAppScope(app);
  let served = false;

  const report = (scoped: ScopedApp, compositionId: string) => {
    if (scoped.owned.length === 0) {
      log.warn({ compositionId, owns: app?.owns ?? {} }, "the app's subgraphs are not in the supergraph: its rules, purge rules and key fields apply to nothing");
    } else if (scoped.unmatched.length > 0) {
      log.warn({ compositionId, missing: scoped.missing, unmatched: scoped.unmatched }, 'app entries that apply to nothing in the supergraph');
    }
  };

  return {
    scope,
    served: () => served,
    follow(manager) {
      manager.onChange((state, previous) => {
        if (!app) return;
        const scoped = scope(state.supergraphSdl);
        served = scoped.owned.length > 0;
        // The first graph is checked by checkFirst, which refuses what is wrong.
        if (previous) report(scoped, state.id);
      });
    },
    checkFirst(state) {
      if (!app || !state) return;
      const scoped = scope(state.supergraphSdl);
      const problems = [...appProblems(app, inProcess), ...refusable(scoped)];
      if (problems.length > 0) throw new ConfigError(problems);
      report(scoped, state.id);
    },
  };
}
