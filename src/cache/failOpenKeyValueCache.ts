import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { FailOpen } from './failOpen.js';

/** Apollo's KeyValueCache over another one, where every failure or slow command is a miss. */
export class FailOpenKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly inner: KeyValueCache<string>,
    private readonly failOpen: FailOpen,
    private readonly onLookup?: (hit: boolean) => void,
  ) {}

  async get(key: string): Promise<string | undefined> {
    // keyv answers a batched miss with null (Redis MGET); Apollo's contract is undefined.
    const value = (await this.failOpen.run('get', () => this.inner.get(key), undefined)) ?? undefined;
    this.onLookup?.(value !== undefined);
    return value;
  }

  set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    return this.failOpen.run('set', () => this.inner.set(key, value, options), undefined);
  }

  delete(key: string): Promise<boolean | void> {
    return this.failOpen.run('delete', () => this.inner.delete(key), false);
  }
}
