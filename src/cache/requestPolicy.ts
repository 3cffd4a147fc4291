import type { CacheHint } from '@apollo/cache-control-types';
import type { TesseraContext } from '../graphql/context.js';

interface Restrictable {
  restrict(hint: CacheHint): void;
}

// Keyed by the context object, not kept in its `scratch`: the operations of a batch each get a
// shallow copy of one context and so share one scratch map, but each has its own policy.
const policies = new WeakMap<TesseraContext, Restrictable>();

/** Makes the operation's overall cache policy reachable from code that only has the context (REST clients). */
export function trackCachePolicy(ctx: TesseraContext, policy: Restrictable): void {
  policies.set(ctx, policy);
}

/** Narrows the operation's cache policy (lower maxAge, PRIVATE); a no-op when nothing tracks it. */
export function restrictCachePolicy(ctx: TesseraContext, hint: CacheHint): void {
  policies.get(ctx)?.restrict(hint);
}
