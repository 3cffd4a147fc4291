import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { clientCacheHeaders } from '../../cache/clientCacheHeaders.js';
import { trackCachePolicy } from '../../cache/operationCachePolicy.js';
import { peekAnswerParts } from '../answer.js';
import type { TesseraContext } from '../context.js';

export interface UseAnswerOptions {
  /** The request headers answers may depend on (CacheConfig.keyHeaders), named in `Vary`. */
  readonly keyHeaders: readonly string[];
}

/**
 * The one owner of the final body and of its caching headers. No other plugin edits the body in
 * `willSendResponse`; they record their parts (see answer.ts) and this hook applies them in order:
 * 1. a response-cache hit's stored data (sent as stored bytes when nothing edits it);
 * 2. the policy's edit (null and an error at each denied path), on the data as it will go out;
 * 3. `Cache-Control`, `Vary`, `x-cache` and `Age`;
 * 4. the final answer to whoever keeps it (the response cache).
 */
export function useAnswer({ keyHeaders }: UseAnswerOptions): ApolloServerPlugin<TesseraContext> {
  const listener: GraphQLRequestListener<TesseraContext> = {
    async willSendResponse(rc) {
      const { response } = rc;
      const headers = response.http.headers;
      const parts = peekAnswerParts(rc.request);
      if (response.body.kind !== 'single') {
        headers.set('cache-control', 'no-store');
        return;
      }
      const result = response.body.singleResult;
      const hit = parts?.cache?.result === 'HIT' ? parts.cache : undefined;
      if (hit) {
        const slot = rc.contextValue.exchange.storedData;
        // The stored bytes go out as they are unless something must read or change the data.
        if (slot && !parts!.edit && !result.errors) slot.json = hit.json;
        else result.data = JSON.parse(hit.json.toString()) as Record<string, unknown>;
      }
      if (parts?.edit) {
        const { data, errors } = parts.edit(result.data);
        result.data = data;
        if (errors.length > 0) result.errors = [...(result.errors ?? []), ...errors];
      }

      const reusable = rc.operation?.operation === 'query' && !result.errors && result.data != null;
      const policy = reusable ? rc.overallCachePolicy.policyIfCacheable() : null;
      if (rc.requestIsBatched) {
        // The operations of a batch share one HTTP head, and each has its own policy.
        headers.set('cache-control', 'no-store');
      } else {
        const { cacheControl, vary } = clientCacheHeaders({ policy, credentialDependent: parts?.credentialDependent ?? false, keyHeaders });
        headers.set('cache-control', cacheControl);
        if (vary.length > 0) headers.set('vary', vary.join(', '));
        if (parts?.cache) headers.set('x-cache', parts.cache.result);
        if (hit) headers.set('age', String(hit.ageSeconds));
      }

      if (policy && result.data) parts?.onReusable?.({ data: result.data, policy });
    },
  };
  return {
    async requestDidStart({ contextValue, overallCachePolicy }) {
      // The in-process subgraphs' REST calls narrow the policy by the services' Cache-Control.
      trackCachePolicy(contextValue, overallCachePolicy);
      return listener;
    },
  };
}
