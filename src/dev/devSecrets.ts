import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { envSchema } from '../config/env.js';
import { hostAllowed } from '../registry/hostMatch.js';

/**
 * What `npm start` keeps in `DATA_DIR` (git-ignored `.tessera/` by default) so that nothing needs a
 * restart or a setting while developing: the JWT secret it signs with, the admin token it opens the
 * admin API with, and the URL it serves on. `tessera token` and `tessera subgraph` read them when the
 * environment has none of its own. Never written or read in production.
 */
export interface DevSecrets {
  readonly jwtSecret: string;
  readonly adminToken: string;
  /** Where the last `npm start` served, e.g. `http://127.0.0.1:4000`. */
  readonly gatewayUrl?: string;
}

export const DEV_SECRETS_FILE = 'dev-secrets.json';

const fileSchema = z.object({ jwtSecret: z.string().min(32), adminToken: z.string().min(16), gatewayUrl: z.string().url().optional() });
const settingsSchema = envSchema.pick({ NODE_ENV: true, DATA_DIR: true });

/** The file's path for `env` (DATA_DIR), or undefined in production, where there is none. */
export function devSecretsPath(env: NodeJS.ProcessEnv): string | undefined {
  const settings = settingsSchema.safeParse(env);
  if (!settings.success || settings.data.NODE_ENV === 'production') return undefined;
  return join(resolve(settings.data.DATA_DIR), DEV_SECRETS_FILE);
}

/** The secrets the last `npm start` kept, or undefined (none yet, production, or a file that is not ours). */
export function readDevSecrets(env: NodeJS.ProcessEnv): DevSecrets | undefined {
  const path = devSecretsPath(env);
  if (!path) return undefined;
  try {
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The kept secrets, made on first use, with `gatewayUrl` recorded; the file is readable by its owner only. */
export function keepDevSecrets(path: string, gatewayUrl: string | undefined, kept: DevSecrets | undefined): DevSecrets {
  const secrets: DevSecrets = {
    jwtSecret: kept?.jwtSecret ?? randomBytes(32).toString('base64url'),
    adminToken: kept?.adminToken ?? randomBytes(24).toString('base64url'),
    ...(gatewayUrl ? { gatewayUrl } : {}),
  };
  mkdirSync(resolve(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  return secrets;
}

/** Whether the environment names a key to verify tokens with; if not, development signs with the kept secret. */
export const hasJwtKeySource = (env: NodeJS.ProcessEnv): boolean => Boolean(env.JWT_SECRET || env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL);

/** A host only this machine can reach (the registry's own host matcher): the admin API opens by itself only there. */
export const isLoopbackHost = (host: string): boolean => host !== '' && hostAllowed(host, ['localhost', '127.0.0.0/8', '::1']);
