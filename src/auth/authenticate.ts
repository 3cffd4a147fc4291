import type { GraphQLError } from 'graphql';
import { errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { requestError } from '../errors/codes.js';
import { createApiKeyLookup, sha256Hex } from './apiKeys.js';
import { viewerFromClaims } from './claims.js';
import type { ApiKeyEntry } from './config.js';
import type { TokenVerifier } from './verifyToken.js';
import { ANONYMOUS, type Viewer } from './viewer.js';

export interface AuthenticatorOptions {
  /** Undefined when no key source is configured: every bearer token is refused. */
  readonly verify: TokenVerifier | undefined;
  readonly apiKeys?: readonly ApiKeyEntry[];
  /** Verified tokens kept (by SHA-256 of the token) until they expire. */
  readonly cacheMax?: number;
  readonly now?: () => number;
}

/** Decides who is asking from the request headers: a viewer, the anonymous viewer, or a 401. */
/** `log` gives the request's logger; it is asked for only when a credential is refused. */
export type Authenticate = (headers: Readonly<Record<string, string | undefined>>, log: () => Logger) => Promise<Viewer>;

/**
 * The 401 for a bad credential. The message is the same for every reason (which one goes to the
 * log), so a caller learns nothing about why a token was refused.
 */
export function unauthenticatedError(): GraphQLError {
  return requestError('UNAUTHENTICATED', undefined, {}, [['www-authenticate', 'Bearer']]);
}

class Refused extends Error {}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const { verify } = options;
  const now = options.now ?? Date.now;
  const lookupApiKey = createApiKeyLookup(options.apiKeys ?? []);
  // Keyed by a hash so the cache never holds a usable credential.
  const verified = new LRUCache<string, { viewer: Viewer; expiresAt: number }>({ max: options.cacheMax ?? 10_000 });

  const fromToken = async (token: string): Promise<Viewer> => {
    const key = sha256Hex(token);
    const hit = verified.get(key);
    if (hit) {
      if (hit.expiresAt > now()) return hit.viewer;
      verified.delete(key);
    }
    if (!verify) throw new Refused('no JWT key source is configured');
    const claims = await verify(token);
    const viewer = viewerFromClaims(claims);
    // exp is required by the verifier; entries leave the cache when the token expires.
    if (typeof claims.exp === 'number') verified.set(key, { viewer, expiresAt: claims.exp * 1000 });
    return viewer;
  };

  return async (headers, log) => {
    const authorization = headers.authorization;
    const apiKey = headers['x-api-key'];
    if (authorization === undefined && apiKey === undefined) return ANONYMOUS;
    try {
      if (authorization !== undefined) {
        const match = /^Bearer[ \t]+([A-Za-z0-9\-_.~+/]+=*)[ \t]*$/i.exec(authorization);
        if (!match?.[1]) throw new Refused('the authorization header is not "Bearer <token>"');
        return await fromToken(match[1]);
      }
      const viewer = lookupApiKey(apiKey!);
      if (!viewer) throw new Refused('unknown API key');
      return viewer;
    } catch (error) {
      log().info({ reason: reasonOf(error) }, 'authentication failed');
      throw unauthenticatedError();
    }
  };
}
