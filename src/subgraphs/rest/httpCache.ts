/**
 * Which REST responses may be stored, for how long, and under which key. Pure: the REST client
 * does the reading and writing.
 */
import { deltaSeconds, lifetimeOf, parseCacheControl, varyVerdict } from '../../cache/httpCacheHeaders.js';

export type CacheScope = 'public' | 'private';

/** No request header is part of a REST cache key. */
const NOTHING_KEYED: ReadonlySet<string> = new Set();

export interface CachePolicy {
  readonly scope: CacheScope;
  readonly ttlSeconds: number;
}

/**
 * Reads `Cache-Control` (and `Age`) of a 200 response. `undefined` means "do not store": no header,
 * `no-store`, `no-cache` (we never revalidate, so an entry that must be revalidated is useless),
 * or no positive lifetime. Without `private` the response is public, as in HTTP: we send no
 * credentials upstream. Public entries are shared by every viewer, so `s-maxage` wins over `max-age`.
 * The key is the URL (and the viewer, for private entries) and the client sends no header that
 * differs between calls: a `Vary` on any such header means "do not store", on a credential `private`.
 */
export function cachePolicy(cacheControl: string | undefined, age?: string, vary?: string): CachePolicy | undefined {
  const directives = parseCacheControl(cacheControl);
  if (!directives || directives.noStore) return undefined;
  const verdict = varyVerdict(vary, NOTHING_KEYED);
  if (verdict === 'uncacheable') return undefined;
  const scope: CacheScope = directives.isPrivate || verdict === 'private' ? 'private' : 'public';
  const lifetime = lifetimeOf(directives, scope === 'private');
  if (lifetime === undefined) return undefined;
  const ttlSeconds = lifetime - (deltaSeconds(age) ?? 0);
  return ttlSeconds > 0 ? { scope, ttlSeconds } : undefined;
}

/**
 * The cache key of a GET. Private entries carry the viewer, so one viewer's answer never serves
 * another; a private response for a viewer without a `sub` is not stored at all (`undefined`).
 */
export function cacheKey(scope: CacheScope, url: string, viewerId: string | undefined): string | undefined {
  if (scope === 'public') return `rest:public:${url}`;
  return viewerId === undefined ? undefined : `rest:private:${encodeURIComponent(viewerId)}:${url}`;
}

/**
 * Where the "write epoch" of one viewer at one service lives. A successful POST by the viewer
 * renews it, and private entries stored under an older epoch are misses: after their own write,
 * viewers read fresh data (RFC 9111 §4.4 invalidates only the POSTed URL; lists need more).
 */
export function epochKey(service: string, viewerId: string): string {
  return `rest:epoch:${encodeURIComponent(service)}:${encodeURIComponent(viewerId)}`;
}

/**
 * A stored entry: when it expires (ms since the epoch, so a hit can tell the response cache how fresh
 * it still is), the write epoch it was stored under (private entries; empty for public ones), the body.
 */
export function cacheEntry(expiresAt: number, epoch: string, text: string): string {
  return `${expiresAt}\n${epoch}\n${text}`;
}

/** An entry still valid under `epoch` at `now`, with its remaining lifetime; otherwise `undefined`. */
export function readCacheEntry(entry: string, epoch: string, now: number): { text: string; ttlSeconds: number } | undefined {
  const first = entry.indexOf('\n');
  const second = first < 0 ? -1 : entry.indexOf('\n', first + 1);
  if (second < 0 || entry.slice(first + 1, second) !== epoch) return undefined;
  const ttlSeconds = Math.floor((Number(entry.slice(0, first)) - now) / 1000);
  return ttlSeconds > 0 ? { text: entry.slice(second + 1), ttlSeconds } : undefined;
}
