/**
 * A bound on expensive operations in flight, so a few of them cannot take every core and all the
 * memory while light requests wait. Each identity may run `maxPerClient` at once (a further one is
 * refused at once: one client never fills the queue); past `maxConcurrent` in all, an operation
 * waits up to `waitMs` for a slot, first come first served, then is refused.
 */
export interface HeavyGateOptions {
  readonly maxConcurrent: number;
  readonly maxPerClient: number;
  readonly waitMs: number;
}

/** Why a heavy operation did not get a slot. */
export type HeavyRefusal = 'client' | 'busy';

interface Waiter {
  readonly client: string;
  readonly grant: (release: () => void) => void;
  readonly timer: NodeJS.Timeout;
}

export class HeavyOperationGate {
  #running = 0;
  readonly #perClient = new Map<string, number>();
  readonly #waiting: Waiter[] = [];

  constructor(private readonly options: HeavyGateOptions) {}

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** A release function once the operation may run, or why it may not. Call the release exactly once. */
  acquire(client: string): Promise<(() => void) | HeavyRefusal> {
    const mine = (this.#perClient.get(client) ?? 0) + this.#waiting.filter((w) => w.client === client).length;
    if (mine >= this.options.maxPerClient) return Promise.resolve('client');
    if (this.#running < this.options.maxConcurrent) return Promise.resolve(this.#take(client));
    // Four waiters per slot at most: one further back would rarely get a slot within its wait.
    if (this.#waiting.length >= this.options.maxConcurrent * 4 || this.options.waitMs === 0) return Promise.resolve('busy');
    return new Promise((resolve) => {
      const waiter: Waiter = {
        client,
        grant: resolve,
        timer: setTimeout(() => {
          const at = this.#waiting.indexOf(waiter);
          if (at >= 0) this.#waiting.splice(at, 1);
          resolve('busy');
        }, this.options.waitMs),
      };
      this.#waiting.push(waiter);
    });
  }

  #take(client: string): () => void {
    this.#running++;
    this.#perClient.set(client, (this.#perClient.get(client) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      const left = (this.#perClient.get(client) ?? 1) - 1;
      if (left > 0) this.#perClient.set(client, left);
      else this.#perClient.delete(client);
      const next = this.#waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(this.#take(next.client));
      }
    };
  }
}
