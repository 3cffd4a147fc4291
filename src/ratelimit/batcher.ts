import type { LimitSpec, RateLimiter, Spend } from './limiter.js';

interface Waiter {
  resolve: (result: { allowed: boolean; spend: Spend }) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the spends one request makes in the same tick (twenty aliases of a limited field)
 * into one atomic spend per (limit, key): one Redis round trip instead of twenty, and the first
 * occurrences win the budget that is left. Create one per request.
 */
export class SpendBatcher {
  readonly #pending = new Map<string, { spec: LimitSpec; key: string; waiters: Waiter[] }>();
  #scheduled = false;

  constructor(private readonly limiter: RateLimiter) {}

  spend(spec: LimitSpec, key: string): Promise<{ allowed: boolean; spend: Spend }> {
    return new Promise((resolve, reject) => {
      const id = `${spec.name}\u0000${key}`;
      let batch = this.#pending.get(id);
      if (!batch) {
        batch = { spec, key, waiters: [] };
        this.#pending.set(id, batch);
      }
      batch.waiters.push({ resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batches = [...this.#pending.values()];
    this.#pending.clear();
    for (const { spec, key, waiters } of batches) {
      this.limiter.spend(spec, key, waiters.length).then(
        (spend) => waiters.forEach((w, i) => w.resolve({ allowed: i < spend.allowed, spend })),
        (error) => waiters.forEach((w) => w.reject(error)),
      );
    }
  }
}
