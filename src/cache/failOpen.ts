import type { Logger } from 'pino';

/** What happened to one cache command; what the metrics hook counts. */
export type CacheOutcome = 'ok' | 'error' | 'timeout' | 'skipped';

export interface FailOpenOptions {
  /** Store name in logs and metrics (`responses`, `rest`, `apq`). */
  readonly name: string;
  /** Longest a command may take before it counts as a miss. */
  readonly timeoutMs: number;
  readonly log: Logger;
  /** Called once per command that did not succeed (metrics). */
  readonly onFailure?: ((store: string, outcome: Exclude<CacheOutcome, 'ok'>) => void) | undefined;
  /** After this many failures in a row the store is skipped for `cooldownMs`. Default 3. */
  readonly failuresBeforeCooldown?: number;
  /** Default 1 000 ms. */
  readonly cooldownMs?: number;
}

const TIMED_OUT: unique symbol = Symbol('timed out');
const LOG_EVERY_MS = 5_000;

/**
 * Runs cache commands so that the cache can never fail a request: an error or a command slower
 * than `timeoutMs` returns the fallback (a miss). After a few failures in a row the store is left
 * alone for a moment, so a dead or hung Redis costs nothing and its pending commands do not pile up;
 * then one command tries again.
 */
export class FailOpen {
  readonly #options: FailOpenOptions;
  readonly #threshold: number;
  readonly #cooldownMs: number;
  #failures = 0;
  #skipUntil = 0;
  #lastLog = 0;

  constructor(options: FailOpenOptions) {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new TypeError(`timeoutMs must be a positive number, got ${String(options.timeoutMs)}`);
    }
    this.#options = options;
    this.#threshold = options.failuresBeforeCooldown ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 1_000;
  }

  get timeoutMs(): number {
    return this.#options.timeoutMs;
  }

  /**
   * `command`'s result, or `fallback` when it fails, is too slow, or the store is cooling down.
   * `background` commands (writes nobody waits for) may take longer without counting towards the
   * cooldown: a slow write of a big value says nothing about whether reads are answered in time.
   */
  async run<T>(what: string, command: () => Promise<T>, fallback: T, timeoutMs = this.#options.timeoutMs, background = false): Promise<T> {
    if (this.#skipUntil > Date.now()) {
      this.#options.onFailure?.(this.#options.name, 'skipped');
      return fallback;
    }
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const pending = Promise.resolve().then(command);
    // A command that answers after its deadline must not become an unhandled rejection.
    pending.catch(() => undefined);
    try {
      const result = await Promise.race([
        pending,
        new Promise<typeof TIMED_OUT>((resolve) => {
          // The deadline is the store's, not our event loop's. The clock starts once the client has
          // written the command (node-redis writes in a setImmediate of its own), and when a busy loop
          // runs the timer late, an answer that has already arrived is read first (I/O is polled
          // before setImmediate callbacks run).
          const expire = () => setImmediate(resolve, TIMED_OUT);
          setImmediate(() => setImmediate(() => {
            if (!settled) timer = setTimeout(expire, timeoutMs);
          }));
        }),
      ]);
      if (result === TIMED_OUT) return this.#fail(what, 'timeout', undefined, fallback, timeoutMs, !background);
      this.#failures = 0;
      return result;
    } catch (error) {
      return this.#fail(what, 'error', error, fallback, timeoutMs, true);
    } finally {
      settled = true;
      clearTimeout(timer);
    }
  }

  #fail<T>(what: string, outcome: 'error' | 'timeout', error: unknown, fallback: T, timeoutMs: number, counts: boolean): T {
    if (counts) {
      this.#failures += 1;
      if (this.#failures >= this.#threshold) this.#skipUntil = Date.now() + this.#cooldownMs;
    }
    this.#options.onFailure?.(this.#options.name, outcome);
    const now = Date.now();
    // One line per store every few seconds: an outage must not flood the log.
    if (now - this.#lastLog >= LOG_EVERY_MS) {
      this.#lastLog = now;
      this.#options.log.warn(
        { err: error, store: this.#options.name, command: what, outcome, timeoutMs },
        'cache command failed; treated as a miss',
      );
    }
    return fallback;
  }
}
