import DataLoader from 'dataloader';

export const DEFAULT_MAX_BATCH_SIZE = 100;

/**
 * Puts `items` in the order of `keys`. Batch endpoints answer in no promised order and leave
 * unknown keys out, so position means nothing: a key without an item gets `missing(key)`, an Error
 * for that key alone. Items for keys nobody asked for are ignored.
 */
export function matchByKey<K, V>(
  keys: readonly K[],
  items: readonly V[],
  keyOf: (item: V) => K,
  missing: (key: K) => Error,
): Array<V | Error> {
  const byKey = new Map<K, V>();
  for (const item of items) byKey.set(keyOf(item), item);
  return keys.map((key) => (byKey.has(key) ? (byKey.get(key) as V) : missing(key)));
}

export interface BatchLoaderOptions<K, V> {
  /** One upstream call for all `keys`; may answer in any order and leave keys out. */
  readonly fetchMany: (keys: readonly K[]) => Promise<readonly V[]>;
  readonly keyOf: (item: V) => K;
  readonly missing: (key: K) => Error;
  /** Larger batches are split into several calls. Default 100. */
  readonly maxBatchSize?: number | undefined;
}

/** A DataLoader over a batch endpoint, matching results by key. */
export function createBatchLoader<K, V>(options: BatchLoaderOptions<K, V>): DataLoader<K, V> {
  const { fetchMany, keyOf, missing, maxBatchSize = DEFAULT_MAX_BATCH_SIZE } = options;
  return new DataLoader<K, V>(async (keys) => matchByKey(keys, await fetchMany(keys), keyOf, missing), { maxBatchSize });
}
