import { z } from 'zod';
import { ConfigError } from '../errors/configError.js';
import { apiKeysSchema } from '../auth/apiKeysEnv.js';
import { fieldLimitsEnvSchema, requestBudgetEnvSchema } from '../ratelimit/limitsEnv.js';

/** Turns "1,2" style lists into arrays; an empty string is an empty list. */
const csv = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean));

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65_535);
const ms = z.coerce.number().int().min(1).max(3_600_000);
export const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * Every environment variable Tessera reads. `.env.example` lists each one with a comment;
 * a test fails when the two disagree.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // Read before this schema (src/config/dotenv.ts); listed so it is validated and documented.
  ENV_FILE: z.string().optional(),
  PORT: port.default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  METRICS_PORT: port.default(9090),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUPERGRAPH_CONFIG: z.string().min(1).default('schema/supergraph.yaml'),
  SUPERGRAPH_FILE: z.string().min(1).optional(),
  SUBGRAPH_TIMEOUT_MS: ms.default(3_000),
  PROPAGATE_HEADERS: csv.default(['accept-language']),
  INTROSPECTION: bool.optional(),
  CORS_ORIGINS: csv.optional(),
  CORS_CREDENTIALS: bool.default(false),
  EXPLORER: bool.optional(),
  // The old name of EXPLORER, still read.
  SANDBOX: bool.optional(),
  ERROR_STACKTRACES: bool.default(false),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1_048_576),
  SHUTDOWN_GRACE_MS: ms.default(10_000),
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  // Multi-process mode (src/cluster.ts): 0 or 1 runs one process.
  TESSERA_WORKERS: z.coerce.number().int().min(0).max(256).default(0),
  // Production hardening: breakers, retries, operation limits, batching, metrics, tracing.
  BREAKER_ERROR_THRESHOLD_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).max(10_000).default(10),
  BREAKER_RESET_MS: ms.default(10_000),
  BREAKER_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).max(10_000).default(5),
  // Unset: 10 s, or twice SUBGRAPH_TIMEOUT_MS when that is longer (config/index.ts).
  BREAKER_WINDOW_MS: ms.optional(),
  RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(0).max(10).default(2),
  RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(50),
  RETRY_BUDGET_PERCENT: z.coerce.number().int().min(0).max(100).default(20),
  MAX_DEPTH: z.coerce.number().int().min(1).max(1000).default(15),
  MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(100),
  MAX_TOKENS: z.coerce.number().int().min(10).max(1_000_000).default(5_000),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(10_000).default(50),
  // Demand control (src/demand/): static cost from @cost/@listSize, the answer's size, heavy operations.
  DEMAND_CONTROL_MODE: z.enum(['enforce', 'measure']).default('enforce'),
  MAX_COST: z.coerce.number().int().min(1).max(1_000_000_000).default(20_000),
  DEMAND_CONTROL_LIST_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10),
  MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
  MAX_SUBGRAPH_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(8 * 1024 * 1024),
  HEAVY_OPERATION_COST: z.coerce.number().int().min(1).max(1_000_000_000).optional(),
  MAX_HEAVY_OPERATIONS: z.coerce.number().int().min(1).max(10_000).default(4),
  MAX_HEAVY_OPERATIONS_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(2),
  HEAVY_OPERATION_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  MAX_SUBGRAPH_FETCHES: z.coerce.number().int().min(1).max(10_000).default(150),
  OPERATION_CACHE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(512),
  FETCH_MERGING: bool.default(true),
  SUBGRAPH_DEDUPLICATION: bool.default(true),
  OVERRIDE_LABELS: csv.default([]),
  QUERY_PLAN_CORRECTION: bool.default(true),
  BATCH_MAX_OPERATIONS: z.coerce.number().int().min(0).max(1000).default(0),
  METRICS_OPERATION_NAMES: csv.default([]),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  // Shared state: one Redis, or a Redis Cluster's seed nodes (not both; src/redis/target.ts).
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_CLUSTER_NODES: csv.optional(),
  // Credentials apart from the address, as a secret store hands them out (src/redis/target.ts).
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_PREFIX: z.string().min(1).max(100).default('tessera:'),
  // The subgraph registry and its admin API.
  DATA_DIR: z.string().min(1).default('./.tessera'),
  ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  REGISTRY_ALLOWED_HOSTS: csv.default(['127.0.0.1', 'localhost', '::1']),
  REGISTRY_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  // Composition runs in a worker thread, within these limits.
  COMPOSITION_TIMEOUT_MS: ms.default(120_000),
  COMPOSITION_MAX_MEMORY_MB: z.coerce.number().int().min(64).max(65_536).default(2_048),
  // Caching: whole responses, REST GETs and persisted queries, in Redis when one is set.
  CACHE_TIMEOUT_MS: ms.default(50),
  CACHE_WRITE_TIMEOUT_MS: ms.default(1_000),
  CACHE_MEMORY_MAX_MB: z.coerce.number().int().min(1).max(65_536).default(32),
  RESPONSE_CACHE: bool.optional(),
  CACHE_UNKEYED_HEADERS: csv.default([]),
  RESPONSE_CACHE_DEFAULT_MAX_AGE_S: z.coerce.number().int().min(0).max(31_536_000).default(0),
  PERSISTED_QUERIES_SAFELIST: z.string().min(1).optional(),
  // Authentication (src/auth/) and the edge policy (src/policy/).
  JWT_SECRET: z.string().min(1).optional(),
  JWT_PUBLIC_KEY: z.string().min(1).optional(),
  JWT_JWKS_URL: httpUrl.optional(),
  JWT_JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: csv.optional(),
  JWT_ALGORITHMS: csv.optional(),
  JWT_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(5),
  API_KEYS: apiKeysSchema.optional(),
  POLICY_FALLBACK: z.enum(['allow', 'deny']).default('allow'),
  // Rate limits (src/ratelimit/): counters in Redis when one is set, in memory otherwise.
  RATE_LIMIT_DEFAULT: requestBudgetEnvSchema.optional(),
  RATE_LIMIT_FIELDS: fieldLimitsEnvSchema.optional(),
  RATE_LIMIT_TIMEOUT_MS: ms.default(50),
  RATE_LIMIT_ON_STORE_ERROR: z.enum(['memory', 'closed']).default('memory'),
});

export type Env = z.infer<typeof envSchema>;

/** Validates environment variables against a schema once; every bad value is named in the error. */
export function parseEnvWith<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}

export const parseEnv = (env: Record<string, string | undefined>): Env => parseEnvWith(envSchema, env);
