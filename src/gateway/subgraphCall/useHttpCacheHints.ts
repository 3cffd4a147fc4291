import { cacheHintFromHeaders } from '../cacheControl.js';
import type { SubgraphHook } from './call.js';

/** A remote subgraph's `Cache-Control` and `Vary` (src/gateway/cacheControl.ts) limit the response cache. */
export const useHttpCacheHints =
  (keyed: ReadonlySet<string>): SubgraphHook =>
  async (call, next) => {
    const answer = await next(call);
    call.cachePolicy?.restrict(cacheHintFromHeaders(answer.headers['cache-control'], answer.headers['vary'], keyed));
    return answer;
  };
