import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TesseraConfig } from '../appDefinition.js';
import { ConfigError } from '../errors/configError.js';
import { envSchema } from './env.js';

/** The names `tessera` looks for in the working directory, first found wins (as Hive Gateway's `gateway.config.ts`). */
export const CONFIG_FILE_NAMES = ['tessera.config.ts', 'tessera.config.mts', 'tessera.config.js', 'tessera.config.mjs'] as const;

/** The config file of the working directory, or undefined when it has none. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => resolve(dir, name)).find((file) => existsSync(file));
}

let typeScriptLoader: Promise<unknown> | undefined;

/**
 * Imports a config file. TypeScript is compiled on the fly by tsx's loader, registered before the
 * first TypeScript import (a failed import is cached by Node, so it cannot be tried first); under a
 * process already running tsx a second registration is harmless.
 */
export async function loadConfigFile(file: string): Promise<TesseraConfig> {
  if (/\.[cm]?ts$/.test(file)) typeScriptLoader ??= import('tsx/esm/api').then(({ register }) => register());
  await typeScriptLoader;
  const module = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
  if (typeof module.default !== 'object' || module.default === null) {
    throw new ConfigError([`${file} has no default export (export default defineConfig({ … }))`]);
  }
  return module.default as TesseraConfig;
}

/**
 * The environment the engine reads: the config file's `settings` under the process environment
 * (the environment wins). A setting Tessera does not know is refused, not ignored.
 */
export function withSettings(
  settings: TesseraConfig['settings'],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  if (settings === undefined) return { ...env };
  const known = new Set(Object.keys(envSchema.shape));
  const unknown = Object.keys(settings).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new ConfigError(unknown.map((name) => `settings.${name} is not a Tessera setting (docs/configuration.md)`));
  const given = Object.fromEntries(Object.entries(settings).map(([name, value]) => [name, String(value)]));
  return { ...given, ...env };
}
