import type { CacheHint } from '@apollo/cache-control-types';
import type { DocumentNode } from 'graphql';
import { cacheHintFromHeaders } from '../cacheControl.js';
import type { SubgraphCall, SubgraphHook } from './call.js';

/** The client request's cache policy, which every subgraph answer may only shorten or make private. */
function restrict(call: SubgraphCall, hint: () => CacheHint): void {
  const policy = call.incoming?.overallCachePolicy;
  if (policy && 'restrict' in policy) policy.restrict(hint());
}

/** A remote subgraph's `Cache-Control` and `Vary` (src/gateway/cacheControl.ts) limit the response cache. */
export const useHttpCacheHints =
  (keyed: ReadonlySet<string>): SubgraphHook =>
  async (call, next) => {
    const answer = await next(call);
    restrict(call, () => cacheHintFromHeaders(answer.headers['cache-control'], answer.headers['vary'], keyed));
    return answer;
  };

/** An in-process subgraph's `@cacheControl` hints for the query it ran limit the response cache, as its headers would. */
export const useSchemaCacheHints =
  (hintOf: (document: DocumentNode) => CacheHint): SubgraphHook =>
  async (call, next) => {
    const answer = await next(call);
    const document = answer.document;
    if (document) restrict(call, () => hintOf(document));
    return answer;
  };
