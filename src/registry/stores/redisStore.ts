import type { Logger } from 'pino';
import { openRedis, type OpenRedis } from '../../redis/createRedis.js';
import { withDeadline } from '../../io/deadline.js';
import { luaScript, type ScriptRunner } from '../../redis/script.js';
import type { RedisTarget } from '../../redis/target.js';
import type { HealthRecord, Registration, RegistryChange, RegistryHead, RegistrySnapshot, RegistryStore, StoredSupergraph } from '../registryStore.js';

/**
 * Compare-and-set of the whole registry in one script, so two replicas publishing at once
 * serialize in Redis: the change applies only if the version is still the one the caller
 * validated against; then the version grows by one (or, for a restore, is set to the one given)
 * and every replica is told (sharded pub/sub: the channel shares the keys' hash tag, so on a
 * cluster the notice goes out from the master that holds the registry).
 * The supergraphs kept for the old version are dropped and the one composed for the change written
 * in the same step, so no replica ever reads a version with another version's supergraph.
 * KEYS: version, subgraphs hash, health hash, supergraphs hash (inputs hash → JSON).
 * ARGV: expected version, mode, channel, inputs hash ('' for none), composition id, supergraph SDL,
 * the version to set ('' to add one), entries…
 */
const COMMIT = luaScript(`
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
redis.call('SPUBLISH', ARGV[3], tostring(version))
return version
`);

/**
 * Keeps a supergraph a replica composed itself, if the registry is still at its version.
 * KEYS: version, supergraphs hash. ARGV: inputs hash, the supergraph as JSON, its version.
 */
const SAVE_SUPERGRAPH = luaScript(`
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`);

/** The version and, with `full`, every registration, read together. KEYS: version, subgraphs hash. ARGV: 'full' or 'head'. */
const READ = luaScript(`
local version = redis.call('GET', KEYS[1]) or '0'
if ARGV[1] == 'full' then return { version, redis.call('HGETALL', KEYS[2]) } end
return { version, redis.call('HLEN', KEYS[2]) }
`);

/** The subset of a node-redis client (one Redis or a cluster) the registry uses. */
interface RegistryRedis extends ScriptRunner {
  hGet(key: string, field: string): Promise<string | null>;
  hSet(key: string, field: string, value: string): Promise<number>;
  hGetAll(key: string): Promise<Record<string, string>>;
  set(key: string, value: string, options: { condition: 'NX'; expiration: { type: 'PX'; value: number } }): Promise<string | null>;
  del(key: string): Promise<number>;
  sSubscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
}

/** How long a registry command waits for the first connection before it counts as unavailable. */
const CONNECT_WAIT_MS = 5_000;

export interface RedisStoreOptions {
  /** One Redis or a cluster. */
  readonly target: RedisTarget;
  /** Every key and the channel start with it, e.g. `tessera:`; tests isolate by prefix. */
  readonly prefix: string;
  readonly log?: Logger;
  /**
   * How long one command may take; default 10 s. A master that hangs with its connection open would
   * hold a publish (and every poll after it) for ever; past this the caller gets REGISTRY_UNAVAILABLE.
   * A commit that lands after it was given up is followed by every replica like any other change.
   */
  readonly commandTimeoutMs?: number;
}

/**
 * The registry shared by every replica. Keys carry one hash tag (`{registry}`) so every script's
 * keys, and the change channel, live in one Redis Cluster slot. Change notices go over sharded
 * pub/sub; a replica that misses one converges through the polling fallback.
 */
export class RedisRegistryStore implements RegistryStore {
  readonly kind = 'redis';
  readonly #redis: OpenRedis;
  readonly #client: RegistryRedis;
  readonly #target: RedisTarget;
  #subscriber: OpenRedis | undefined;
  /** Settles once change notices are subscribed (after the first `watch`). */
  subscribed: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(version: number) => void>();
  readonly #keys: { version: string; subgraphs: string; health: string; supergraph: string; channel: string };
  readonly #log: Logger | undefined;
  readonly #commandTimeoutMs: number;

