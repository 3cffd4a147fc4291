import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { TesseraContext } from '../context.js';

/**
 * Gives two request errors the codes of Tessera's table:
 * - an `operationName` the document does not define (or several operations and no name) →
 *   400 OPERATION_RESOLUTION_FAILURE. Apollo Server leaves this to the executor, and the
 *   gateway's executor reports it as an internal error (500).
 * - a mutation over GET → 405 METHOD_NOT_ALLOWED (Apollo sends 405 with `Allow: POST` but code BAD_REQUEST).
 * - a request error Apollo sends as 400 without a code (an APQ hash that does not match the query text)
 *   → BAD_REQUEST, not the INTERNAL_SERVER_ERROR it would otherwise be formatted as.
 */
export function useRequestErrors(): ApolloServerPlugin<TesseraContext> {
  // The hooks keep no per-request state, so one listener object serves every request.
  const listener: GraphQLRequestListener<TesseraContext> = {
    async didResolveOperation({ operation, request }) {
      if (operation) return;
      const message = request.operationName
        ? `Unknown operation named "${request.operationName}".`
        : 'The document defines several operations; operationName must name one.';
      throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
    },
    async didEncounterErrors({ errors }) {
      const list = errors as GraphQLError[];
      for (let i = 0; i < list.length; i++) {
        const error = list[i]!;
        const http = error.extensions?.http as { status?: number } | undefined;
        if (http?.status === 405 && error.extensions?.code === 'BAD_REQUEST') {
          list[i] = new GraphQLError(error.message, { extensions: { ...error.extensions, code: 'METHOD_NOT_ALLOWED' } });
        } else if (http?.status === 400 && error.extensions?.code === undefined) {
          list[i] = new GraphQLError(error.message, { extensions: { ...error.extensions, code: 'BAD_REQUEST' } });
        }
      }
    },
  };
  return { requestDidStart: async () => listener };
}
