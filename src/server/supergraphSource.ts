import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createCompositionPool } from '../composition/compositionPool.js';
import { SupergraphManager } from '../composition/supergraphManager.js';
import { checkSupergraph, watchSupergraphFile } from '../composition/watchSupergraphFile.js';
import type { Config } from '../config/index.js';
import { recordSupergraph } from '../observability/metrics.js';
import { createRegistry } from '../registry/createRegistry.js';
import type { RegistryService } from '../registry/registryService.js';

/** Where the served supergraph comes from, and what keeps it current. */
export interface SupergraphSource {
  readonly manager: SupergraphManager;
  /** The subgraph registry; undefined when a pre-composed file is served. */
  readonly registry: RegistryService | undefined;
  /** Once the first graph is served: follow the file, or the registry's notices and polls. */
  follow(): void;
  /** After the last request: the watcher, the registry's store and the composition worker. */
  close(): Promise<void>;
}

export interface SupergraphSourceOptions {
  readonly config: Config;
  readonly log: Logger;
  /** The app's entries a candidate graph would leave with nothing to act on (the registry refuses such changes unless forced). */
  readonly policyProblems: (supergraphSdl: string) => readonly string[];
}

/**
 * `supergraph.yaml`'s subgraphs plus the registered ones, composed (src/registry/), or a
 * pre-composed file reloaded on change. Composition and the checks of a candidate graph run in a
 * worker thread, never on the serving one.
 */
export function createSupergraphSource({ config, log, policyProblems }: SupergraphSourceOptions): SupergraphSource {
  const source = config.supergraph;
  const composer = createCompositionPool(config.composition);
  const registry =
    source.kind === 'compose'
      ? createRegistry({ config, staticSpecs: source.subgraphs, manager: (): SupergraphManager => manager, log, composer, policyProblems })
      : undefined;
  const manager = new SupergraphManager(
    source.kind === 'compose' ? () => registry!.initialSupergraph() : async () => checkSupergraph(composer, await readFile(source.path, 'utf8')),
  );
  manager.onChange((state) => recordSupergraph(state.id));
  manager.onChange((state, previous) => log.info({ compositionId: state.id, version: state.version, previous: previous?.id }, 'supergraph loaded'));

  let unwatch: (() => void) | undefined;
  return {
    manager,
    registry,
    follow() {
      if (source.kind === 'file') unwatch = watchSupergraphFile(source.path, manager, composer, log);
      registry?.start();
    },
    async close() {
      unwatch?.();
      await registry?.close();
      await composer.close();
    },
  };
}
