import type { Logger } from 'pino';
import type { TesseraContext } from '../graphql/context.js';
import type { RuleTree } from '../policy/rules.js';
import { openRedis } from '../redis/createRedis.js';
import type { RedisTarget } from '../redis/target.js';
import { parseBudget, type ClientLimits, type ClientProfile, type RequestBudget } from './clientLimits.js';
import { withFieldLimits, type FieldLimit } from './fieldLimits.js';
import { createRateLimiter, type LimitSpec } from './limiter.js';
import { createRequestLimit, type RequestLimit } from './requestLimit.js';
import type { FieldLimitScope, FieldRejection } from './rule.js';

/** The engine's rate-limit settings (from the environment). */
export interface RateLimitConfig {
  /** The request budget of every identity without a client profile; absent: none. */
  readonly default: RequestBudget | undefined;
  /** Field limits added to the app's rule tree. */
  readonly fields: readonly FieldLimit[];
  /** Deadline of one Redis command; slower counts as a store failure. */
  readonly timeoutMs: number;
  /** When Redis fails: count in memory, or refuse (rules may say otherwise for themselves). */
  readonly onStoreError: NonNullable<LimitSpec['onStoreError']>;
}

/**
 * The app's client profiles: a request budget per client name, e.g. `{ 'mobile-app': '300/60s' }`
 * or `{ 'web': { max: 600, windowS: 60, fromHeader: true } }` (see ClientProfile.fromHeader).
 */
export type ClientProfiles = Readonly<Record<string, ClientProfile | string>>;

export interface RateLimitsOptions {
  readonly config: RateLimitConfig;
  /** Counters live in Redis, one or a cluster (shared by every replica), when set. */
  readonly redis: RedisTarget | undefined;
  /** Key prefix, e.g. `tessera:`; counters sit under `<prefix>rl:`. */
  readonly prefix: string;
  readonly profiles?: ClientProfiles;
  /** Whether the profiles apply now: they are the app's, so only while its graph is served. Default always. */
  readonly profilesApply?: () => boolean;
  readonly log: Logger;
  /** Every refusal, by limit name and client profile (`default` for clients without one). */
  readonly onReject?: (rule: string, client: string) => void;
}

export interface RateLimits {
  /** The request limit, spent as a request arrives (src/http/admission.ts); undefined when no budget is configured. */
  readonly request: RequestLimit | undefined;
  /** What the `rateLimit` rules spend from, put in every request's context (`fieldLimits`). */
  readonly fieldLimits: FieldLimitScope;
  /** The app's rule tree with the configured field limits added. */
  rules(tree: RuleTree | undefined): RuleTree;
  /** Closes the Redis client; after the last request. */
  close(): Promise<void>;
}

/** Checks the profiles once, at start; the message names the bad one. */
function parseProfiles(profiles: ClientProfiles): Record<string, ClientProfile> {
  const out: Record<string, ClientProfile> = {};
  for (const [client, budget] of Object.entries(profiles)) {
    try {
      out[client] =
        typeof budget === 'string' ? parseBudget(budget) : { ...parseBudget(`${budget.max}/${budget.windowS}s`), fromHeader: budget.fromHeader === true };
    } catch (error) {
      throw new TypeError(`clientLimits.profiles.${client}: ${(error as Error).message}`);
    }
  }
  return out;
}

/**
 * Wires rate limiting: one Redis client for counters (fails fast: short command timeout, no
 * offline queue), the limiter with the configured outage policy, the request-level limit with
 * client profiles, and the store the `rateLimit` rules use.
 */
export function createRateLimits({ config, redis: target, prefix, profiles = {}, profilesApply = () => true, log, onReject }: RateLimitsOptions): RateLimits {
  const budgets = parseProfiles(profiles);
  // Label values stay bounded: a client without a profile counts as `default`.
  const clientLabel = (client: string | undefined) => (client !== undefined && Object.hasOwn(budgets, client) ? client : 'default');
  const redis = target ? openRedis(target, { role: 'rate-limit', log }) : undefined;
  // openRedis logs the outage itself; this says what the limiter did about it, now and then.
  let lastWarning = 0;
  const limiter = createRateLimiter({
    ...(redis ? { redis: redis.client } : {}),
    prefix,
    timeoutMs: config.timeoutMs,
    onStoreError: (error, spec) => {
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      log.warn({ err: error, limit: spec.name, policy: spec.onStoreError ?? 'memory' }, 'rate-limit store failed; following the outage policy');
    },
  });

  const limits: ClientLimits = {
    default: config.default,
    get profiles() {
      return profilesApply() ? budgets : undefined;
    },
    onStoreError: config.onStoreError,
  };
  const hasRequestLimit = config.default !== undefined || Object.keys(budgets).length > 0;

  const onFieldReject = ({ rule, ctx, spend, first }: FieldRejection) => {
    const client = ctx.viewer.client;
    onReject?.(rule, clientLabel(client));
    if (!first) return;
    const requestLog = (ctx as Partial<TesseraContext>).log ?? log;
    requestLog.warn({ rule, client, retryAfter: spend.resetS, degraded: spend.degraded }, 'field rate limited');
  };

  const request = hasRequestLimit ? createRequestLimit({ limiter, limits, log, onReject: (rule, profile) => onReject?.(rule, clientLabel(profile)) }) : undefined;

  return {
    request,
    fieldLimits: { limiter, onStoreError: config.onStoreError, onReject: onFieldReject },
    rules: (tree) => withFieldLimits(tree ?? {}, config.fields),
    async close() {
      await limiter.close();
      await redis?.close();
    },
  };
}
