import type { CacheHint } from '@apollo/cache-control-types';
import type { DocumentNode } from 'graphql';
import type { SubgraphHook } from './call.js';

/** An in-process subgraph's `@cacheControl` hints for the query it ran limit the response cache, as its headers would. */
export const useSchemaCacheHints =
  (hintOf: (document: DocumentNode) => CacheHint): SubgraphHook =>
  async (call, next) => {
    const answer = await next(call);
    if (answer.document && call.cachePolicy) call.cachePolicy.restrict(hintOf(answer.document));
    return answer;
  };
