import { createHash } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import { rule } from 'graphql-shield';
import { fieldError } from '../errors/codes.js';
import { perOccurrence, type RuleContext, type ShieldRule } from '../policy/rules.js';
import { SpendBatcher } from './batcher.js';
import { identityOf } from './clientLimits.js';
import { createRateLimiter, type LimitSpec, type RateLimiter, type Spend } from './limiter.js';

/** What a rate-limit rule reads from the request context (the gateway's context has all of it). */
export interface RateLimitContext extends RuleContext {
  readonly ip: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The limiter the rules spend from; without one (a rule decided outside the gateway), counts stay in this process. */
  readonly fieldLimits?: FieldLimitScope | undefined;
}

/** Whose budget an occurrence spends. A function returning `''` or `undefined` counts per viewer. */
export type RateLimitBy =
  | 'viewer'
  | 'apiKey'
  | 'client'
  | 'ip'
  | ((ctx: RateLimitContext, args: Readonly<Record<string, unknown>>) => string | undefined);

export interface RateLimitOptions {
  /** Occurrences allowed per window. */
  readonly max: number;
  /** Seconds, or `"10s"`, `"1m"`, `"1h"`. */
  readonly window: number | string;
  /**
   * `viewer` (default): the viewer's namespaced id (`user:<sub>`, `apikey:<id>`), the IP for the
   * anonymous viewer; `apiKey`: the API key, the IP without one; `client`: the credential's client
   * (API key `client`, token `client_id`/`azp`), the viewer without one;
   * `ip`; or a function of the context and the field's arguments (e.g. per `userId`).
   */
  readonly by?: RateLimitBy;
  /** Names the counter (and the metric label). Rules with one name share counters. */
  readonly name?: string;
  /** When Redis fails: count in memory (default) or refuse. */
  readonly onStoreError?: LimitSpec['onStoreError'];
}

/** One refused occurrence, for metrics and logs. */
export interface FieldRejection {
  readonly rule: string;
  readonly ctx: RateLimitContext;
  readonly spend: Spend;
  /** The first refusal of this spend (one log line per limit and request, however many aliases). */
  readonly first: boolean;
}

/** What the gateway puts in every request's context (`fieldLimits`) for the rules. */
export interface FieldLimitScope {
  readonly limiter: RateLimiter;
  /** The store policy of rules that do not name one. */
  readonly onStoreError?: LimitSpec['onStoreError'];
  readonly onReject?: (rejection: FieldRejection) => void;
}

// Without the gateway (a rule decided in a unit test, say) counts stay in this process.
let fallbackScope: FieldLimitScope | undefined;
const scopeOf = (ctx: RateLimitContext): FieldLimitScope => ctx.fieldLimits ?? (fallbackScope ??= { limiter: createRateLimiter() });

/** One batcher per operation (its context): the occurrences decided in one tick cost one store round trip. */
const batchers = new WeakMap<RateLimitContext, SpendBatcher>();
function batcherOf(ctx: RateLimitContext, limiter: RateLimiter): SpendBatcher {
  let batcher = batchers.get(ctx);
  if (!batcher) batchers.set(ctx, (batcher = new SpendBatcher(limiter)));
  return batcher;
}

/** `30`, `"30s"`, `"1m"`, `"1h"` → seconds (a whole number ≥ 1); throws naming the bad value. */
export function parseWindow(window: number | string): number {
  if (typeof window === 'number') {
    if (Number.isInteger(window) && window >= 1) return window;
  } else {
    const match = /^\s*(\d+)\s*(s|m|h)\s*$/.exec(window);
    if (match) {
      const seconds = Number(match[1]) * (match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1);
      if (seconds >= 1) return seconds;
    }
  }
  throw new TypeError(`A rate-limit window is whole seconds ≥ 1 or text like "10s", "1m", "1h", not ${JSON.stringify(window)}`);
}

const byLabel = (by: RateLimitBy) => (typeof by === 'function' ? 'custom' : by);

