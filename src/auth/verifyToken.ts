import { createRemoteJWKSet, importSPKI, jwtVerify, type CryptoKey, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { AuthConfig, KeySource } from './config.js';

/** Verifies a compact JWS and returns its claims, or throws (jose's errors carry a `code`). */
export type TokenVerifier = (token: string) => Promise<JWTPayload>;

type KeyInput = Uint8Array | CryptoKey | ((header: JWTHeaderParameters) => Promise<CryptoKey | Uint8Array>);

/** Turns a key source into what `jwtVerify` takes. */
function keyFor(source: KeySource, algorithms: readonly string[]): KeyInput {
  switch (source.kind) {
    case 'secret':
      return new TextEncoder().encode(source.secret);
    case 'pem': {
      // importSPKI binds a key to one algorithm, so each allowed algorithm gets its own import.
      const imported = new Map<string, Promise<CryptoKey>>();
      return (header) => {
        const alg = header.alg;
        if (!algorithms.includes(alg)) return Promise.reject(new Error(`algorithm ${alg} is not allowed`));
        let key = imported.get(alg);
        if (!key) {
          key = importSPKI(source.pem, alg);
          imported.set(alg, key);
        }
        return key;
      };
    }
    case 'jwks':
      // Refetches the set when a token names an unknown `kid` (key rotation), at most once per cooldown.
      return createRemoteJWKSet(new URL(source.url), {
        cooldownDuration: source.cooldownMs,
        cacheMaxAge: 10 * 60_000,
        timeoutDuration: 5_000,
      }) as unknown as KeyInput;
  }
}

/** Builds the verifier for the configured key source, or undefined when none is configured. */
export function createTokenVerifier(config: AuthConfig): TokenVerifier | undefined {
  if (!config.keys) return undefined;
  const key = keyFor(config.keys, config.algorithms);
  const options = {
    algorithms: [...config.algorithms],
    issuer: config.issuer,
    audience: config.audience ? [...config.audience] : undefined,
    clockTolerance: config.clockToleranceS,
    requiredClaims: ['exp'],
  };
  return async (token) => {
    const { payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
    return payload;
  };
}
