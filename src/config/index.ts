import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, parseEnv, type Env } from './env.js';
import { parseSupergraphConfig, type SubgraphSpec } from './supergraphConfig.js';

export { ConfigError, httpUrl, parseEnvWith } from './env.js';
export type { SubgraphSpec, SchemaSource } from './supergraphConfig.js';

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
  readonly logLevel: Env['LOG_LEVEL'];
  readonly supergraph: SupergraphSource;
  readonly subgraphTimeoutMs: number;
  /** Client headers forwarded to subgraphs (lower-case). Nothing else is. */
  readonly propagateHeaders: readonly string[];
  readonly introspection: boolean;
  readonly sandbox: boolean;
  readonly maxBodyBytes: number;
  readonly shutdownGraceMs: number;
}

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
    logLevel: env.LOG_LEVEL,
    supergraph,
    subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    propagateHeaders: env.PROPAGATE_HEADERS.map((h) => h.toLowerCase()),
    introspection: env.INTROSPECTION ?? !production,
    sandbox: env.SANDBOX ?? !production,
    maxBodyBytes: env.MAX_BODY_BYTES,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  });
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
