import type { CacheHint } from '@apollo/cache-control-types';
import { varyVerdict } from '../cache/vary.js';

/**
 * A subgraph answer's `Cache-Control` and `Vary` as a cache hint, read as Apollo's
 * RemoteGraphQLDataSource reads `Cache-Control`, and stricter:
 * - `no-store` and `no-cache` make it uncacheable whatever `max-age` says (the gateway never
 *   revalidates); `s-maxage` caps `max-age`, since the response cache is a shared cache;
 * - `Vary` on a header the response cache does not key on (`keyed`) makes it uncacheable, on a
 *   credential makes it `PRIVATE` (see vary.ts).
 * No `Cache-Control` means `max-age=0`.
 */
export function cacheHintFromHeaders(
  cacheControl: string | string[] | undefined,
  vary: string | string[] | undefined,
  keyed: ReadonlySet<string>,
): CacheHint {
  const value = Array.isArray(cacheControl) ? cacheControl.join(',') : cacheControl;
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  if (!value) return hint;
  let maxAge: number | undefined;
  let sharedMaxAge: number | undefined;
  let noStore = false;
  for (const part of value.split(',')) {
    const [rawName, rawArg] = part.trim().split('=');
    const name = rawName?.toLowerCase();
    const seconds = rawArg !== undefined && /^[0-9]+$/.test(rawArg) ? Number(rawArg) : undefined;
    if (name === 'max-age' && seconds !== undefined) maxAge = seconds;
    else if (name === 's-maxage' && seconds !== undefined) sharedMaxAge = seconds;
    else if (name === 'no-store' || name === 'no-cache') noStore = true;
    else if (name === 'private') hint.scope = 'PRIVATE';
    else if (name === 'public') hint.scope = 'PUBLIC';
  }
  if (noStore) return hint;
  hint.maxAge = Math.min(maxAge ?? sharedMaxAge ?? 0, sharedMaxAge ?? Infinity);
  const verdict = varyVerdict(vary, keyed);
  if (verdict === 'uncacheable') hint.maxAge = 0;
  else if (verdict === 'private') hint.scope = 'PRIVATE';
  return hint;
}
