import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyChange,
  type HealthRecord,
  type Registration,
  type RegistryChange,
  type RegistryHead,
  type RegistrySnapshot,
  type RegistryStore,
  type StoredSupergraph,
} from '../registryStore.js';

interface FileShape {
  version: number;
  subgraphs: Record<string, Registration>;
  health: Record<string, HealthRecord>;
  /** Supergraphs kept for the current version, by inputs hash. */
  supergraphs?: Record<string, StoredSupergraph>;
}

const EMPTY: FileShape = { version: 0, subgraphs: {}, health: {} };

/**
 * The embedded default: `registry.json` in the data directory, replaced atomically (write to a
 * temporary file, then rename), so a crash never leaves half a file. Meant for one replica: other
 * processes sharing the directory see changes through polling, but commits are only serialized
 * within this process.
 */
export class FileRegistryStore implements RegistryStore {
  readonly kind = 'file';
  readonly #path: string;
  readonly #listeners = new Set<(version: number) => void>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataDir: string) {
    this.#path = join(dataDir, 'registry.json');
  }

  async #load(): Promise<FileShape> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<FileShape>;
    return {
      version: parsed.version ?? 0,
      subgraphs: parsed.subgraphs ?? {},
      health: parsed.health ?? {},
      ...(parsed.supergraphs ? { supergraphs: parsed.supergraphs } : {}),
    };
  }

  async #save(data: FileShape): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const temporary = `${this.#path}.${randomUUID()}.tmp`;
    await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.#path);
  }

  /** Read-modify-write steps run one at a time. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async read(): Promise<RegistrySnapshot> {
    const data = await this.#load();
    return { version: data.version, subgraphs: Object.values(data.subgraphs) };
  }

  async head(): Promise<RegistryHead> {
    const data = await this.#load();
    return { version: data.version, registered: Object.keys(data.subgraphs).length };
  }

  commit(expectedVersion: number, change: RegistryChange, supergraph?: Omit<StoredSupergraph, 'version'>): Promise<number | undefined> {
    return this.#commit(expectedVersion, change, supergraph);
  }

  async restore(expectedVersion: number, snapshot: RegistrySnapshot, supergraph?: Omit<StoredSupergraph, 'version'>): Promise<boolean> {
    const change = { kind: 'replace', registrations: snapshot.subgraphs } as const;
    return (await this.#commit(expectedVersion, change, supergraph, snapshot.version)) !== undefined;
  }

  /** A commit adds one to the version; a restore sets the one given. */
  #commit(expectedVersion: number, change: RegistryChange, supergraph: Omit<StoredSupergraph, 'version'> | undefined, setVersion?: number): Promise<number | undefined> {
    return this.#serial(async () => {
      const data = await this.#load();
      if (data.version !== expectedVersion) return undefined;
      const next = applyChange(new Map(Object.entries(data.subgraphs)), change);
      const version = setVersion ?? data.version + 1;
      const health = Object.fromEntries(Object.entries(data.health).filter(([name]) => next.has(name)));
      const supergraphs = supergraph ? { [supergraph.inputsHash]: { ...supergraph, version } } : {};
      await this.#save({ version, subgraphs: Object.fromEntries(next), health, supergraphs });
      for (const listener of this.#listeners) listener(version);
      return version;
    });
  }

  async readSupergraph(inputsHash: string): Promise<StoredSupergraph | undefined> {
    const data = await this.#load();
    const kept = data.supergraphs?.[inputsHash];
    return kept?.version === data.version ? kept : undefined;
  }

  saveSupergraph(supergraph: StoredSupergraph): Promise<boolean> {
    return this.#serial(async () => {
      const data = await this.#load();
      if (data.version !== supergraph.version) return false;
      await this.#save({ ...data, supergraphs: { ...data.supergraphs, [supergraph.inputsHash]: supergraph } });
      return true;
    });
  }

  /** One replica: nobody to share the work with. */
  async claimComposition(): Promise<boolean> {
    return true;
  }

  async releaseComposition(): Promise<void> {}

  recordHealth(name: string, record: HealthRecord): Promise<void> {
    return this.#serial(async () => {
      const data = await this.#load();
      data.health[name] = record;
      await this.#save(data);
    });
  }

  async health(): Promise<Readonly<Record<string, HealthRecord>>> {
    return (await this.#load()).health;
  }

  watch(onChange: (version: number) => void): () => void {
    this.#listeners.add(onChange);
    return () => this.#listeners.delete(onChange);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#queue;
  }
}
