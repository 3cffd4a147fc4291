import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { authConfigFromEnv, type AuthConfig } from '../auth/config.js';
import type { CompositionLimits } from '../composition/compositionPool.js';
import type { RateLimitConfig } from '../ratelimit/createRateLimits.js';
import { ConfigError } from '../errors/configError.js';
import { parseClusterNodes, withCredentials, type RedisTarget } from '../redis/target.js';
import { parseEnv, type Env } from './env.js';
import { parseSupergraphConfig, type SubgraphSpec } from './supergraphConfig.js';

export { httpUrl, parseEnvWith } from './env.js';
export type { SubgraphSpec, SchemaSource } from './supergraphConfig.js';

/** Circuit breaker per remote subgraph (opossum). */
export interface BreakerConfig {
  readonly errorThresholdPercent: number;
  /** Requests in the window before the breaker may open. */
  readonly volumeThreshold: number;
  readonly resetMs: number;
  readonly windowMs: number;
  /** Failures in a row that open the breaker whatever the window holds (a hung subgraph's timeouts). */
  readonly consecutiveFailures: number;
}

/** Retries of idempotent subgraph fetches. */
export interface RetryConfig {
  /** Extra attempts after the first; 0 turns retries off. */
  readonly maxAttempts: number;
  readonly baseMs: number;
  /** Retries allowed as a share of requests over a sliding window. */
  readonly budgetPercent: number;
}

/** Limits checked before any subgraph is called. */
export interface OperationLimitsConfig {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
  readonly maxSubgraphFetches: number;
}

/** Demand control (src/demand/): what one operation may cost and build. */
export interface DemandControlConfig {
  /** `enforce` refuses operations over `maxCost`; `measure` logs and records them only. */
  readonly mode: 'enforce' | 'measure';
  /** The largest static cost (IBM cost spec: `@cost`, `@listSize`) an operation may have. */
  readonly maxCost: number;
  /** The size assumed for a list field without `@listSize`. */
  readonly defaultListSize: number;
  /** The answer's data, counted as JSON while it is built; past it the answer is cut off. */
  readonly maxResponseBytes: number;
  /** One remote subgraph answer, counted while it is read. */
  readonly maxSubgraphResponseBytes: number;
  /** Operations estimated at `threshold` or more are heavy: so many at once, so many per client. */
  readonly heavy: { readonly threshold: number; readonly maxConcurrent: number; readonly maxPerClient: number; readonly waitMs: number };
}

/** Where the served supergraph comes from. */
export type SupergraphSource =
  /** Compose at start (and on every registry change) from these subgraphs. */
  | { readonly kind: 'compose'; readonly subgraphs: readonly SubgraphSpec[] }
  /** Serve a supergraph SDL composed elsewhere, reloading it when the file changes. */
  | { readonly kind: 'file'; readonly path: string };

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  /** Where `/metrics` is served: its own listener, loopback only unless set otherwise. */
  readonly metrics: { readonly port: number; readonly host: string };
  readonly logLevel: Env['LOG_LEVEL'];
  readonly supergraph: SupergraphSource;
  readonly subgraphTimeoutMs: number;
  /** Client headers forwarded to subgraphs (lower-case). Nothing else is. */
  readonly propagateHeaders: readonly string[];
  /** Browser origins allowed by CORS (`*`: any); empty: same-origin only. */
  readonly cors: { readonly origins: readonly string[]; readonly credentials: boolean };
  readonly introspection: boolean;
  /** The explorer page on `GET /graphql` from a browser (src/graphql/explorer.ts). */
  readonly explorer: boolean;
  /** `extensions.stacktrace` in GraphQL errors (`ERROR_STACKTRACES`): off unless asked for, in development too. */
  readonly errorStacktraces: boolean;
  readonly maxBodyBytes: number;
  readonly shutdownGraceMs: number;
  /** Readiness answers 503 this long after SIGTERM before the listener closes (load balancers notice). */
  readonly shutdownDelayMs: number;
  /** Worker processes sharing the port (`TESSERA_WORKERS`); 0 or 1 runs one process. */
  readonly workers: number;
  readonly breaker: BreakerConfig;
  readonly retry: RetryConfig;
  readonly limits: OperationLimitsConfig;
  readonly demand: DemandControlConfig;
  /** Operations per batched HTTP request; 0 turns batching off. */
  readonly batchMaxOperations: number;
  /**
   * Distinct operations whose parsed document, query plan and policy plan stay in memory (each
   * holds some tens of KiB); the least recently used go first.
   */
  readonly operationCacheSize: number;
  /** Fetches of a plan to one subgraph that can run together go as one request (src/gateway/execution/fetchMerging.ts). */
  readonly fetchMerging: boolean;
  /** Identical remote query calls in flight at once share one call (src/gateway/subgraphCall/useInflightDedup.ts). */
  readonly subgraphDeduplication: boolean;
  /** Progressive-override labels that are on; `percent(N)` labels are drawn per request instead (src/gateway/overrideLabels.ts). */
  readonly overrideLabels: readonly string[];
  /** Plans Apollo's planner is known to get wrong are planned again by Hive's (src/gateway/planning/). */
  readonly queryPlanCorrection: boolean;
  /** Operation names that may appear as metric labels; others are counted as "other". */
  readonly metricsOperationNames: readonly string[];
  /** OTLP/HTTP endpoint; tracing is off (and its SDK never loaded) without it. */
  readonly otlpEndpoint: string | undefined;
  /** Shared state lives in Redis (one, or a cluster) when set; every key starts with `redisPrefix`. */
  readonly redis: RedisTarget | undefined;
  readonly redisPrefix: string;
  readonly registry: RegistryConfig;
  /** Limits of the composition worker thread (src/composition/compositionPool.ts). */
  readonly composition: CompositionLimits;
  /** Token verification and partner API keys (src/auth/). */
  readonly auth: AuthConfig;
  /** What a field without a rule gets at the edge. */
  readonly policyFallback: 'allow' | 'deny';
  readonly cache: CacheConfig;
  /** Request and field rate limits (src/ratelimit/). */
  readonly rateLimit: RateLimitConfig;
}

