/** Connection-level failures where the subgraph never processed the request. */
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT']);
/** Gateway-ish statuses that mean "not processed, try again". */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

export function isRetryableCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Backoff before retry `attempt` (1-based): exponential with "equal jitter", i.e. between half
 * and all of `baseMs * 2^(attempt-1)`, so synchronized clients spread out without ever retrying at once.
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = baseMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Caps retries at a share of requests over a sliding window (ten buckets), so retries cannot
 * multiply the load on a subgraph that is already failing. A small floor lets a quiet gateway
 * still retry its occasional failure.
 */
export class RetryBudget {
  readonly #requests: number[];
  readonly #retries: number[];
  readonly #bucketMs: number;
  #bucketStart = 0;
  #current = 0;

  constructor(
    private readonly ratio: number,
    windowMs = 10_000,
    private readonly minRetries = 3,
    private readonly now: () => number = Date.now,
  ) {
    this.#requests = new Array<number>(10).fill(0);
    this.#retries = new Array<number>(10).fill(0);
    this.#bucketMs = windowMs / 10;
    this.#bucketStart = now();
  }

  #rotate(): void {
    const elapsed = Math.floor((this.now() - this.#bucketStart) / this.#bucketMs);
    if (elapsed <= 0) return;
    for (let i = 0; i < Math.min(elapsed, 10); i++) {
      this.#current = (this.#current + 1) % 10;
      this.#requests[this.#current] = 0;
      this.#retries[this.#current] = 0;
    }
    this.#bucketStart += elapsed * this.#bucketMs;
  }

  /** Counts a first attempt. */
  recordRequest(): void {
    this.#rotate();
    this.#requests[this.#current]! += 1;
  }

  /** Takes one retry from the budget if there is one left. */
  tryRetry(): boolean {
    this.#rotate();
    const requests = this.#requests.reduce((a, b) => a + b, 0);
    const retries = this.#retries.reduce((a, b) => a + b, 0);
    if (retries >= Math.max(this.minRetries, requests * this.ratio)) return false;
    this.#retries[this.#current]! += 1;
    return true;
  }
}
