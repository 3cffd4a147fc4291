import type { TesseraContext } from '../../graphql/context.js';
import type { RestCallOptions } from '../rest/restClient.js';

/** What a REST call needs to know about the GraphQL request it serves. */
export function restCallOptions(ctx: TesseraContext): RestCallOptions {
  return { viewerSub: ctx.viewer.sub, requestId: ctx.requestId, log: ctx.log };
}

/** Keys for a batch URL, sorted so the same set always gives the same URL (in-flight de-duplication, cache). */
export function keyList(keys: readonly string[]): string {
  return [...keys].sort().join(',');
}