/** Keys stay short whatever an argument holds. */
const bounded = (key: string) => (key.length <= 200 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`);

function keyOf(by: RateLimitBy, ctx: RateLimitContext, args: Readonly<Record<string, unknown>>): string {
  const { viewer, ip } = ctx;
  switch (by) {
    case 'viewer':
      return identityOf(viewer, ip);
    case 'ip':
      return `ip:${ip}`;
    case 'apiKey':
      return viewer.kind === 'apikey' && viewer.id !== undefined ? viewer.id : `ip:${ip}`;
    case 'client':
      // The credential's client only: a client-name header is the caller's own word, and a new
      // name per request would be a new budget per request.
      return viewer.client !== undefined ? bounded(`client:${viewer.client}`) : identityOf(viewer, ip);
    default: {
      const value = by(ctx, args);
      return value ? bounded(`by:${value}`) : identityOf(viewer, ip);
    }
  }
}

/**
 * A graphql-shield rule that allows `max` occurrences of a field per window and identity, counted
 * in Redis across every replica (in memory without Redis). Use it anywhere in the rule tree and
 * combine it with `and`, `or`, `chain`, `not`. Every occurrence spends one: aliases, and each path
 * a fragment is spread at. Over the limit the field is `null` with a `RATE_LIMITED` error at its
 * path carrying `retryAfter` (seconds); its service is not called. Counters are named
 * `Type.field:max/windows:by` unless `name` is given, so two limits on one field stay apart.
 */
export function rateLimit(options: RateLimitOptions): ShieldRule {
  const { max, by = 'viewer', name, onStoreError } = options;
  if (!Number.isInteger(max) || max < 1) throw new TypeError(`rateLimit max must be a whole number ≥ 1, not ${JSON.stringify(max)}`);
  if (typeof by !== 'function' && !['viewer', 'apiKey', 'client', 'ip'].includes(by)) {
    throw new TypeError(`rateLimit by must be viewer, apiKey, client, ip or a function, not ${JSON.stringify(by)}`);
  }
  if (name !== undefined && !/^[\w.:/@ -]{1,100}$/.test(name)) throw new TypeError(`rateLimit name ${JSON.stringify(name)} must be 1–100 plain characters`);
  const windowS = parseWindow(options.window);
  const specs = new Map<string, LimitSpec>();
  const specFor = (coordinate: string, scope: FieldLimitScope): LimitSpec => {
    const policy = onStoreError ?? scope.onStoreError ?? 'memory';
    const id = `${coordinate}\n${policy}`;
    let spec = specs.get(id);
    if (!spec) {
      spec = { name: name ?? `${coordinate}:${max}/${windowS}s:${byLabel(by)}`, max, windowS, onStoreError: policy };
      specs.set(id, spec);
    }
    return spec;
  };
  const label = name ?? `${max}/${windowS}s:${byLabel(by)}`;

  // Never cached: each decision spends (graphql-shield's `no_cache`, and the edge decides it per occurrence).
  const limit = rule(`rateLimit:${label}`, { cache: 'no_cache' })(async (_parent, args: Record<string, unknown>, ctx: RateLimitContext, info: GraphQLResolveInfo) => {
    const scope = scopeOf(ctx);
    const coordinate = `${info.parentType.name}.${info.fieldName}`;
    const spec = specFor(coordinate, scope);
    const key = keyOf(by, ctx, args);
    const { allowed, spend } = await batcherOf(ctx, scope.limiter).spend(spec, key);
    if (allowed) return true;
    scope.onReject?.({ rule: spec.name, ctx, spend, first: firstRefusal(spend) });
    return fieldError('RATE_LIMITED', `Rate limit of ${max} per ${windowS} s reached for ${coordinate}; retry in ${spend.resetS} s.`, {
      retryAfter: spend.resetS,
    });
  });
  return perOccurrence(limit);
}

// A batched spend resolves every occurrence with the same object: the first refusal logs it.
const refused = new WeakSet<Spend>();
function firstRefusal(spend: Spend): boolean {
  if (refused.has(spend)) return false;
  refused.add(spend);
  return true;
}
