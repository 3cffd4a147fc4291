import { createPublicKey } from 'node:crypto';
import { ConfigError } from '../errors/configError.js';

/** Where token signatures are checked against. HMAC and public keys never mix: one source per process. */
export type KeySource =
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'pem'; readonly pem: string }
  | { readonly kind: 'jwks'; readonly url: string; readonly cooldownMs: number };

export interface ApiKeyEntry {
  /** Becomes the viewer's `sub`. */
  readonly id: string;
  /** Lower-case hex SHA-256 of the key; the key itself is never configured. */
  readonly sha256: string;
  readonly scopes: readonly string[];
  readonly client: string | undefined;
}

export interface AuthConfig {
  /** Undefined: bearer tokens are refused (401); requests without one are anonymous. */
  readonly keys: KeySource | undefined;
  readonly algorithms: readonly string[];
  readonly issuer: string | undefined;
  readonly audience: readonly string[] | undefined;
  readonly clockToleranceS: number;
  readonly apiKeys: readonly ApiKeyEntry[];
}

const HMAC = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The auth part of the validated environment. */
export interface AuthEnv {
  readonly JWT_SECRET?: string | undefined;
  readonly JWT_PUBLIC_KEY?: string | undefined;
  readonly JWT_JWKS_URL?: string | undefined;
  readonly JWT_JWKS_COOLDOWN_MS: number;
  readonly JWT_ISSUER?: string | undefined;
  readonly JWT_AUDIENCE?: readonly string[] | undefined;
  readonly JWT_ALGORITHMS?: readonly string[] | undefined;
  readonly JWT_CLOCK_TOLERANCE_S: number;
  readonly API_KEYS?: readonly { id: string; sha256: string; scopes: string[]; client?: string | undefined }[] | undefined;
  readonly PROPAGATE_HEADERS: readonly string[];
}

/** The algorithms a PEM key can verify, from its own type (RSA: RS and PS; EC: its curve; Ed25519: EdDSA). */
function algorithmsOfPem(pem: string): string[] {
  const key = createPublicKey(pem);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'prime256v1' ? ['ES256'] : curve === 'secp384r1' ? ['ES384'] : curve === 'secp521r1' ? ['ES512'] : [];
    }
    case 'ed25519':
      return ['EdDSA'];
    default:
      return [];
  }
}

/** Checks that the key settings agree with each other; every problem names the variable. */
export function authConfigFromEnv(env: AuthEnv): AuthConfig {
  const problems: string[] = [];
  const sources = (['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_JWKS_URL'] as const).filter((name) => env[name]);
  if (sources.length > 1) problems.push(`${sources.join(', ')}: set only one key source (HMAC and public keys never mix)`);

  let keys: KeySource | undefined;
  let allowed: string[] = [];
  if (env.JWT_SECRET) {
    if (Buffer.byteLength(env.JWT_SECRET) < 32) problems.push('JWT_SECRET: must be at least 32 bytes (256 bits) for HS256');
    keys = { kind: 'secret', secret: env.JWT_SECRET };
    allowed = HMAC;
  } else if (env.JWT_PUBLIC_KEY) {
    // Environment files often carry a PEM on one line with literal "\n".
    const pem = env.JWT_PUBLIC_KEY.replace(/\\n/g, '\n');
    try {
      allowed = algorithmsOfPem(pem);
      keys = { kind: 'pem', pem };
    } catch (error) {
      problems.push(`JWT_PUBLIC_KEY: not a PEM public key (${(error as Error).message})`);
    }
  } else if (env.JWT_JWKS_URL) {
    keys = { kind: 'jwks', url: env.JWT_JWKS_URL, cooldownMs: env.JWT_JWKS_COOLDOWN_MS };
    allowed = ASYMMETRIC;
  }

  // Default: HS256 for a secret; for public keys, every algorithm their key type can verify.
  let algorithms = keys?.kind === 'secret' ? ['HS256'] : allowed;
  if (env.JWT_ALGORITHMS && env.JWT_ALGORITHMS.length > 0) {
    const wrong = env.JWT_ALGORITHMS.filter((alg) => !allowed.includes(alg));
    if (wrong.length > 0) {
      problems.push(
        `JWT_ALGORITHMS=${JSON.stringify(env.JWT_ALGORITHMS.join(','))}: ${wrong.join(', ')} cannot be verified with ${
          keys ? `the configured ${sources[0]}` : 'no key source'
        } (allowed: ${allowed.join(', ') || 'none'})`,
      );
    }
    algorithms = [...env.JWT_ALGORITHMS];
  }

  const reserved = env.PROPAGATE_HEADERS.filter((h) => h.toLowerCase().startsWith('x-user-'));
  if (reserved.length > 0) {
    problems.push(`PROPAGATE_HEADERS: ${reserved.join(', ')} cannot be forwarded; the gateway sets x-user-* headers itself`);
  }
  const ids = new Set<string>();
  for (const entry of env.API_KEYS ?? []) {
    if (ids.has(entry.id)) problems.push(`API_KEYS: the id ${JSON.stringify(entry.id)} appears twice`);
    ids.add(entry.id);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    keys,
    algorithms,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE && env.JWT_AUDIENCE.length > 0 ? [...env.JWT_AUDIENCE] : undefined,
    clockToleranceS: env.JWT_CLOCK_TOLERANCE_S,
    apiKeys: (env.API_KEYS ?? []).map((k) => ({ id: k.id, sha256: k.sha256, scopes: [...k.scopes], client: k.client })),
  };
}
