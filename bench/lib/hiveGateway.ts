// How the benchmark runs Hive Gateway: its own CLI, as its users run it, over a supergraph file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const manifest = createRequire(import.meta.url).resolve('@graphql-hive/gateway/package.json');

/** The `hive-gateway` script, run with `node`. */
export const HIVE_BIN = join(dirname(manifest), (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin['hive-gateway']!);

export interface HiveOptions {
  /** Hive Gateway's in-flight subgraph call deduplication, on by default in Hive. */
  readonly dedup: boolean;
  /** Extra CLI flags, e.g. `--jit`. */
  readonly flags?: readonly string[];
}

/**
 * Arguments for HIVE_BIN: the supergraph with Hive Router's Rust query planner and executor
 * (`@graphql-hive/router-runtime`), in one process; PORT and HOST come from the environment.
 */
export function hiveArgs(root: string, supergraphFile: string, options: HiveOptions): string[] {
  return [
    'supergraph',
    supergraphFile,
    '--hive-router-runtime',
    '--fork',
    '1',
    // Hive's documented switch for its deduplication (BENCH_HIVE_DEDUP=0).
    ...(options.dedup ? [] : ['--config-path', join(root, 'bench', 'hive-no-dedup.config.mjs')]),
    ...(options.flags ?? []),
  ];
}
