import type { CacheHint } from '@apollo/cache-control-types';
import { lifetimeOf, parseCacheControl, varyVerdict } from '../cache/httpCacheHeaders.js';

/**
 * A subgraph answer's `Cache-Control` and `Vary` as a cache hint, as Apollo's
 * RemoteGraphQLDataSource reads `Cache-Control`, and stricter (src/cache/httpCacheHeaders.ts):
 * `no-store` and `no-cache` make it uncacheable whatever `max-age` says; `s-maxage` is a shared
 * answer's lifetime, since the response cache is shared; `Vary` on a header the response cache
 * does not key on (`keyed`) makes it uncacheable, on a credential `PRIVATE`.
 * No `Cache-Control` means `max-age=0`.
 */
export function cacheHintFromHeaders(
  cacheControl: string | string[] | undefined,
  vary: string | string[] | undefined,
  keyed: ReadonlySet<string>,
): CacheHint {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  const directives = parseCacheControl(cacheControl);
  if (!directives) return hint;
  const verdict = varyVerdict(vary, keyed);
  if (directives.isPrivate || verdict === 'private') hint.scope = 'PRIVATE';
  else if (directives.isPublic) hint.scope = 'PUBLIC';
  if (verdict !== 'uncacheable') hint.maxAge = lifetimeOf(directives, hint.scope === 'PRIVATE') ?? 0;
  return hint;
}
