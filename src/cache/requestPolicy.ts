import type { CacheHint } from '@apollo/cache-control-types';
import type { TesseraContext } from '../graphql/context.js';

const POLICY = Symbol('tessera.cache.policy');

interface Restrictable {
  restrict(hint: CacheHint): void;
}

/** Makes the request's overall cache policy reachable from code that only has the context (REST clients). */
export function trackCachePolicy(ctx: TesseraContext, policy: Restrictable): void {
  ctx.scratch.set(POLICY, policy);
}

/** Narrows the request's cache policy (lower maxAge, PRIVATE); a no-op when no response cache tracks it. */
export function restrictCachePolicy(ctx: TesseraContext, hint: CacheHint): void {
  (ctx.scratch.get(POLICY) as Restrictable | undefined)?.restrict(hint);
}
