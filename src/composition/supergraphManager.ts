import type { SupergraphSource } from '../gateway/tesseraGateway.js';
import { compositionId } from './compose.js';
import { internNames } from './oneByteNames.js';

export interface SupergraphState {
  readonly supergraphSdl: string;
  /** Hash of the supergraph SDL; the same on every replica serving the same graph. */
  readonly id: string;
  /** Counts the swaps this process made; starts at 1 with the first graph. */
  readonly version: number;
  readonly loadedAt: Date;
}

type Listener = (state: SupergraphState, previous: SupergraphState | undefined) => void;

/**
 * Owns the served supergraph. Swaps go through one promise chain, one at a time; a graph the
 * gateway cannot build leaves the old one served and the error with the caller.
 */
export class SupergraphManager implements SupergraphSource {
  #update: ((supergraphSdl: string) => Promise<void>) | undefined;
  #state: SupergraphState | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<Listener>();
  readonly #cleanups: (() => Promise<void> | void)[] = [];

  constructor(private readonly loadInitial: () => Promise<string>) {}

  get state(): SupergraphState | undefined {
    return this.#state;
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Registers work to undo when the gateway stops (watchers, subscriptions). */
  addCleanup(cleanup: () => Promise<void> | void): void {
    this.#cleanups.push(cleanup);
  }

  async initialize({ update }: { update: (supergraphSdl: string) => Promise<void> }) {
    this.#update = update;
    const supergraphSdl = internNames(await this.loadInitial());
    // The gateway builds and serves the returned SDL itself; record it as the first state.
    this.#record(supergraphSdl);
    return {
      supergraphSdl,
      cleanup: async () => {
        for (const cleanup of this.#cleanups.splice(0)) await cleanup();
      },
    };
  }

  /** Swaps in a new supergraph. Resolves with the new state, or with the current one if unchanged. */
  apply(supergraphSdl: string): Promise<SupergraphState> {
    const run = async () => {
      if (!this.#update) throw new Error('The gateway has not loaded yet.');
      if (this.#state && compositionId(supergraphSdl) === this.#state.id) return this.#state;
      await this.#update(internNames(supergraphSdl));
      return this.#record(supergraphSdl);
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #record(supergraphSdl: string): SupergraphState {
    const previous = this.#state;
    const state: SupergraphState = Object.freeze({
      supergraphSdl,
      id: compositionId(supergraphSdl),
      version: (previous?.version ?? 0) + 1,
      loadedAt: new Date(),
    });
    this.#state = state;
    for (const listener of this.#listeners) listener(state, previous);
    return state;
  }
}
