import type { Logger } from 'pino';
import { compositionId, inputsHash, sdlHash, type SubgraphSdl } from '../composition/compose.js';
import type { Composer } from '../composition/compositionPool.js';
import { fetchSubgraphSdl } from '../composition/fetchSdl.js';
import { CompositionFailedError } from '../composition/loadSubgraphs.js';
import { SUBGRAPH_NAME, printSupergraphConfig, type SubgraphSpec } from '../config/supergraphConfig.js';
import { TesseraError } from '../errors/codes.js';
import type { ComposeResult, ComposeTask } from '../composition/worker/tasks.js';
import { metrics } from '../observability/metrics.js';
import type { SchemaChange } from '../composition/breakingChanges.js';
import { checkSubgraphHealth } from './healthCheck.js';
import { applyChange, overwrittenBy, type HealthRecord, type Registration, type RegistryChange, type RegistrySnapshot, type RegistryStore } from './registryStore.js';
import { guardSubgraphUrl, pinnedDispatcher, UrlRefusedError, type ResolvedAddress, type Resolve } from './urlGuard.js';

/** A registry change was refused; `errors` lists every error of the step that failed. */
export class RegistryRefusal extends Error {
  override readonly name = 'RegistryRefusal';
  constructor(
    readonly errors: readonly TesseraError[],
    /** Schema changes, when the refusal is about breaking ones. */
    readonly changes: readonly SchemaChange[] = [],
  ) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('\n'));
  }
}

/** A registration that passed steps 1–2, with the address its URL was checked against. */
interface Checked {
  readonly registration: Registration;
  readonly address: ResolvedAddress;
}

/** A version's supergraph: adopted from the store, or composed here; or why it does not compose. */
type StoredOrComposed = { readonly ok: true; readonly supergraphSdl: string; readonly adopted: boolean } | { readonly ok: false; readonly errors: readonly string[] };

export type RegistryAction = 'publish' | 'remove' | 'import' | 'restore';

/** What an accepted (or, for a dry run, acceptable) change did. */
export interface ChangeOutcome {
  readonly action: RegistryAction;
  readonly dryRun: boolean;
  readonly subgraphs: readonly string[];
  /** Registry version after the change (a dry run: the version it was checked against). */
  readonly version: number;
  readonly compositionId: string;
  readonly changes: readonly SchemaChange[];
  /** A restore: whether the store was behind and got this replica's set back (or would, in a dry run). */
  readonly restored?: boolean;
  /** A restore: the stored registrations it replaced that this replica did not serve. */
  readonly overwritten?: readonly string[];
}

/** The registry as `/readiness` shows it: the version served, and whether the store is behind it. */
export interface RegistryStatus {
  readonly version: number;
  /** `behind`: the store lost data and holds registrations not served here; an operator must restore it. */
  readonly store: 'ok' | 'behind';
  readonly storeVersion?: number;
  /** Stored registrations that a restore would overwrite. */
  readonly notServed?: readonly string[];
}

/** A row of `GET /admin/subgraphs` and `tessera subgraph list`. */
export interface SubgraphView {
  readonly name: string;
  readonly url: string;
  /** `static`: listed in supergraph.yaml; `registered`: published through the registry. */
  readonly source: 'static' | 'registered';
  readonly sdlHash: string;
  readonly registeredAt?: string;
  readonly registeredBy?: string;
  readonly lastHealthCheck?: HealthRecord;
}

export interface PublishInput {
  readonly url: string;
  /** The schema as given (`--schema`); otherwise fetched with `{ _service { sdl } }`. */
  readonly sdl?: string;
  readonly force?: boolean;
}

export interface ChangeOptions {
  /** Who asks: `token:admin` or `jwt:<sub>`; goes to the audit line and the stored registration. */
  readonly actor: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
}

