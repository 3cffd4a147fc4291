import { isIdentityHeader } from '../auth/identityHeaders.js';

/**
 * Request headers the gateway sends with the same value on every call to a service (or never
 * sends): an answer that varies on them varies on nothing that differs between two of its calls.
 */
const CONSTANT_HEADERS = new Set(['accept', 'accept-encoding', 'content-type']);

/** Headers that say who the viewer is: an answer that varies on them is the viewer's own. */
export function isCredentialHeader(name: string): boolean {
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
