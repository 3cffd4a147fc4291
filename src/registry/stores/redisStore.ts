import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { HealthRecord, Registration, RegistryChange, RegistryHead, RegistrySnapshot, RegistryStore, StoredSupergraph } from '../registryStore.js';

/**
 * Compare-and-set of the whole registry in one script, so two replicas publishing at once
 * serialize in Redis: the change applies only if the version is still the one the caller
 * validated against; then the version grows by one (or, for a restore, is set to the one given)
 * and every replica is told.
 * The supergraphs kept for the old version are dropped and the one composed for the change written
 * in the same step, so no replica ever reads a version with another version's supergraph.
 * KEYS: version, subgraphs hash, health hash, supergraphs hash (inputs hash → JSON).
 * ARGV: expected version, mode, channel, inputs hash ('' for none), composition id, supergraph SDL,
 * the version to set ('' to add one), entries…
 */
const COMMIT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
local mode = ARGV[2]
if mode == 'put' then
  redis.call('HSET', KEYS[2], ARGV[8], ARGV[9])
elseif mode == 'delete' then
  redis.call('HDEL', KEYS[2], ARGV[8])
  redis.call('HDEL', KEYS[3], ARGV[8])
elseif mode == 'replace' then
  redis.call('DEL', KEYS[2])
  for i = 8, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
  for _, name in ipairs(redis.call('HKEYS', KEYS[3])) do
    if redis.call('HEXISTS', KEYS[2], name) == 0 then redis.call('HDEL', KEYS[3], name) end
  end
else
  return redis.error_reply('unknown mode ' .. mode)
end
local version
if ARGV[7] == '' then
  version = redis.call('INCR', KEYS[1])
else
  version = tonumber(ARGV[7])
  redis.call('SET', KEYS[1], ARGV[7])
