import type { TesseraContext } from '../../graphql/context.js';
import type { SubgraphHook } from './call.js';

/** Adds the headers the gateway decides for a client's request (request id, propagated headers, identity). */
export const useHeaders =
  (headersFor: (context: TesseraContext | undefined) => Record<string, string>): SubgraphHook =>
  (call, next) => {
    Object.assign(call.headers, headersFor(call.incoming ? call.context : undefined));
    return next(call);
  };
