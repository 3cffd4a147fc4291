/** One registered subgraph, as stored. The SDL is stored so every replica composes the same thing. */
export interface Registration {
  readonly name: string;
  /** Routing URL: where the gateway sends this subgraph's fetches. */
  readonly url: string;
  readonly sdl: string;
  readonly sdlHash: string;
  /** ISO time of the publish that stored this version. */
  readonly registeredAt: string;
  /** Who published it: `token:admin` or `jwt:<sub>`. */
  readonly registeredBy: string;
}

/** The result of the last health check the registry ran against a subgraph. */
export interface HealthRecord {
  readonly ok: boolean;
  readonly at: string;
  readonly message?: string;
}

/** Everything registered, at one version. Versions only grow; every accepted change adds one. */
export interface RegistrySnapshot {
  readonly version: number;
  readonly subgraphs: readonly Registration[];
}

export interface RegistryHead {
  readonly version: number;
  readonly registered: number;
}

/**
 * A composed supergraph kept beside the registered set: the replica that accepts a change composes
 * it once, and the others adopt it when its inputs are the ones they see (registryService.ts).
 */
export interface StoredSupergraph {
  /** The registry version it was composed for. */
  readonly version: number;
  /** What composition read: every served subgraph's name, URL and SDL hash, and the composer (compose.ts). */
  readonly inputsHash: string;
  readonly supergraphSdl: string;
  /** Its composition id, so a reader can check the SDL arrived whole. */
  readonly id: string;
}

export type RegistryChange =
  | { readonly kind: 'put'; readonly registration: Registration }
  | { readonly kind: 'delete'; readonly name: string }
  /** Import: the whole registered set at once. */
  | { readonly kind: 'replace'; readonly registrations: readonly Registration[] };

/**
 * Where registrations live: a JSON file (one replica) or Redis (every replica). A change is
 * committed only against the version it was validated on, so two replicas publishing at once
 * cannot both win: the second gets `undefined` and refuses with REGISTRY_CONFLICT.
 */
export interface RegistryStore {
  readonly kind: 'file' | 'redis';
  read(): Promise<RegistrySnapshot>;
  /**
   * The current version and how many subgraphs are registered: what the polling fallback compares.
   * The count catches a store that lost the set but kept its version (a key evicted alone).
   */
  head(): Promise<RegistryHead>;
  /**
   * Applies `change` if the store is still at `expectedVersion`, and keeps `supergraph` (composed from
   * the changed set) with it; resolves the new version, or undefined on a race.
   */
  commit(expectedVersion: number, change: RegistryChange, supergraph?: Omit<StoredSupergraph, 'version'>): Promise<number | undefined>;
  /**
   * The supergraph kept for the current version and these inputs, if any. Replicas whose inputs
   * differ (their own supergraph.yaml, another composer version in a rolling upgrade) each find their own.
   */
  readSupergraph(inputsHash: string): Promise<StoredSupergraph | undefined>;
  /**
   * Keeps a supergraph a replica composed itself (at start, or after a change stored without one),
   * if the store is still at its version. Resolves whether it did. A commit drops every kept one.
   */
  saveSupergraph(supergraph: StoredSupergraph): Promise<boolean>;
  /**
   * Claims the composition of one set of inputs for `ttlMs`, so replicas that start together with
   * nothing stored compose it once: true for the one that should compose (always, for a store
   * that serves one replica). The others wait for its result, or claim it when it is released or expires.
   */
  claimComposition(inputsHash: string, ttlMs: number): Promise<boolean>;
  releaseComposition(inputsHash: string): Promise<void>;
  /**
   * Puts back a registered set a replica still serves after the store lost it (a Redis restart
   * without persistence, an old backup): if the store is still at `expectedVersion`, replaces the set,
   * sets the version to `snapshot.version` (the higher one the replicas serve), keeps `supergraph`
   * for it and notifies. Resolves whether it did. Versions only grow except through this.
   */
  restore(expectedVersion: number, snapshot: RegistrySnapshot, supergraph?: Omit<StoredSupergraph, 'version'>): Promise<boolean>;
  /** Health results are not registry changes: they neither bump the version nor notify. */
  recordHealth(name: string, record: HealthRecord): Promise<void>;
  health(): Promise<Readonly<Record<string, HealthRecord>>>;
  /** Calls `onChange` with the new version when any replica commits (best effort; polling covers misses). */
  watch(onChange: (version: number) => void): () => void;
  close(): Promise<void>;
}

/** Applies a change to a set of registrations: the one meaning both stores share. */
export function applyChange(current: ReadonlyMap<string, Registration>, change: RegistryChange): Map<string, Registration> {
  const next = new Map(current);
  switch (change.kind) {
    case 'put':
      next.set(change.registration.name, change.registration);
      return next;
    case 'delete':
      next.delete(change.name);
      return next;
    case 'replace':
      return new Map(change.registrations.map((r) => [r.name, r]));
    default: {
      const unreachable: never = change;
      throw new Error(`Unknown registry change ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Names of the registrations `store` holds that putting `served` back would replace or drop: absent
 * from it, or registered there at another URL or with another schema. None: the restore loses nothing.
 */
export function overwrittenBy(served: RegistrySnapshot, store: RegistrySnapshot): string[] {
  const kept = new Map(served.subgraphs.map((r) => [r.name, r]));
  return store.subgraphs
    .filter((r) => {
      const mine = kept.get(r.name);
      return !mine || mine.url !== r.url || mine.sdlHash !== r.sdlHash;
    })
    .map((r) => r.name)
    .sort();
}