end
redis.call('DEL', KEYS[4])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[4], cjson.encode({ version = version, inputsHash = ARGV[4], id = ARGV[5], supergraphSdl = ARGV[6] }))
end
redis.call('PUBLISH', ARGV[3], tostring(version))
return version
`;

/**
 * Keeps a supergraph a replica composed itself, if the registry is still at its version.
 * KEYS: version, supergraphs hash. ARGV: inputs hash, the supergraph as JSON, its version.
 */
const SAVE_SUPERGRAPH = `
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`;

export interface RedisStoreOptions {
  readonly url: string;
  /** Every key and the channel start with it, e.g. `tessera:`; tests isolate by prefix. */
  readonly prefix: string;
  readonly log?: Logger;
}

/**
 * The registry shared by every replica. Keys carry one hash tag so the script's keys live in one
 * Redis Cluster slot. Change notices go over pub/sub; a replica that misses one converges through
 * the polling fallback.
 */
export class RedisRegistryStore implements RegistryStore {
  readonly kind = 'redis';
  readonly #client: Redis;
  #subscriber: Redis | undefined;
  /** Settles once change notices are subscribed (after the first `watch`). */
  subscribed: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(version: number) => void>();
  readonly #keys: { version: string; subgraphs: string; health: string; supergraph: string; channel: string };
  readonly #log: Logger | undefined;

  constructor({ url, prefix, log }: RedisStoreOptions) {
    this.#log = log;
    this.#keys = {
      version: `${prefix}{registry}:version`,
      subgraphs: `${prefix}{registry}:subgraphs`,
      health: `${prefix}{registry}:health`,
      supergraph: `${prefix}{registry}:supergraphs`,
      channel: `${prefix}{registry}:changed`,
    };
    // Commands fail fast while Redis is away instead of queueing for ever: a publish then
    // answers REGISTRY_UNAVAILABLE and the served graph stays.
    this.#client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5_000, enableOfflineQueue: true });
    this.#client.on('error', (error) => this.#log?.warn({ err: error }, 'registry redis error'));
  }

  async read(): Promise<RegistrySnapshot> {
    const results = await this.#client.multi().get(this.#keys.version).hgetall(this.#keys.subgraphs).exec();
    if (!results) throw new Error('The registry read was aborted.');
    const [versionResult, subgraphsResult] = results;
    if (versionResult?.[0]) throw versionResult[0];
    if (subgraphsResult?.[0]) throw subgraphsResult[0];
    const version = Number(versionResult?.[1] ?? 0);
    const hash = (subgraphsResult?.[1] ?? {}) as Record<string, string>;
    return { version, subgraphs: Object.values(hash).map((json) => JSON.parse(json) as Registration) };
  }

  async head(): Promise<RegistryHead> {
    const results = await this.#client.multi().get(this.#keys.version).hlen(this.#keys.subgraphs).exec();
    const [version, registered] = (results ?? []).map(([error, value]) => {
      if (error) throw error;
      return Number(value ?? 0);
    });
    return { version: version ?? 0, registered: registered ?? 0 };
  }

  commit(expectedVersion: number, change: RegistryChange, supergraph?: Omit<StoredSupergraph, 'version'>): Promise<number | undefined> {
    return this.#commit(expectedVersion, change, supergraph, '');
  }

  async restore(expectedVersion: number, snapshot: RegistrySnapshot, supergraph?: Omit<StoredSupergraph, 'version'>): Promise<boolean> {
    const change = { kind: 'replace', registrations: snapshot.subgraphs } as const;
    return (await this.#commit(expectedVersion, change, supergraph, String(snapshot.version))) !== undefined;
  }

  /** The COMMIT script: `setVersion` '' adds one to the version, a number sets it (a restore). */
  async #commit(expectedVersion: number, change: RegistryChange, supergraph: Omit<StoredSupergraph, 'version'> | undefined, setVersion: string): Promise<number | undefined> {
    const entries: string[] = [];
    switch (change.kind) {
      case 'put':
        entries.push(change.registration.name, JSON.stringify(change.registration));
        break;
      case 'delete':
        entries.push(change.name);
        break;
      case 'replace':
        for (const r of change.registrations) entries.push(r.name, JSON.stringify(r));
        break;
    }
    const { version, subgraphs, health, channel } = this.#keys;
    const kept = supergraph ? [supergraph.inputsHash, supergraph.id, supergraph.supergraphSdl] : ['', '', ''];
    const result = Number(
      await this.#client.eval(COMMIT, 4, version, subgraphs, health, this.#keys.supergraph, String(expectedVersion), change.kind, channel, ...kept, setVersion, ...entries),
    );
    return result < 0 ? undefined : result;
  }

  async readSupergraph(inputsHash: string): Promise<StoredSupergraph | undefined> {
    const json = await this.#client.hget(this.#keys.supergraph, inputsHash);
    return json === null ? undefined : (JSON.parse(json) as StoredSupergraph);
  }

  async saveSupergraph(supergraph: StoredSupergraph): Promise<boolean> {
    const { version, supergraph: key } = this.#keys;
    const saved = await this.#client.eval(SAVE_SUPERGRAPH, 2, version, key, supergraph.inputsHash, JSON.stringify(supergraph), String(supergraph.version));
    return Number(saved) === 1;
  }

  async claimComposition(inputsHash: string, ttlMs: number): Promise<boolean> {
    return (await this.#client.set(this.#claimKey(inputsHash), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseComposition(inputsHash: string): Promise<void> {
    await this.#client.del(this.#claimKey(inputsHash));
  }

  #claimKey(inputsHash: string): string {
    return `${this.#keys.supergraph}:composing:${inputsHash}`;
  }

  async recordHealth(name: string, record: HealthRecord): Promise<void> {
    await this.#client.hset(this.#keys.health, name, JSON.stringify(record));
  }

  async health(): Promise<Readonly<Record<string, HealthRecord>>> {
    const hash = await this.#client.hgetall(this.#keys.health);
    return Object.fromEntries(Object.entries(hash).map(([name, json]) => [name, JSON.parse(json) as HealthRecord]));
  }

  watch(onChange: (version: number) => void): () => void {
    this.#listeners.add(onChange);
    if (!this.#subscriber) {
      const subscriber = this.#client.duplicate();
      subscriber.on('error', (error) => this.#log?.warn({ err: error }, 'registry redis subscriber error'));
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== this.#keys.channel) return;
        const version = Number(message);
        for (const listener of this.#listeners) listener(version);
      });
      this.subscribed = subscriber.subscribe(this.#keys.channel).then(
        () => undefined,
        (error: unknown) => this.#log?.warn({ err: error }, 'registry subscribe failed; polling only'),
      );
      this.#subscriber = subscriber;
    }
    return () => this.#listeners.delete(onChange);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    await Promise.all([
      subscriber?.quit().catch(() => subscriber.disconnect()),
      this.#client.quit().catch(() => this.#client.disconnect()),
    ]);
  }
}