export interface RegistryServiceOptions {
  readonly store: RegistryStore;
  /** The subgraphs of supergraph.yaml; they are served too and cannot be registered over. */
  readonly staticSpecs: readonly SubgraphSpec[];
  /** Loads the static subgraphs' SDL once (files, inline, introspection). */
  readonly loadStatic: () => Promise<SubgraphSdl[]>;
  /** Composes and diffs candidate graphs off the serving thread (compositionPool.ts). */
  readonly composer: Composer;
  /** Swaps the served graph (the SupergraphManager's serialized `apply`). */
  readonly apply: (supergraphSdl: string) => Promise<{ readonly id: string }>;
  /** The SDL being served now, if any. */
  readonly served: () => string | undefined;
  /** App policy entries a supergraph would leave with nothing to act on (appScope.ts); none when absent. */
  readonly policyProblems?: (supergraphSdl: string) => readonly string[];
  readonly allowedHosts: readonly string[];
  readonly resolve?: Resolve;
  readonly fetchTimeoutMs: number;
  readonly maxSdlBytes?: number;
  /** The polling fallback: how often the stored version is compared with the applied one. */
  readonly pollMs: number;
  /** How long a replica's claim on composing a set lasts (the composition time limit): others wait that long at most. */
  readonly claimMs?: number;
  readonly log: Logger;
}

function refuse(errors: readonly TesseraError[], changes?: readonly SchemaChange[]): never {
  throw new RegistryRefusal(errors, changes);
}

const unavailable = (error: unknown): RegistryRefusal =>
  new RegistryRefusal([new TesseraError('REGISTRY_UNAVAILABLE', `The registry store did not answer: ${(error as Error).message}`)]);

/**
 * The registry service: every door (HTTP admin API, CLI, supergraph.yaml import) ends here.
 * A change runs validate → fetch → compose → breaking check → health check, stopping at the
 * first failing step with all of its errors; only then is it persisted with its supergraph,
 * announced and served. Composition and the breaking check run in a worker thread. Every replica
 * follows the store (notices + polling) and adopts the stored supergraph when it was composed from
 * the inputs it sees itself, composing only when they differ; so a change is composed once, and
 * every replica converges on the same composition id.
 */
export class RegistryService {
  readonly #o: RegistryServiceOptions;
  readonly #staticNames: ReadonlySet<string>;
  #staticSdls: SubgraphSdl[] | undefined;
  /** The registry version this replica serves and its registered set: what it puts back if the store loses it. */
  #served: RegistrySnapshot = { version: -1, subgraphs: [] };
  /** Set while the store went back and could not be restored without overwriting. */
  #behind: { readonly storeVersion: number; readonly notServed: readonly string[] } | undefined;
  #lastFailedVersion = -1;
  #queue: Promise<unknown> = Promise.resolve();
  #stopWatching: (() => void) | undefined;

  constructor(options: RegistryServiceOptions) {
    this.#o = options;
    this.#staticNames = new Set(options.staticSpecs.map((s) => s.name));
  }

  get appliedVersion(): number {
    return this.#served.version;
  }

  get storeKind(): RegistryStore['kind'] {
    return this.#o.store.kind;
  }

