import { isIdentityHeader } from '../auth/identityHeaders.js';

/**
 * How services say whether their answers may be reused: `Cache-Control` and `Vary`, read the same
 * way for remote subgraphs (src/gateway/cacheControl.ts) and REST services (src/subgraphs/rest/httpCache.ts).
 * Tessera's caches never revalidate, so `no-cache` means the same to them as `no-store`.
 */
export interface CacheDirectives {
  readonly maxAge: number | undefined;
  readonly sharedMaxAge: number | undefined;
  /** `no-store` or `no-cache`. */
  readonly noStore: boolean;
  readonly isPrivate: boolean;
  readonly isPublic: boolean;
}

/** A `Cache-Control` header's directives (names case-insensitive, values optionally quoted); `undefined` without one. */
export function parseCacheControl(header: string | readonly string[] | undefined): CacheDirectives | undefined {
  if (header === undefined) return undefined;
  const directives = new Map<string, string | undefined>();
  for (const part of (typeof header === 'string' ? header : header.join(',')).split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName?.trim().toLowerCase();
    if (name) directives.set(name, rest.length > 0 ? rest.join('=').trim().replace(/^"(.*)"$/, '$1') : undefined);
  }
  return {
    maxAge: deltaSeconds(directives.get('max-age')),
    sharedMaxAge: deltaSeconds(directives.get('s-maxage')),
    noStore: directives.has('no-store') || directives.has('no-cache'),
    isPrivate: directives.has('private'),
    isPublic: directives.has('public'),
  };
}

/**
 * How long a cache shared by viewers may keep the answer: a shared entry by `s-maxage` before
 * `max-age` (RFC 9111 §5.2.2.10), a viewer's own entry by `max-age`; `undefined` if not at all.
 */
export function lifetimeOf(directives: CacheDirectives, viewerOwn: boolean): number | undefined {
  if (directives.noStore) return undefined;
  return viewerOwn ? directives.maxAge : (directives.sharedMaxAge ?? directives.maxAge);
}

/** A delta-seconds value (`max-age`, `Age`): digits only, else `undefined`. */
export function deltaSeconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Request headers the gateway sends with the same value on every call to a service (or never
 * sends): an answer that varies on them varies on nothing that differs between two of its calls.
 */
const CONSTANT_HEADERS = new Set(['accept', 'accept-encoding', 'content-type']);

/** Headers that say who the viewer is: an answer that varies on them is the viewer's own. */
function isCredentialHeader(name: string): boolean {
  return name === 'authorization' || name === 'x-api-key' || name === 'cookie' || isIdentityHeader(name);
}

/**
 * What a service's `Vary` allows a cache to do with its answer, given the request headers the
 * cache key holds (`keyed`, lower-cased):
 * - `shared`: every header it names is in the key or never differs between calls;
 * - `private`: it names a credential, so the answer is the viewer's own (keyed by the viewer);
 * - `uncacheable`: `*`, or a header that differs between calls and is not in the key.
 */
export type VaryVerdict = 'shared' | 'private' | 'uncacheable';

export function varyVerdict(vary: string | readonly string[] | undefined, keyed: ReadonlySet<string>): VaryVerdict {
  if (vary === undefined) return 'shared';
  let verdict: VaryVerdict = 'shared';
  for (const line of typeof vary === 'string' ? [vary] : vary) {
    for (const part of line.split(',')) {
      const name = part.trim().toLowerCase();
      if (name === '' || keyed.has(name) || CONSTANT_HEADERS.has(name)) continue;
      if (name === '*') return 'uncacheable';
      if (isCredentialHeader(name)) verdict = 'private';
      else return 'uncacheable';
    }
  }
  return verdict;
}
