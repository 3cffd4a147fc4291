import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';

/**
 * An in-memory KeyValueCache of at most `max` entries, least recently used out first, for what
 * grows with distinct operations (parsed documents, query plans). Apollo's defaults bound these by
 * 30 MiB of their JSON, which measures neither: a parsed document keeps its token list, several
 * times its JSON, and every entry is serialized to be measured.
 */
export function boundedCache<V extends object>(max: number): InMemoryLRUCache<V> {
  return new InMemoryLRUCache<V>({ max, maxSize: undefined, sizeCalculation: undefined });
}
