import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Authenticate } from '../auth/authenticate.js';
import { ANONYMOUS } from '../auth/viewer.js';
import type { TesseraContext } from '../graphql/context.js';
import type { RequestLimit, RequestSpend } from '../ratelimit/requestLimit.js';
import { requestIdOf } from './requestId.js';

export interface AdmissionOptions {
  readonly authenticate: Authenticate;
  /** Undefined when no request budget is configured. */
  readonly requestLimit: RequestLimit | undefined;
  readonly log: Logger;
  readonly maxResponseBytes: number | undefined;
}

/**
 * The first step of every GraphQL request, before its body is read: who is asking, and whether
 * their budget allows it. Nothing the caller sends afterwards (a body that is not JSON, a query
 * that does not parse or validate, an unknown persisted query) comes free.
 */
export interface Admission {
  /** The request's context, one operation spent. Throws the GraphQL error that answers it otherwise (401, 429). */
  enter(req: IncomingMessage, res: ServerResponse): Promise<TesseraContext>;
  /** Spends the other operations of a batched request together; throws the 429 when they do not all fit. */
  more(context: TesseraContext, res: ServerResponse, operations: number): Promise<void>;
}

const CLIENT_NAME_HEADER = 'apollographql-client-name';

export function createAdmission({ authenticate, requestLimit, log, maxResponseBytes }: AdmissionOptions): Admission {
  const spend = async (context: TesseraContext, res: ServerResponse, operations: number): Promise<void> => {
    if (!requestLimit) return;
    const caller = { viewer: context.viewer, ip: context.ip, clientName: context.headers[CLIENT_NAME_HEADER], requestId: context.requestId };
    const spent: RequestSpend = await requestLimit.spend(caller, operations);
    if (spent.refused) throw spent.refused;
    for (const [name, value] of spent.headers) res.setHeader(name, value);
  };

  return {
    async enter(req, res) {
      const requestId = requestIdOf(req);
      // Most requests never log through the context: the child logger is made on first use only.
      let requestLog: Logger | undefined;
      const context = {
        requestId,
        viewer: ANONYMOUS,
        get log() {
          return (requestLog ??= log.child({ reqId: requestId }));
        },
        ip: req.socket.remoteAddress ?? '',
        headers: req.headers as Record<string, string | undefined>,
        scratch: new Map<symbol, unknown>(),
        maxResponseBytes,
      };
      try {
        context.viewer = await authenticate(context.headers, () => context.log);
      } catch (error) {
        // A refused credential is no identity: its attempt counts against the address, so
        // guessing tokens or keys is as limited as anything else an anonymous caller does.
        if (error instanceof GraphQLError) await spend(context, res, 1);
        throw error;
      }
      await spend(context, res, 1);
      return context;
    },
    more: (context, res, operations) => (operations > 0 ? spend(context, res, operations) : Promise.resolve()),
  };
}