  get status(): RegistryStatus {
    const behind = this.#behind;
    return behind
      ? { version: this.#served.version, store: 'behind', storeVersion: behind.storeVersion, notServed: behind.notServed }
      : { version: this.#served.version, store: 'ok' };
  }

  /** The first graph: static subgraphs plus everything stored. A failure stops start-up, naming each error. */
  async initialSupergraph(): Promise<string> {
    const snapshot = await this.#o.store.read();
    const result = await this.#supergraphOf(snapshot);
    if (!result.ok) throw new CompositionFailedError(result.errors);
    this.#o.log.info({ registryVersion: snapshot.version, adopted: result.adopted }, result.adopted ? 'starting on the stored supergraph' : 'composed at start');
    this.#served = snapshot;
    return result.supergraphSdl;
  }

  /** Follows the store: change notices, plus polling for the notices a replica missed. */
  start(): () => void {
    if (this.#stopWatching) return this.#stopWatching;
    const unwatch = this.#o.store.watch((version) => {
      if (version > this.#served.version || this.#behind) void this.#serial(() => this.#sync());
    });
    const timer = setInterval(() => {
      this.#o.store.head().then(
        ({ version, registered }) => {
          if (version !== this.#served.version || registered !== this.#served.subgraphs.length || this.#behind) void this.#serial(() => this.#sync());
        },
        (error: unknown) => this.#o.log.warn({ err: error }, 'registry poll failed; serving the current graph'),
      );
    }, this.#o.pollMs);
    timer.unref();
    this.#stopWatching = () => {
      unwatch();
      clearInterval(timer);
      this.#stopWatching = undefined;
    };
    return this.#stopWatching;
  }

  async close(): Promise<void> {
    this.#stopWatching?.();
    await this.#queue;
    await this.#o.store.close();
  }

  async list(): Promise<SubgraphView[]> {
    const [snapshot, health, statics] = await Promise.all([
      this.#read(),
      this.#o.store.health().catch(() => ({}) as Record<string, HealthRecord>),
      this.#statics(),
    ]);
    const views: SubgraphView[] = statics.map((s) => ({ name: s.name, url: s.url, source: 'static', sdlHash: sdlHash(s.sdl) }));
    for (const r of [...snapshot.subgraphs].sort((a, b) => a.name.localeCompare(b.name))) {
      const lastHealthCheck = health[r.name];
      views.push({
        name: r.name,
        url: r.url,
        source: 'registered',
        sdlHash: r.sdlHash,
        registeredAt: r.registeredAt,
        registeredBy: r.registeredBy,
        ...(lastHealthCheck ? { lastHealthCheck } : {}),
      });
    }
    return views;
  }

  /** One subgraph with its SDL, static or registered. */
  async get(name: string): Promise<(SubgraphView & { readonly sdl: string }) | undefined> {
    const view = (await this.list()).find((v) => v.name === name);
    if (!view) return undefined;
    const sdl =
      view.source === 'static'
        ? (await this.#statics()).find((s) => s.name === name)?.sdl
        : (await this.#read()).subgraphs.find((r) => r.name === name)?.sdl;
    return { ...view, sdl: sdl ?? '' };
  }

  /** The registered set as Rover `supergraph.yaml`, each schema inline so an import needs no fetch. */
  async exportSupergraphConfig(): Promise<string> {
    const snapshot = await this.#read();
    return printSupergraphConfig(
      [...snapshot.subgraphs]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => ({ name: r.name, routingUrl: r.url, schema: { kind: 'sdl', sdl: r.sdl } })),
    );
  }

  publish(name: string, input: PublishInput, options: ChangeOptions): Promise<ChangeOutcome> {
    return this.#audited('publish', [name], options, async () => {
      const nameErrors = this.#nameErrors(name);
      const checked = await this.#prepare([{ name, url: input.url, sdl: input.sdl }], options.actor, nameErrors);
      return this.#change('publish', checked, { kind: 'put', registration: checked[0]!.registration }, { ...options, force: input.force ?? options.force });
    });
  }

  remove(name: string, options: ChangeOptions): Promise<ChangeOutcome> {
    return this.#audited('remove', [name], options, async () => {
      if (this.#staticNames.has(name)) {
        refuse([new TesseraError('INVALID_SUBGRAPH', `"${name}" is defined in supergraph.yaml; remove it there.`)]);
      }
      const snapshot = await this.#readForChange();
      if (!snapshot.subgraphs.some((r) => r.name === name)) {
        refuse([new TesseraError('SUBGRAPH_NOT_FOUND', `No subgraph is registered as "${name}".`)]);
      }
      return this.#change('remove', [], { kind: 'delete', name }, options, snapshot);
    });
  }

  /** Replaces the whole registered set, validated as one change. Schemas must be inline or fetched by URL. */
  importSet(specs: readonly SubgraphSpec[], options: ChangeOptions): Promise<ChangeOutcome> {
    return this.#audited('import', specs.map((s) => s.name), options, async () => {
      const errors: TesseraError[] = [];
      const inputs: { name: string; url: string; sdl?: string; fetchUrl?: string }[] = [];
      for (const spec of specs) {
        errors.push(...this.#nameErrors(spec.name));
        switch (spec.schema.kind) {
          case 'file':
            errors.push(new TesseraError('INVALID_SUBGRAPH', `[${spec.name}] schema.file cannot be imported over HTTP; inline it (the CLI does).`));
            break;
          case 'sdl':
            inputs.push({ name: spec.name, url: spec.routingUrl, sdl: spec.schema.sdl });
            break;
          case 'introspect':
            inputs.push({ name: spec.name, url: spec.routingUrl, fetchUrl: spec.schema.url });
            break;
        }
      }
      const checked = await this.#prepare(inputs, options.actor, errors);
      return this.#change('import', checked, { kind: 'replace', registrations: checked.map((c) => c.registration) }, options);
    });
  }

  // --- the pipeline -------------------------------------------------------------------------

  /** Steps 1–2: name and URL checks for all, then each SDL fetched (through the checked address) or taken as given. */
  async #prepare(
    inputs: readonly { name: string; url: string; sdl?: string | undefined; fetchUrl?: string }[],
    actor: string,
    earlierErrors: readonly TesseraError[],
  ): Promise<Checked[]> {
    const errors = [...earlierErrors];
    const guarded = await Promise.all(
      inputs.map(async (input) => {
        const urls = input.fetchUrl && input.fetchUrl !== input.url ? [input.url, input.fetchUrl] : [input.url];
        const checked = await Promise.all(
          urls.map((url) =>
            guardSubgraphUrl(url, { allowedHosts: this.#o.allowedHosts, ...(this.#o.resolve ? { resolve: this.#o.resolve } : {}) }).catch(
              (error: unknown) => {
                if (!(error instanceof UrlRefusedError)) throw error;
                errors.push(...error.errors.map((e) => new TesseraError(e.code, `[${input.name}] ${e.message}`, e.extensions)));
                return undefined;
              },
            ),
          ),
        );
        return { input, routing: checked[0], fetch: checked[checked.length - 1] };
      }),
    );
    if (errors.length > 0) refuse(errors);

    const fetched = await Promise.all(
      guarded.map(async ({ input, fetch }) => {
        if (input.sdl !== undefined) {
          if (input.sdl.trim() === '') errors.push(new TesseraError('INVALID_SUBGRAPH', `[${input.name}] the schema is empty.`));
          return input.sdl;
        }
        const dispatcher = pinnedDispatcher(fetch!.address);
        try {
          return await fetchSubgraphSdl(fetch!.url.href, {
            timeoutMs: this.#o.fetchTimeoutMs,
            maxBytes: this.#o.maxSdlBytes ?? 2 * 1024 * 1024,
            dispatcher,
          });
        } catch (error) {
          const e = error instanceof TesseraError ? error : new TesseraError('SCHEMA_FETCH_FAILED', (error as Error).message);
          errors.push(new TesseraError(e.code, `[${input.name}] ${e.message}`));
          return '';
        } finally {
          await dispatcher.close();
        }
      }),
    );
    if (errors.length > 0) refuse(errors);

    const registeredAt = new Date().toISOString();
    return guarded.map(({ input, routing }, i) => ({
      registration: {
        name: input.name,
        url: routing!.url.href,
        sdl: fetched[i]!,
        sdlHash: sdlHash(fetched[i]!),
        registeredAt,
        registeredBy: actor,
      },
      address: routing!.address,
    }));
  }

  /** Steps 3–6 plus persist and swap, for any change. `checked` are the subgraphs to health-check. */
  async #change(
    action: RegistryAction,
    checked: readonly Checked[],
    change: RegistryChange,
    options: ChangeOptions,
    base?: RegistrySnapshot,
  ): Promise<ChangeOutcome> {
    const snapshot = base ?? (await this.#readForChange());
    const candidate = applyToSnapshot(snapshot, change);

    // 3. compose the candidate set with every current subgraph, and 4. diff the API schema clients
    // see against the served one: both in the worker, in one trip
    const served = this.#o.served();
    const set = await this.#servedSet(candidate);
    const composed = await this.#compose({ kind: 'compose', subgraphs: set, ...(served ? { compareWith: served } : {}) });
    if (!composed.ok) {
      refuse(composed.errors.map((message) => new TesseraError('COMPOSITION_FAILED', message)));
    }
    const changes = composed.changes ?? [];
    const breaking = changes.filter((c) => c.breaking);
    if (breaking.length > 0 && !options.force) {
      refuse(
        breaking.map((c) => new TesseraError('BREAKING_CHANGE', c.message, c.path ? { path: c.path } : {})),
        changes,
      );
    }

    // 4b. the app's rules keep their fields: a subgraph that takes a guarded field over
    // (`@override`) would lift the guard without a word, so that is a breaking change too
    const before = new Set(served && this.#o.policyProblems ? this.#o.policyProblems(served) : []);
    const lifted = (this.#o.policyProblems?.(composed.supergraphSdl) ?? []).filter((p) => !before.has(p));
    if (lifted.length > 0 && !options.force) {
      refuse(lifted.map((p) => new TesseraError('BREAKING_CHANGE', `The app's policy would no longer apply: ${p}`)), changes);
    }

    // 5. health of the new subgraphs, through the address checked in step 1 (never a new lookup)
    const health = await Promise.all(
      checked.map(async ({ registration: r, address }) => {
        const dispatcher = pinnedDispatcher(address);
        try {
          return { name: r.name, record: await checkSubgraphHealth(r.url, { dispatcher, timeoutMs: this.#o.fetchTimeoutMs }) };
        } finally {
          await dispatcher.close();
        }
      }),
    );
    await Promise.all(health.map(({ name, record }) => this.#o.store.recordHealth(name, record).catch(() => undefined)));
    const unhealthy = health.filter((h) => !h.record.ok);
    if (unhealthy.length > 0) {
      refuse(unhealthy.map((h) => new TesseraError('HEALTH_CHECK_FAILED', `[${h.name}] { __typename } failed: ${h.record.message ?? 'unknown'}`)));
    }

    const names = change.kind === 'delete' ? [change.name] : checked.map((c) => c.registration.name);
    if (options.dryRun) {
      return { action, dryRun: true, subgraphs: names, version: snapshot.version, compositionId: composed.id, changes };
    }

    // 6. persist (only against the version validated on), notify (the store does), swap
    let version: number | undefined;
    try {
      version = await this.#o.store.commit(snapshot.version, change, { inputsHash: inputsHash(set), supergraphSdl: composed.supergraphSdl, id: composed.id });
    } catch (error) {
      throw unavailable(error);
    }
    if (version === undefined) {
      refuse([new TesseraError('REGISTRY_CONFLICT', 'The registry changed while this change was checked (another replica published); retry.')]);
    }
    // Health was recorded before the commit; a replace prunes unknown names, so record again.
    if (change.kind === 'replace') await Promise.all(health.map(({ name, record }) => this.#o.store.recordHealth(name, record).catch(() => undefined)));
    await this.#o.apply(composed.supergraphSdl);
    this.#served = { version: version!, subgraphs: candidate.subgraphs };
    return { action, dryRun: false, subgraphs: names, version: version!, compositionId: composed.id, changes };
  }

  /** Follows another replica's change; a graph that does not compose is never swapped in. */
  async #sync(): Promise<void> {
    let snapshot: RegistrySnapshot;
    try {
      snapshot = await this.#o.store.read();
    } catch (error) {
      this.#o.log.warn({ err: error }, 'registry read failed; serving the current graph');
      return;
    }
    if (this.#lostData(snapshot)) return this.#storeWentBack(snapshot);
    this.#storeCaughtUp();
    if (snapshot.version === this.#served.version || snapshot.version === this.#lastFailedVersion) return;
    let result: StoredOrComposed;
    try {
      result = await this.#supergraphOf(snapshot);
    } catch (error) {
      this.#lastFailedVersion = snapshot.version;
      this.#o.log.error({ err: error, registryVersion: snapshot.version }, 'stored registry could not be composed here; still serving the previous graph');
      return;
    }
    if (!result.ok) {
      this.#lastFailedVersion = snapshot.version;
      this.#o.log.error({ registryVersion: snapshot.version, errors: result.errors }, 'stored registry does not compose here; still serving the previous graph');
      return;
    }
    try {
      const state = await this.#o.apply(result.supergraphSdl);
      this.#served = snapshot;
      this.#o.log.info({ registryVersion: snapshot.version, compositionId: state.id, adopted: result.adopted }, 'registry change applied');
    } catch (error) {
      this.#lastFailedVersion = snapshot.version;
      this.#o.log.error({ err: error, registryVersion: snapshot.version }, 'registry change rejected by the gateway; still serving the previous graph');
    }
  }

  /**
   * The operator's way out when the store went back and holds registrations this replica does not
   * serve: puts this replica's set back, overwriting them (the outcome names them). Nothing to do
   * when the store is not behind; refused when it has moved past this replica.
   */
  restoreStore(options: ChangeOptions): Promise<ChangeOutcome> {
    return this.#audited('restore', this.#served.subgraphs.map((r) => r.name), options, async () => {
      const snapshot = await this.#read();
      const outcome = (restored: boolean, overwritten: readonly string[] = []): ChangeOutcome => ({
        action: 'restore',
        dryRun: options.dryRun ?? false,
        subgraphs: this.#served.subgraphs.map((r) => r.name),
        version: this.#served.version,
        compositionId: compositionId(this.#o.served() ?? ''),
        changes: [],
        restored,
        overwritten,
      });
      if (snapshot.version > this.#served.version) {
        refuse([new TesseraError('REGISTRY_CONFLICT', `The store is at version ${snapshot.version}, past the ${this.#served.version} served here; this replica follows it, nothing to restore.`)]);
      }
      if (!this.#lostData(snapshot)) return outcome(false);
      const overwritten = overwrittenBy(this.#served, snapshot);
      if (options.dryRun) return outcome(true, overwritten);
      let restored: boolean;
      try {
        restored = await this.#putBack(snapshot, 'operator');
      } catch (error) {
        throw unavailable(error);
      }
      if (!restored) {
        refuse([new TesseraError('REGISTRY_CONFLICT', 'The registry changed while it was restored (another replica restored or published); check /readiness and retry.')]);
      }
      return outcome(true, overwritten);
    });
  }

  /**
   * The store lost data (Redis restarted without persistence or evicted a key, an old backup
   * restored, registry.json replaced; `#lostData`). Versions never go back, so this
   * replica keeps serving its set and never adopts the older one. When putting that set back loses
   * nothing (the store holds only registrations served here, or none), it does so; otherwise it
   * leaves the store alone, says so once, and waits for an operator (`restoreStore`).
   */
  async #storeWentBack(snapshot: RegistrySnapshot): Promise<void> {
    const overwritten = overwrittenBy(this.#served, snapshot);
    const facts = { registryVersion: this.#served.version, storeVersion: snapshot.version, storeSubgraphs: snapshot.subgraphs.length };
    if (overwritten.length === 0) {
      // Not put back (false): another replica restored or published first; the next sync sees which.
      await this.#putBack(snapshot, 'automatic').catch((error: unknown) =>
        this.#o.log.warn({ err: error, ...facts }, 'registry store went back and could not be restored yet; serving the current graph'),
      );
      return;
    }
    const known = this.#behind;
    this.#behind = { storeVersion: snapshot.version, notServed: overwritten };
    metrics.registryStoreBehind.set(1);
    if (known?.storeVersion === snapshot.version && known.notServed.join() === overwritten.join()) return;
    this.#o.log.error(
      { ...facts, notServed: overwritten },
      'registry store went back and holds registrations not served here; still serving the registered set, nothing overwritten. ' +
        'To put it back run `tessera subgraph restore` against a replica (it overwrites those), then publish again what should stay',
    );
  }

  /**
   * The store went back: to a version below the one served here, or it lost registrations served
   * here and kept the version (a key evicted alone). Versions are unique, so at the served version
   * the store must hold the served set.
   */
  #lostData(snapshot: RegistrySnapshot): boolean {
    if (snapshot.version !== this.#served.version) return snapshot.version < this.#served.version;
    return overwrittenBy(snapshot, this.#served).length > 0;
  }

  /**
   * Writes the set served here back over `store`, at its version and with its supergraph, if the
   * store is still at `store.version`; counts and logs it. False: another replica changed it first.
   */
  async #putBack(store: RegistrySnapshot, trigger: 'automatic' | 'operator'): Promise<boolean> {
    const sdl = this.#o.served();
    const supergraph = sdl ? { inputsHash: inputsHash(await this.#servedSet(this.#served)), supergraphSdl: sdl, id: compositionId(sdl) } : undefined;
    if (!(await this.#o.store.restore(store.version, this.#served, supergraph))) return false;
    metrics.registryRestores.inc({ trigger });
    this.#storeCaughtUp();
    // Automatic: an incident someone should hear of, though nothing was lost. Operator: their choice.
    this.#o.log[trigger === 'automatic' ? 'error' : 'warn'](
      { trigger, registryVersion: this.#served.version, storeVersion: store.version, restored: this.#served.subgraphs.map((r) => r.name), overwritten: overwrittenBy(this.#served, store) },
      'registry store lost data; put back the registered set served here',
    );
    return true;
  }

  #storeCaughtUp(): void {
    if (!this.#behind) return;
    this.#behind = undefined;
    metrics.registryStoreBehind.set(0);
    this.#o.log.info({ registryVersion: this.#served.version }, 'registry store caught up with the version served here');
  }

  /** The store as a change starts from; a store that went back is restored first, or the change refused. */
  async #readForChange(): Promise<RegistrySnapshot> {
    const snapshot = await this.#read();
    if (!this.#lostData(snapshot)) return snapshot;
    await this.#storeWentBack(snapshot);
    const again = await this.#read();
    if (!this.#lostData(again)) return again;
    refuse([
      new TesseraError(
        'REGISTRY_STORE_BEHIND',
        `The registry store is at version ${again.version}, behind the ${this.#served.version} served here (it lost data) and holds registrations not served here (${overwrittenBy(this.#served, again).join(', ')}); restore it first: tessera subgraph restore.`,
      ),
    ]);
  }

  // --- helpers ------------------------------------------------------------------------------

  #nameErrors(name: string): TesseraError[] {
    if (!SUBGRAPH_NAME.test(name)) {
      return [new TesseraError('INVALID_SUBGRAPH', `"${name}" is not a subgraph name: a letter, then letters, digits, _ or - (at most 64).`)];
    }
    if (this.#staticNames.has(name)) {
      return [new TesseraError('INVALID_SUBGRAPH', `"${name}" is defined in supergraph.yaml; change it there, or register another name.`)];
    }
    return [];
  }

  async #statics(): Promise<SubgraphSdl[]> {
    this.#staticSdls ??= await this.#o.loadStatic();
    return this.#staticSdls;
  }

  /** Static subgraphs win over a stored registration of the same name (possible only if the file changed since). */
  async #servedSet(snapshot: RegistrySnapshot): Promise<SubgraphSdl[]> {
    const statics = await this.#statics();
    const registered = snapshot.subgraphs.filter((r) => !this.#staticNames.has(r.name)).map((r) => ({ name: r.name, url: r.url, sdl: r.sdl }));
    return [...statics, ...registered];
  }

  /**
   * The supergraph of a stored version: adopted as stored when it was composed from the inputs this
   * replica sees (its own supergraph.yaml included), else composed here and kept for the others.
   */
  async #supergraphOf(snapshot: RegistrySnapshot): Promise<StoredOrComposed> {
    const set = await this.#servedSet(snapshot);
    const hash = inputsHash(set);
    const found = await this.#storedOrClaim(hash);
    if ('stored' in found) {
      metrics.supergraphAdoptions.inc();
      return { ok: true, supergraphSdl: found.stored, adopted: true };
    }
    try {
      const result = await this.#o.composer.run({ kind: 'compose', subgraphs: set });
      if (!result.ok) return result;
      const kept = { version: snapshot.version, inputsHash: hash, supergraphSdl: result.supergraphSdl, id: result.id };
      await this.#o.store.saveSupergraph(kept).catch((error: unknown) => this.#o.log.warn({ err: error }, 'composed supergraph not kept in the store'));
      return { ok: true, supergraphSdl: result.supergraphSdl, adopted: false };
    } finally {
      if (found.claimed) await this.#o.store.releaseComposition(hash).catch(() => undefined);
    }
  }

  /**
   * The supergraph kept for these inputs; else the claim to compose them (or, with the store
   * unreadable, leave to compose without one). While another replica holds the claim (replicas
   * starting together), waits for its result.
   */
  async #storedOrClaim(hash: string): Promise<{ readonly stored: string } | { readonly claimed: boolean }> {
    for (let waited = false; ; waited = true) {
      try {
        const stored = await this.#o.store.readSupergraph(hash);
        if (stored && compositionId(stored.supergraphSdl) === stored.id) return { stored: stored.supergraphSdl };
        if (await this.#o.store.claimComposition(hash, this.#o.claimMs ?? 120_000)) return { claimed: true };
      } catch (error) {
        this.#o.log.warn({ err: error }, 'registry store unreadable; composing here');
        return { claimed: false };
      }
      if (!waited) this.#o.log.info({ inputsHash: hash }, 'another replica is composing this graph; waiting for its result');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** A composition task in the worker; a limit it hits refuses the change like a failed composition. */
  async #compose(task: ComposeTask): Promise<ComposeResult> {
    try {
      return await this.#o.composer.run(task);
    } catch (error) {
      if (error instanceof TesseraError && error.code === 'COMPOSITION_LIMIT_EXCEEDED') refuse([error]);
      throw error;
    }
  }

  async #read(): Promise<RegistrySnapshot> {
    try {
      return await this.#o.store.read();
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Changes on one replica run one at a time, so they never race each other into REGISTRY_CONFLICT. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** One audit line per change attempt: who, what, result, composition id. */
  #audited(action: RegistryAction, subgraphs: readonly string[], options: ChangeOptions, work: () => Promise<ChangeOutcome>): Promise<ChangeOutcome> {
    return this.#serial(async () => {
      const base = { audit: true, actor: options.actor, action, subgraphs, dryRun: options.dryRun ?? false, force: options.force ?? false };
      try {
        const outcome = await work();
        this.#o.log.info(
          { ...base, result: 'accepted', registryVersion: outcome.version, compositionId: outcome.compositionId, breaking: outcome.changes.filter((c) => c.breaking).length },
          'registry change',
        );
        return outcome;
      } catch (error) {
        const refusal = error instanceof RegistryRefusal ? error : undefined;
        const served = this.#o.served();
        this.#o.log.info(
          {
            ...base,
            result: refusal ? 'refused' : 'error',
            codes: refusal?.errors.map((e) => e.code) ?? ['INTERNAL_SERVER_ERROR'],
            // The graph that stays served.
            compositionId: served ? compositionId(served) : null,
          },
          'registry change',
        );
        throw error;
      }
    });
  }
}

function applyToSnapshot(snapshot: RegistrySnapshot, change: RegistryChange): RegistrySnapshot {
  const current = new Map(snapshot.subgraphs.map((r) => [r.name, r]));
  return { version: snapshot.version, subgraphs: [...applyChange(current, change).values()] };
}
