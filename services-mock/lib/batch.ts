import { hashString } from '../data/prng.js';

/**
 * Looks up `ids` and returns what was found, deduplicated, unknown ones left out, in an order
 * that is deliberately NOT the request order (sorted by a hash, reversed if that happens to
 * match), so callers that assume positional answers fail in tests instead of production.
 */
export function batchLookup<T>(ids: readonly string[], find: (id: string) => T | undefined): T[] {
  const unique = [...new Set(ids)];
  const found = unique.flatMap((id) => {
    const item = find(id);
    return item === undefined ? [] : [{ id, item, h: hashString(id) }];
  });
  const sorted = [...found].sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : 1));
  if (sorted.length > 1 && sorted.every((e, i) => e === found[i])) sorted.reverse();
  return sorted.map((e) => e.item);
}
