import type { Metrics } from '../../observability/metrics.js';
import { requestBody, type SubgraphAnswer, type SubgraphCall, type SubgraphHook } from './call.js';
import { parseJson } from './httpTransport.js';

/**
 * Headers that name a request rather than change its answer: left out of the key, so requests that
 * differ only in them share a call (which carries the first one's).
 */
const NOT_IN_KEY = new Set(['x-request-id', 'traceparent', 'tracestate']);

/**
 * Identical query calls to one subgraph in flight at the same time are sent once (Hive Gateway's
 * `deduplicateInflightRequests`, Apollo Router's `deduplicate_query`): the others wait for that
 * call's answer or failure. Identical means the same query, operation name, variables and headers,
 * the viewer's identity and propagated client headers included, so two viewers never share an
 * answer. Only idempotent calls are shared (a mutation's fetch never is). Each waiting call gets its
 * own copy of the answer, parsed again from its text: the executor merges answers into the response
 * in place.
 */
export const useInflightDedup = (metrics: Metrics): SubgraphHook => {
  const inflight = new Map<string, Promise<SubgraphAnswer>>();
  return async (call, next) => {
    if (!call.idempotent) return next(call);
    const key = keyOf(call);
    const first = inflight.get(key);
    if (first) {
      metrics.subgraphDeduplicated.inc({ subgraph: call.subgraph });
      return copyOf(await first);
    }
    const answer = next(call);
    inflight.set(key, answer);
    try {
      return await answer;
    } finally {
      inflight.delete(key);
    }
  };
};

/** The request body (the transport sends the same string, serialized once) and the headers. */
function keyOf(call: SubgraphCall): string {
  let key = requestBody(call);
  for (const name in call.headers) if (!NOT_IN_KEY.has(name)) key += `\n${name}: ${call.headers[name]}`;
  return key;
}

function copyOf(answer: SubgraphAnswer): SubgraphAnswer {
  return { ...answer, body: answer.text === undefined ? structuredClone(answer.body) : parseJson(answer.text) };
}
