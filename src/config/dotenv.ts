import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors/configError.js';

/**
 * Reads `.env` from the working directory into `process.env`, as `node --env-file` would: a
 * variable already set in the real environment wins over the file. `ENV_FILE` names another file;
 * `ENV_FILE=` (empty) reads none. A missing `.env` is no error; a missing `ENV_FILE` is.
 * Returns the file read, if any, so start-up can say where its settings came from.
 */
export function loadDotEnv(): string | undefined {
  const named = process.env.ENV_FILE;
  const file = named ?? '.env';
  if (file === '') return undefined;
  if (!existsSync(file)) {
    if (named !== undefined) throw new ConfigError([`ENV_FILE: ${file} does not exist`]);
    return undefined;
  }
  process.loadEnvFile(file);
  return resolve(file);
}
