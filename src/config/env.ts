import { z } from 'zod';

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
  PORT: port.default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUPERGRAPH_CONFIG: z.string().min(1).default('schema/supergraph.yaml'),
  SUPERGRAPH_FILE: z.string().min(1).optional(),
  SUBGRAPH_TIMEOUT_MS: ms.default(10_000),
  PROPAGATE_HEADERS: csv.default(['accept-language']),
  INTROSPECTION: bool.optional(),
  SANDBOX: bool.optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1_048_576),
  SHUTDOWN_GRACE_MS: ms.default(10_000),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

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