/** The response cache, the REST HTTP cache and persisted queries (src/cache/). */
export interface CacheConfig {
  /** Deadline of one cache command; slower (or failed) is a miss. */
  readonly timeoutMs: number;
  /** Deadline of one response-cache write; it runs after the response is sent. */
  readonly writeTimeoutMs: number;
  /** Without Redis: what each in-memory store (responses, REST, APQ) may hold, in bytes. */
  readonly memoryMaxBytes: number;
  /** The whole-response cache; the REST cache and APQ stay on without it. */
  readonly responses: boolean;
  /** maxAge of root and object fields without a cache hint (Apollo's `defaultMaxAge`). */
  readonly defaultMaxAgeSeconds: number;
  /**
   * The client headers whose values are part of every response-cache key, lower-cased and sorted:
   * every propagated header (it reaches subgraphs, so it may change the answer) but those listed in
   * CACHE_UNKEYED_HEADERS. Clients and CDNs are told to `Vary` on them too.
   */
  readonly keyHeaders: readonly string[];
  /** A persisted query manifest: only its operations run. */
  readonly safelistPath: string | undefined;
}

/** The subgraph registry and its admin API. */
export interface RegistryConfig {
  /** The file store's directory (used without REDIS_URL). */
  readonly dataDir: string;
  /** The admin API is off without it. */
  readonly adminToken: string | undefined;
  /** Hosts a registered subgraph URL may name: exact, `*.domain`, a CIDR, or `*`. */
  readonly allowedHosts: readonly string[];
  /** The polling fallback behind change notices. */
  readonly pollMs: number;
}

export type { AuthConfig } from '../auth/config.js';
export type { RateLimitConfig } from '../ratelimit/createRateLimits.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Rover resolves schema files relative to the config file; so do we. */
function resolveSchemaPaths(specs: SubgraphSpec[], configPath: string): SubgraphSpec[] {
  const base = dirname(configPath);
  return specs.map((spec) =>
    spec.schema.kind === 'file' && !isAbsolute(spec.schema.path)
      ? { ...spec, schema: { kind: 'file', path: resolve(base, spec.schema.path) } }
      : spec,
  );
}

