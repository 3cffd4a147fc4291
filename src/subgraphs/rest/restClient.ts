import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from 'pino';
import { Pool } from 'undici';
import { readAnswerText } from '../../io/readLimited.js';
import { randomUUID } from 'node:crypto';
import type { BreakerConfig } from '../../config/index.js';
import { BreakerOpenError, createSubgraphBreaker, type SubgraphBreaker } from '../../gateway/circuitBreaker.js';
import { cacheEntry, cacheKey, cachePolicy, epochKey, readCacheEntry, type CachePolicy } from './httpCache.js';

/**
 * One keep-alive connection pool per REST service, shared by every request of the process.
 * GETs are de-duplicated while in flight and, when a KeyValueCache is given, cached as the service's
 * `Cache-Control` allows. Everything that fails comes out as a `RestError`.
 */

export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECTIONS = 64;

export interface RestClientOptions {
  /** Service name, used in errors and logs (`users`). */
  readonly service: string;
  /** `http(s)://host:port[/prefix]`. */
  readonly baseUrl: string;
  /** Deadline of one call, headers and body included. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** HTTP cache for GET responses; no caching when absent. Its errors count as misses. */
  readonly cache?: KeyValueCache<string>;
  /** Maximum open connections to the service. Default 64. */
  readonly connections?: number;
  /** The largest answer read, counted as it arrives; a larger one fails the call (`too_large`). No cap when absent. */
  readonly maxResponseBytes?: number;
  /**
   * A circuit breaker for the service, as remote subgraphs have: timeouts, connection failures and
   * 5xx count; while open, calls fail at once (`breaker_open`). None when absent.
   */
  readonly breaker?: BreakerConfig;
}

export interface RestCallOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** The viewer's namespaced id (`user:1`, `apikey:1`): keys private cache entries and in-flight de-duplication. */
  readonly viewerId?: string | undefined;
  /** Sent as `x-request-id`, so the service's logs line up with ours. */
  readonly requestId?: string | undefined;
  /** Overrides the client's deadline for this call. */
  readonly timeoutMs?: number | undefined;
  /** Where cache failures are reported. */
  readonly log?: Logger | undefined;
  /**
   * Told how long each GET answer may be reused (`undefined`: it must not be), from the service's
   * `Cache-Control` or, on a hit, the entry's remaining lifetime; the response cache honours it.
   */
  readonly onCachePolicy?: ((policy: CachePolicy | undefined) => void) | undefined;
}

interface CachedGet {
  readonly value: unknown;
  readonly policy: CachePolicy | undefined;
}

/** Checks a JSON body and returns it typed; throws on an unexpected shape. */
export type Parse<T> = (json: unknown) => T;

/**
 * `status`: the service answered outside 2xx (`status`, and `body` when it sent one).
 * `timeout`: no complete answer within the deadline. `network`: no answer at all (refused, reset).
 * `invalid_body`: a 2xx whose body is not JSON or not of the expected shape.
 * `breaker_open`: not called; the service's circuit breaker is open.
 */
export type RestErrorKind = 'status' | 'timeout' | 'network' | 'invalid_body' | 'too_large' | 'breaker_open';

/** The service's fault, not the caller's: what counts against its breaker. */
const isServiceFailure = (error: unknown): boolean =>
  error instanceof RestError && (error.kind === 'timeout' || error.kind === 'network' || (error.kind === 'status' && (error.status ?? 0) >= 500));

export interface RestErrorInit {
  readonly service: string;
  readonly kind: RestErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status?: number | undefined;
  readonly body?: unknown;
  readonly message?: string | undefined;
}

export class RestError extends Error {
  override readonly name = 'RestError';
  readonly service: string;
  readonly kind: RestErrorKind;
  readonly method: string;
  /** Path and query of the call. */
  readonly path: string;
  readonly status: number | undefined;
  /** The parsed error body (or its text) of a `status` error. */
  readonly body: unknown;

  constructor(init: RestErrorInit, options?: ErrorOptions) {
    super(init.message ?? `${init.service}: ${init.method} ${init.path} failed (${init.status ?? init.kind})`, options);
    this.service = init.service;
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.body = init.body;
  }
}

type Method = 'GET' | 'POST';

interface RestResponse {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
  readonly cacheControl: string | undefined;
  readonly age: string | undefined;
  readonly vary: string | undefined;
}