  constructor({ target, prefix, log, commandTimeoutMs = 10_000 }: RedisStoreOptions) {
    this.#log = log;
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#target = target;
    this.#keys = {
      version: `${prefix}{registry}:version`,
      subgraphs: `${prefix}{registry}:subgraphs`,
      health: `${prefix}{registry}:health`,
      supergraph: `${prefix}{registry}:supergraphs`,
      channel: `${prefix}{registry}:changed`,
    };
    // Commands fail fast while Redis is away instead of queueing for ever: a publish then
    // answers REGISTRY_UNAVAILABLE and the served graph stays. Only the first connection (start-up
    // reads the registry) is waited for, a while.
    this.#redis = openRedis(target, { role: 'registry', log });
    this.#client = this.#redis.client as unknown as RegistryRedis;
  }

  /** Runs one command once the first connection is made (waiting at most CONNECT_WAIT_MS for it), within its deadline. */
  async #command<T>(run: (client: RegistryRedis) => Promise<T>): Promise<T> {
    await withDeadline(this.#redis.ready, CONNECT_WAIT_MS, `Redis did not accept a connection within ${CONNECT_WAIT_MS} ms`);
    return withDeadline(run(this.#client), this.#commandTimeoutMs, `Redis did not answer within ${this.#commandTimeoutMs} ms`);
  }

  async read(): Promise<RegistrySnapshot> {
    const [version, flat] = (await this.#command((c) => READ.run(c, [this.#keys.version, this.#keys.subgraphs], ['full']))) as [string, string[]];
    const subgraphs: Registration[] = [];
    for (let i = 1; i < flat.length; i += 2) subgraphs.push(JSON.parse(flat[i]!) as Registration);
    return { version: Number(version), subgraphs };
  }

  async head(): Promise<RegistryHead> {
    const [version, registered] = (await this.#command((c) => READ.run(c, [this.#keys.version, this.#keys.subgraphs], ['head']))) as [string, number];
    return { version: Number(version), registered: Number(registered) };
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
      await this.#command((c) => COMMIT.run(c, [version, subgraphs, health, this.#keys.supergraph], [String(expectedVersion), change.kind, channel, ...kept, setVersion, ...entries])),
    );
    return result < 0 ? undefined : result;
  }

  async readSupergraph(inputsHash: string): Promise<StoredSupergraph | undefined> {
    const json = await this.#command((c) => c.hGet(this.#keys.supergraph, inputsHash));
    return json === null ? undefined : (JSON.parse(json) as StoredSupergraph);
  }

  async saveSupergraph(supergraph: StoredSupergraph): Promise<boolean> {
    const { version, supergraph: key } = this.#keys;
    const saved = await this.#command((c) => SAVE_SUPERGRAPH.run(c, [version, key], [supergraph.inputsHash, JSON.stringify(supergraph), String(supergraph.version)]));
    return Number(saved) === 1;
  }

  async claimComposition(inputsHash: string, ttlMs: number): Promise<boolean> {
    const claimed = await this.#command((c) => c.set(this.#claimKey(inputsHash), '1', { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }));
    return claimed === 'OK';
  }

  async releaseComposition(inputsHash: string): Promise<void> {
    await this.#command((c) => c.del(this.#claimKey(inputsHash)));
  }

  #claimKey(inputsHash: string): string {
    return `${this.#keys.supergraph}:composing:${inputsHash}`;
  }

  async recordHealth(name: string, record: HealthRecord): Promise<void> {
    await this.#command((c) => c.hSet(this.#keys.health, name, JSON.stringify(record)));
  }

  async health(): Promise<Readonly<Record<string, HealthRecord>>> {
    const hash = await this.#command((c) => c.hGetAll(this.#keys.health));
    return Object.fromEntries(Object.entries(hash).map(([name, json]) => [name, JSON.parse(json) as HealthRecord]));
  }

  watch(onChange: (version: number) => void): () => void {
    this.#listeners.add(onChange);
    if (!this.#subscriber) {
      // A connection of its own: a subscribed connection runs no other command. The client
      // subscribes again after a reconnect (and, on a cluster, where the slot moves).
      const subscriber = openRedis(this.#target, { role: 'registry-notices', log: this.#log });
      const onMessage = (message: string) => {
        const version = Number(message);
        for (const listener of this.#listeners) listener(version);
      };
      this.subscribed = subscriber.ready
        .then(() => (subscriber.client as unknown as RegistryRedis).sSubscribe(this.#keys.channel, onMessage))
        .then(
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
    await Promise.all([subscriber?.close(), this.#redis.close()]);
  }
}