/** Builds the configuration from plain values; what tests and `loadConfig` both use. */
export function buildConfig(env: Env, supergraph: SupergraphSource): Config {
  const production = env.NODE_ENV === 'production';
  return deepFreeze({
    production,
    port: env.PORT,
    host: env.HOST,
    metrics: metricsListener(env),
    logLevel: env.LOG_LEVEL,
    supergraph,
    subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    propagateHeaders: env.PROPAGATE_HEADERS.map((h) => h.toLowerCase()),
    // Any origin while developing (a local Apollo Client app); none in production unless listed.
    cors: { origins: env.CORS_ORIGINS ?? (production ? [] : ['*']), credentials: env.CORS_CREDENTIALS },
    introspection: env.INTROSPECTION ?? !production,
    explorer: env.EXPLORER ?? env.SANDBOX ?? !production,
    errorStacktraces: env.ERROR_STACKTRACES,
    maxBodyBytes: env.MAX_BODY_BYTES,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
    workers: env.TESSERA_WORKERS,
    breaker: {
      errorThresholdPercent: env.BREAKER_ERROR_THRESHOLD_PERCENT,
      volumeThreshold: env.BREAKER_VOLUME_THRESHOLD,
      resetMs: env.BREAKER_RESET_MS,
      windowMs: breakerWindowMs(env),
      consecutiveFailures: env.BREAKER_CONSECUTIVE_FAILURES,
    },
    retry: { maxAttempts: env.RETRY_MAX_ATTEMPTS, baseMs: env.RETRY_BASE_MS, budgetPercent: env.RETRY_BUDGET_PERCENT },
    limits: {
      maxDepth: env.MAX_DEPTH,
      maxAliases: env.MAX_ALIASES,
      maxTokens: env.MAX_TOKENS,
      maxDirectives: env.MAX_DIRECTIVES,
      maxSubgraphFetches: env.MAX_SUBGRAPH_FETCHES,
    },
    demand: {
      mode: env.DEMAND_CONTROL_MODE,
      maxCost: env.MAX_COST,
      defaultListSize: env.DEMAND_CONTROL_LIST_SIZE,
      maxResponseBytes: env.MAX_RESPONSE_BYTES,
      maxSubgraphResponseBytes: env.MAX_SUBGRAPH_RESPONSE_BYTES,
      heavy: {
        // Half the limit by default: the few operations near it take turns.
        threshold: env.HEAVY_OPERATION_COST ?? Math.max(1, Math.floor(env.MAX_COST / 2)),
        maxConcurrent: env.MAX_HEAVY_OPERATIONS,
        maxPerClient: env.MAX_HEAVY_OPERATIONS_PER_CLIENT,
        waitMs: env.HEAVY_OPERATION_WAIT_MS,
      },
    },
    batchMaxOperations: env.BATCH_MAX_OPERATIONS,
    operationCacheSize: env.OPERATION_CACHE_SIZE,
    fetchMerging: env.FETCH_MERGING,
    subgraphDeduplication: env.SUBGRAPH_DEDUPLICATION,
    overrideLabels: env.OVERRIDE_LABELS,
    queryPlanCorrection: env.QUERY_PLAN_CORRECTION,
    metricsOperationNames: env.METRICS_OPERATION_NAMES,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    redis: redisTarget(env),
    redisPrefix: env.REDIS_PREFIX,
    registry: {
      dataDir: resolve(env.DATA_DIR),
      adminToken: env.ADMIN_TOKEN,
      allowedHosts: env.REGISTRY_ALLOWED_HOSTS,
      pollMs: env.REGISTRY_POLL_MS,
    },
    composition: { timeoutMs: env.COMPOSITION_TIMEOUT_MS, maxMemoryMb: env.COMPOSITION_MAX_MEMORY_MB },
    auth: authConfigFromEnv(env),
    policyFallback: env.POLICY_FALLBACK,
    rateLimit: {
      default: env.RATE_LIMIT_DEFAULT,
      fields: env.RATE_LIMIT_FIELDS ?? [],
      timeoutMs: env.RATE_LIMIT_TIMEOUT_MS,
      onStoreError: env.RATE_LIMIT_ON_STORE_ERROR,
    },
    cache: {
      timeoutMs: env.CACHE_TIMEOUT_MS,
      writeTimeoutMs: env.CACHE_WRITE_TIMEOUT_MS,
      memoryMaxBytes: env.CACHE_MEMORY_MAX_MB * 1024 * 1024,
      responses: env.RESPONSE_CACHE ?? true,
      defaultMaxAgeSeconds: env.RESPONSE_CACHE_DEFAULT_MAX_AGE_S,
      keyHeaders: cacheKeyHeaders(env),
      safelistPath: env.PERSISTED_QUERIES_SAFELIST === undefined ? undefined : resolve(env.PERSISTED_QUERIES_SAFELIST),
    },
  });
}

/**
 * The breaker counts a fetch when it starts and its failure when it ends; a window shorter than
 * twice the timeout would have forgotten a timed-out fetch's start when its failure lands, and the
 * error rate would never see a hung subgraph. So the window outlives the timeout, or start-up fails.
 */
