import { injectTraceHeaders } from '../../observability/tracing.js';
import type { SubgraphHook } from './call.js';

/** Adds the W3C trace context of the active span (`traceparent`), when tracing is on. */
export const useTraceContext = (): SubgraphHook => (call, next) => {
  injectTraceHeaders(call.headers);
  return next(call);
};
