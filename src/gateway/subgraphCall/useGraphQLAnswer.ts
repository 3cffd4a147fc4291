import { TesseraError } from '../../errors/codes.js';
import type { SubgraphHook } from './call.js';

/** An answer that is not a GraphQL response (an HTML error page, an empty 404) fails the call. */
export const useGraphQLAnswer = (): SubgraphHook => async (call, next) => {
  const answer = await next(call);
  const { body, status } = answer;
  if (typeof body === 'object' && body !== null && ('data' in body || 'errors' in body)) return answer;
  const reason = status >= 300 ? `answered HTTP ${status}` : 'answered with a body that is not a GraphQL response';
  throw new TesseraError('SUBGRAPH_UNAVAILABLE', `Subgraph "${call.subgraph}" ${reason}.`, { serviceName: call.subgraph, status }).toGraphQLError();
};
