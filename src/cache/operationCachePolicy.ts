import type { CacheHint } from '@apollo/cache-control-types';

interface Restrictable {
  restrict(hint: CacheHint): void;
}

// Keyed by the context object: Apollo runs each operation (of a batch too) on its own shallow
// copy of the request's context, and each has its own policy.
const policies = new WeakMap<object, Restrictable>();

/** Makes the operation's overall cache policy reachable from code that only has the context (REST clients). */
export function trackCachePolicy(ctx: object, policy: Restrictable): void {
  policies.set(ctx, policy);
}

/** Narrows the operation's cache policy (lower maxAge, PRIVATE); a no-op when nothing tracks it. */
export function restrictCachePolicy(ctx: object, hint: CacheHint): void {
  policies.get(ctx)?.restrict(hint);
}
