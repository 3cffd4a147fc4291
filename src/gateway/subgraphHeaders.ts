import { identityHeaders, isIdentityHeader } from '../auth/identityHeaders.js';
import type { TesseraContext } from '../graphql/context.js';

/**
 * The headers of every remote subgraph request: the request id, the allowlisted client headers
 * (`PROPAGATE_HEADERS`, never an identity header a client made up) and the viewer's identity.
 */
export function subgraphHeaders(propagate: readonly string[]): (context: TesseraContext | undefined) => Record<string, string> {
  return (context) => {
    if (!context) return {};
    const headers: Record<string, string> = { 'x-request-id': context.requestId };
    for (const name of propagate) {
      const value = context.headers[name];
      if (value !== undefined && !isIdentityHeader(name)) headers[name] = value;
    }
    identityHeaders(context.viewer, headers);
    return headers;
  };
}
