import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisConnection } from '../redis/createRedis.js';
import { withDeadline } from '../io/deadline.js';

/** One limit: at most `max` points per `windowS` seconds for each key. */
export interface LimitSpec {
  /** Names the limit in keys, metrics and logs; two limits with one name share counters. */
  readonly name: string;
  readonly max: number;
  readonly windowS: number;
  /**
   * When the shared store (Redis) fails or is slow: `memory` counts in this process instead
   * (the default — availability first), `closed` refuses (for limits that protect something costly).
   */
  readonly onStoreError?: 'memory' | 'closed';
}

/** The outcome of spending `points` at once. */
export interface Spend {
  /** How many of the points fitted in the budget (the first ones spent win). */
  readonly allowed: number;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetS: number;
  /** True when the store failed and the outcome came from the fallback policy. */
  readonly degraded: boolean;
}

/** The store port: memory in one process, Redis across replicas. */
export interface RateLimiter {
  spend(spec: LimitSpec, key: string, points?: number): Promise<Spend>;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /**
   * A node-redis client (one Redis or a cluster) shared by every replica; counters are atomic
   * there. Absent: in memory. It must not queue commands while disconnected (see openRedis).
   */
  readonly redis?: RedisConnection;
  readonly prefix?: string;
  /** Deadline of one Redis spend; slower counts as a store failure. Default 50 ms. */
  readonly timeoutMs?: number;
  /** Called when the store failed and the fallback policy decided. */
  readonly onStoreError?: (error: unknown, spec: LimitSpec) => void;
}

const secondsUntil = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function spendFrom(res: RateLimiterRes, spec: LimitSpec, points: number, degraded: boolean): Spend {
  // consumedPoints is the window's total after this spend; what was there before decides how many fitted.
  const before = res.consumedPoints - points;
  const allowed = Math.max(0, Math.min(points, spec.max - before));
  return {
    allowed,
    limit: spec.max,
    remaining: Math.max(0, spec.max - res.consumedPoints),
    resetS: secondsUntil(res.msBeforeNext),
    degraded,
  };
}

/**
 * Counts with rate-limiter-flexible: an atomic Lua INCR+TTL in Redis, so two replicas never
 * together allow more than `max`. Each counter is one key, so on a cluster it lives on one master
 * and no command spans slots. A spend slower than `timeoutMs` counts as a store failure, and the
 * client queues nothing while disconnected, so an outage never hangs a request.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const prefix = options.prefix ?? 'tessera:';
  const timeoutMs = options.timeoutMs ?? 50;
  const limiters = new Map<string, { store: RateLimiterAbstract; memory: RateLimiterMemory }>();

  const limiterFor = (spec: LimitSpec) => {
    const id = `${spec.name}:${spec.max}:${spec.windowS}`;
    let entry = limiters.get(id);
    if (!entry) {
      const keyPrefix = `${prefix}rl:${spec.name}`;
      const memory = new RateLimiterMemory({ points: spec.max, duration: spec.windowS, keyPrefix });
      const store = options.redis
        ? new RateLimiterRedis({
            storeClient: options.redis,
            useRedisPackage: true,
            points: spec.max,
            duration: spec.windowS,
            keyPrefix,
            rejectIfRedisNotReady: true,
          })
        : memory;
      entry = { store, memory };
      limiters.set(id, entry);
    }
    return entry;
  };

  return {
    async spend(spec, key, points = 1) {
      const { store, memory } = limiterFor(spec);
      try {
        const consumed = store === memory ? store.consume(key, points) : withDeadline(store.consume(key, points), timeoutMs, `Redis did not answer within ${timeoutMs} ms`);
        return spendFrom(await consumed, spec, points, false);
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) return spendFrom(outcome, spec, points, false);
        options.onStoreError?.(outcome, spec);
        if (spec.onStoreError === 'closed') {
          return { allowed: 0, limit: spec.max, remaining: 0, resetS: spec.windowS, degraded: true };
        }
        try {
          return spendFrom(await memory.consume(key, points), spec, points, true);
        } catch (fallback) {
          if (fallback instanceof RateLimiterRes) return spendFrom(fallback, spec, points, true);
          throw fallback;
        }
      }
    },
    async close() {
      limiters.clear();
    },
  };
}