export class RestClient {
  readonly service: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number | undefined;
  readonly #cache: KeyValueCache<string> | undefined;
  readonly #pool: Pool;
  readonly #inflight = new Map<string, Promise<CachedGet>>();
  readonly #breaker: SubgraphBreaker | undefined;

  constructor(options: RestClientOptions) {
    const base = parseBaseUrl(options.baseUrl, options.service);
    this.service = options.service;
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/+$/, '');
    this.#timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
    this.#maxResponseBytes = options.maxResponseBytes === undefined ? undefined : positive(options.maxResponseBytes, 0, 'maxResponseBytes');
    this.#cache = options.cache;
    this.#breaker = options.breaker && createSubgraphBreaker(options.service, options.breaker, undefined, isServiceFailure);
    this.#pool = new Pool(base.origin, {
      connections: positive(options.connections, DEFAULT_CONNECTIONS, 'connections'),
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    });
  }

  /**
   * GET `path` and return `parse(body)`. Identical GETs (same URL, same viewer) in flight at the
   * same time share one upstream call.
   */
  async get<T>(path: string, parse: Parse<T>, options: RestCallOptions = {}): Promise<T> {
    const target = this.#target(path, options.query);
    const key = JSON.stringify([options.viewerId ?? null, target]);
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = this.#cachedGet(target, options).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    const { value, policy } = await pending;
    options.onCachePolicy?.(policy);
    return this.#parse('GET', target, value, parse);
  }

  /** POST a JSON body. Never cached, never de-duplicated; afterwards the viewer's private entries of this service are stale. */
  async post<T>(path: string, body: unknown, parse: Parse<T>, options: RestCallOptions = {}): Promise<T> {
    const target = this.#target(path, options.query);
    const res = await this.#request('POST', target, JSON.stringify(body), options);
    if (this.#cache !== undefined && options.viewerId !== undefined) await this.#renewEpoch(this.#cache, options.viewerId, options);
    return this.#parse('POST', target, res.json, parse);
  }

  /** Closes the pool once the calls in flight are done. */
  close(): Promise<void> {
    this.#breaker?.shutdown();
    return this.#pool.close();
  }

  #target(path: string, query: RestCallOptions['query']): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.append(name, String(value));
    }
    const search = params.size > 0 ? `?${params.toString()}` : '';
    return `${this.#basePath}${path}${search}`;
  }

  async #cachedGet(target: string, options: RestCallOptions): Promise<CachedGet> {
    const cache = this.#cache;
    const url = this.#origin + target;
    let epoch = '';
    if (cache !== undefined) {
      const read = await this.#cacheRead(cache, url, options);
      if (read.hit !== undefined) return read.hit;
      epoch = read.epoch;
    }
    const res = await this.#request('GET', target, undefined, options);
    const policy = res.status === 200 ? cachePolicy(res.cacheControl, res.age, res.vary) : undefined;
    if (cache !== undefined && policy !== undefined) this.#cacheWrite(cache, url, res, policy, options, epoch);
    return { value: res.json, policy };
  }

  /** A hit is `{ value }`, so a cached `null` body is still a hit. Errors, garbage and stale private entries are misses. */
  async #cacheRead(cache: KeyValueCache<string>, url: string, options: RestCallOptions): Promise<{ hit?: CachedGet; epoch: string }> {
    // We learn whether a response is public or private only from the response, so look for both;
    // the viewer's write epoch comes in the same round trip.
    const sub = options.viewerId;
    const keys = [cacheKey('public', url, sub), cacheKey('private', url, sub), sub === undefined ? undefined : epochKey(this.service, sub)];
    const found = await Promise.all(
      keys.map(async (key) => {
        if (key === undefined) return undefined;
        try {
          return await cache.get(key);
        } catch (err) {
          options.log?.warn({ err, service: this.service }, 'REST cache read failed; treated as a miss');
          return undefined;
        }
      }),
    );
    const [publicText, privateText, epochText] = found;
    const epoch = epochText ?? '';
    const now = Date.now();
    const candidates = [
      { scope: 'public', entry: publicText === undefined ? undefined : readCacheEntry(publicText, '', now) },
      { scope: 'private', entry: privateText === undefined ? undefined : readCacheEntry(privateText, epoch, now) },
    ] as const;
    for (const { scope, entry } of candidates) {
      if (entry === undefined) continue;
      try {
        return { hit: { value: JSON.parse(entry.text) as unknown, policy: { scope, ttlSeconds: entry.ttlSeconds } }, epoch };
      } catch {
        // A corrupt entry is a miss; the fresh answer overwrites it.
      }
    }
    return { epoch };
  }

  async #renewEpoch(cache: KeyValueCache<string>, viewerId: string, options: RestCallOptions): Promise<void> {
    try {
      // Outlives any private entry it guards; if it expires first, older entries only become misses.
      await cache.set(epochKey(this.service, viewerId), randomUUID(), { ttl: 86_400 });
    } catch (err) {
      options.log?.warn({ err, service: this.service }, 'REST cache epoch renewal failed; private entries expire by their TTL');
    }
  }

  #cacheWrite(cache: KeyValueCache<string>, url: string, res: RestResponse, policy: CachePolicy, options: RestCallOptions, epoch: string): void {
    const key = cacheKey(policy.scope, url, options.viewerId);
    if (key === undefined) return;
    const value = cacheEntry(Date.now() + policy.ttlSeconds * 1000, policy.scope === 'private' ? epoch : '', res.text);
    // Not awaited: the answer does not wait for the cache, and a failed write only costs a later miss.
    const failed = (err: unknown) => options.log?.warn({ err, service: this.service }, 'REST cache write failed');
    try {
      cache.set(key, value, { ttl: policy.ttlSeconds }).catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  async #request(method: Method, target: string, body: string | undefined, options: RestCallOptions): Promise<RestResponse> {
    if (!this.#breaker) return this.#send(method, target, body, options);
    try {
      return await this.#breaker.fire(() => this.#send(method, target, body, options));
    } catch (err) {
      if (!(err instanceof BreakerOpenError)) throw err;
      throw new RestError({ service: this.service, kind: 'breaker_open', method, path: target, message: `${this.service}: ${method} ${target} not called: its circuit breaker is open` });
    }
  }

  async #send(method: Method, target: string, body: string | undefined, options: RestCallOptions): Promise<RestResponse> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;

    let status: number;
    let text: string;
    let cacheControl: string | undefined;
    let age: string | undefined;
    let vary: string | undefined;
    try {
      const res = await this.#pool.request({ method, path: target, headers, body, signal });
      status = res.statusCode;
      cacheControl = headerValue(res.headers['cache-control']);
      age = headerValue(res.headers['age']);
      vary = headerValue(res.headers['vary']);
      // A runaway answer never fills the heap: read no further than maxResponseBytes.
      text = await readAnswerText(res, this.#maxResponseBytes, () =>
        new RestError({ service: this.service, kind: 'too_large', method, path: target, message: `${this.service}: ${method} ${target} answered more than ${this.#maxResponseBytes} bytes` }),
      );
    } catch (err) {
      if (err instanceof RestError) throw err;
      const timedOut = signal.aborted;
      throw new RestError(
        {
          service: this.service,
          kind: timedOut ? 'timeout' : 'network',
          method,
          path: target,
          message: timedOut
            ? `${this.service}: ${method} ${target} timed out after ${timeoutMs} ms`
            : `${this.service}: ${method} ${target} failed: ${err instanceof Error ? err.message : String(err)}`,
        },
        { cause: err },
      );
    }

    const parsed = parseJson(text);
    if (status < 200 || status >= 300) {
      throw new RestError({ service: this.service, kind: 'status', method, path: target, status, body: parsed.ok ? parsed.value : text });
    }
    if (!parsed.ok) {
      throw new RestError({
        service: this.service,
        kind: 'invalid_body',
        method,
        path: target,
        status,
        message: `${this.service}: ${method} ${target} answered ${status} with a body that is not JSON`,
      });
    }
    return { status, text, json: parsed.value, cacheControl, age, vary };
  }

  #parse<T>(method: Method, target: string, json: unknown, parse: Parse<T>): T {
    try {
      return parse(json);
    } catch (err) {
      throw new RestError(
        {
          service: this.service,
          kind: 'invalid_body',
          method,
          path: target,
          message: `${this.service}: ${method} ${target} answered a body of an unexpected shape`,
        },
        { cause: err },
      );
    }
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function parseBaseUrl(value: string, service: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`REST service "${service}": base URL must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`REST service "${service}": base URL must use http or https, got ${JSON.stringify(value)}`);
  }
  return url;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}
