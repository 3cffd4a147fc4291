import { restrictCachePolicy } from '../../cache/operationCachePolicy.js';
import type { SubgraphContext } from '../context.js';
import type { RestCallOptions } from '../rest/restClient.js';

/**
 * What a REST call needs to know about the GraphQL request it serves. The service's own
 * `Cache-Control` narrows the whole response's cache policy (`private`, a shorter max-age, or none).
 */
export function restCallOptions(ctx: SubgraphContext): RestCallOptions {
  return {
    viewerId: ctx.viewer.id,
    requestId: ctx.requestId,
    log: ctx.log,
    onCachePolicy: (policy) =>
      restrictCachePolicy(ctx, policy ? { maxAge: policy.ttlSeconds, scope: policy.scope === 'private' ? 'PRIVATE' : 'PUBLIC' } : { maxAge: 0 }),
  };
}

/** Keys for a batch URL, sorted so the same set always gives the same URL (in-flight de-duplication, cache). */
export function keyList(keys: readonly string[]): string {
  return [...keys].sort().join(',');
}
