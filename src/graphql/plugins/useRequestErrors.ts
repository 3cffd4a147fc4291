import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { requestError } from '../../errors/codes.js';
import type { TesseraContext } from '../context.js';

/** What Apollo Server puts in a request error's `extensions.http`. */
interface ApolloHttp {
  readonly status?: number;
  readonly headers?: Iterable<readonly [string, string]>;
}

/**
 * Gives three request errors the codes of Tessera's table:
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
      throw requestError('OPERATION_RESOLUTION_FAILURE', message);
    },
    async didEncounterErrors({ errors }) {
      const list = errors as GraphQLError[];
      for (let i = 0; i < list.length; i++) {
        const error = list[i]!;
        const { http, code, ...extensions } = (error.extensions ?? {}) as { http?: ApolloHttp; code?: unknown };
        if (http?.status === 405 && code === 'BAD_REQUEST') {
          list[i] = requestError('METHOD_NOT_ALLOWED', error.message, extensions, http.headers);
        } else if (http?.status === 400 && code === undefined) {
          list[i] = requestError('BAD_REQUEST', error.message, extensions, http.headers);
        }
      }
    },
  };
  return { requestDidStart: async () => listener };
}