function breakerWindowMs(env: Env): number {
  const floor = 2 * env.SUBGRAPH_TIMEOUT_MS;
  if (env.BREAKER_WINDOW_MS === undefined) return Math.max(10_000, floor);
  if (env.BREAKER_WINDOW_MS < floor) {
    throw new ConfigError([
      `BREAKER_WINDOW_MS=${env.BREAKER_WINDOW_MS}: must be at least twice SUBGRAPH_TIMEOUT_MS (${floor}), or a timed-out fetch leaves the window before its failure is counted`,
    ]);
  }
  return env.BREAKER_WINDOW_MS;
}

/** One Redis or a cluster, never both: which one would hold the registry is not a guess to make. */
function redisTarget(env: Env): RedisTarget | undefined {
  if (env.REDIS_URL !== undefined && env.REDIS_CLUSTER_NODES !== undefined) {
    throw new ConfigError(['REDIS_CLUSTER_NODES: set it or REDIS_URL, not both (a cluster is found through its nodes; REDIS_URL names one Redis)']);
  }
  const credentials = { username: env.REDIS_USERNAME, password: env.REDIS_PASSWORD };
  const named = credentials.password !== undefined ? 'REDIS_PASSWORD' : 'REDIS_USERNAME';
  const address = addressTarget(env);
  if (!address) {
    if (credentials.username !== undefined || credentials.password !== undefined) {
      throw new ConfigError([`${named}: set REDIS_URL or REDIS_CLUSTER_NODES too (credentials without a Redis are a setting gone astray)`]);
    }
    return undefined;
  }
  try {
    return withCredentials(address, credentials);
  } catch (error) {
    const where = address.kind === 'single' ? 'REDIS_URL' : 'REDIS_CLUSTER_NODES';
    throw new ConfigError([`${named}: ${where} ${(error as Error).message}`]);
  }
}

function addressTarget(env: Env): RedisTarget | undefined {
  if (env.REDIS_URL !== undefined) return { kind: 'single', url: env.REDIS_URL };
  if (env.REDIS_CLUSTER_NODES === undefined) return undefined;
  try {
    return parseClusterNodes(env.REDIS_CLUSTER_NODES);
  } catch (error) {
    // The message names the bad entry with its password masked; the value itself is not echoed.
    throw new ConfigError([`REDIS_CLUSTER_NODES: ${(error as Error).message}`]);
  }
}

/** `/metrics` never shares the GraphQL port: the two listeners need two ports (or any free ones). */
function metricsListener(env: Env): Config['metrics'] {
  if (env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
    throw new ConfigError([`METRICS_PORT=${env.METRICS_PORT}: must differ from PORT; /metrics has a listener of its own`]);
  }
  return { port: env.METRICS_PORT, host: env.METRICS_HOST };
}

/**
 * Propagated headers minus the ones declared not to change answers. Declaring a header that is not
 * propagated is refused: it is a typo, or a header the operator believes reaches subgraphs and does not.
 */
function cacheKeyHeaders(env: Env): string[] {
  const propagated = new Set(env.PROPAGATE_HEADERS.map((h) => h.toLowerCase()));
  const unkeyed = new Set(env.CACHE_UNKEYED_HEADERS.map((h) => h.toLowerCase()));
  const strays = [...unkeyed].filter((h) => !propagated.has(h));
  if (strays.length > 0) {
    throw new ConfigError([`CACHE_UNKEYED_HEADERS: ${strays.join(', ')} ${strays.length === 1 ? 'is' : 'are'} not in PROPAGATE_HEADERS; only a propagated header can be left out of the cache key`]);
  }
  return [...propagated].filter((h) => !unkeyed.has(h)).sort();
}

/** Reads and validates the environment and `supergraph.yaml` once, at start. */
export function loadConfig(
  rawEnv: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<string, string>> = {},
): Config {
  const merged = { ...rawEnv, ...overrides };
  const env = parseEnv(merged);
  if (env.SUPERGRAPH_FILE) {
    return buildConfig(env, { kind: 'file', path: resolve(env.SUPERGRAPH_FILE) });
  }
  const configPath = resolve(env.SUPERGRAPH_CONFIG);
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new ConfigError([`SUPERGRAPH_CONFIG=${JSON.stringify(env.SUPERGRAPH_CONFIG)}: ${(error as Error).message}`]);
  }
  const subgraphs = resolveSchemaPaths(parseSupergraphConfig(text, merged), configPath);
  return buildConfig(env, { kind: 'compose', subgraphs });
}
