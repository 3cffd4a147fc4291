import type { CacheHint } from '@apollo/cache-control-types';

/** The request headers a credential arrives in (src/auth/authenticate.ts). */
const CREDENTIAL_HEADERS = ['Authorization', 'x-api-key'] as const;

export interface ClientCacheInput {
  /** The overall cache policy, if the answer may be reused at all (a query's, without errors, every service allowing it). */
  readonly policy: Required<CacheHint> | null;
  /** The answer depended on the viewer's credential (a rule or an auth directive was decided). */
  readonly credentialDependent: boolean;
  /** The request headers the answer may depend on (the propagated ones the cache keys on). */
  readonly keyHeaders: readonly string[];
}

/**
 * What clients and HTTP caches (browsers, CDNs) are told about reusing an answer:
 * - `no-store` unless it is a query's answer without errors and every service allowed caching;
 * - else `max-age=N` and `private` when a service said so or the answer depended on the
 *   credential (a CDN must not replay it to another viewer at the same URL), `public` otherwise;
 * - `Vary` names every header the answer may depend on: the propagated ones, and the credential
 *   headers when the answer is private.
 */
export function clientCacheHeaders({ policy, credentialDependent, keyHeaders }: ClientCacheInput): { cacheControl: string; vary: string[] } {
  if (policy === null) return { cacheControl: 'no-store', vary: [] };
  const isPrivate = credentialDependent || policy.scope === 'PRIVATE';
  return {
    cacheControl: `max-age=${policy.maxAge}, ${isPrivate ? 'private' : 'public'}`,
    vary: isPrivate ? [...keyHeaders, ...CREDENTIAL_HEADERS] : [...keyHeaders],
  };
}
