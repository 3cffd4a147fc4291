import type { Logger } from 'pino';
import type { Config, SubgraphSpec } from '../config/index.js';
import { loadSubgraphSdls } from '../composition/loadSubgraphs.js';
import type { Composer } from '../composition/compositionPool.js';
import type { SupergraphManager } from '../composition/supergraphManager.js';
import { RegistryService } from './registryService.js';
import type { RegistryStore } from './registryStore.js';
import { FileRegistryStore } from './stores/fileStore.js';
import { RedisRegistryStore } from './stores/redisStore.js';
import type { Resolve } from './urlGuard.js';

/** Redis, one or a cluster, when set (shared by every replica), else the JSON file in DATA_DIR. */
export function createRegistryStore(config: Config, log: Logger): RegistryStore {
  return config.redis
    ? new RedisRegistryStore({ target: config.redis, prefix: config.redisPrefix, log })
    : new FileRegistryStore(config.registry.dataDir);
}

export interface CreateRegistryOptions {
  readonly config: Config;
  /** The subgraphs of supergraph.yaml. */
  readonly staticSpecs: readonly SubgraphSpec[];
  /** Late-bound: the manager is created after the registry its loader reads. */
  readonly manager: () => SupergraphManager;
  readonly log: Logger;
  /** The composition worker (shared with the supergraph file watcher). */
  readonly composer: Composer;
  readonly store?: RegistryStore;
  readonly resolve?: Resolve;
  /** See RegistryServiceOptions.policyProblems. */
  readonly policyProblems?: (supergraphSdl: string) => readonly string[];
}

/** Wires the registry service to the config, its store and the served supergraph. */
export function createRegistry({ config, staticSpecs, manager, log, composer, store, resolve, policyProblems }: CreateRegistryOptions): RegistryService {
  return new RegistryService({
    store: store ?? createRegistryStore(config, log),
    staticSpecs,
    loadStatic: () => loadSubgraphSdls(staticSpecs, { timeoutMs: config.subgraphTimeoutMs }),
    composer,
    apply: (sdl) => manager().apply(sdl),
    served: () => manager().state?.supergraphSdl,
    allowedHosts: config.registry.allowedHosts,
    ...(resolve ? { resolve } : {}),
    ...(policyProblems ? { policyProblems } : {}),
    fetchTimeoutMs: Math.min(config.subgraphTimeoutMs, 10_000),
    pollMs: config.registry.pollMs,
    claimMs: config.composition.timeoutMs,
    log: log.child({ component: 'registry' }),
  });
}
