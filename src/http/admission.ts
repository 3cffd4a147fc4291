import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Authenticate } from '../auth/authenticate.js';
import { ANONYMOUS } from '../auth/viewer.js';
import type { TesseraContext } from '../graphql/context.js';
import type { RequestLimit } from '../ratelimit/requestLimit.js';
import type { FieldLimitScope } from '../ratelimit/rule.js';
import { requestIdOf } from './requestId.js';

export interface AdmissionOptions {
  readonly authenticate: Authenticate;
  /** Undefined when no request budget is configured. */
  readonly requestLimit: RequestLimit | undefined;
  readonly log: Logger;
  readonly maxResponseBytes: number | undefined;
  /** The limiter of the `rateLimit` rules, handed to them in every context. */
  readonly fieldLimits?: FieldLimitScope;
}

/**
 * The first step of every GraphQL request, before its body is read: who is asking, and whether
 * their budget allows it. Nothing the caller sends afterwards (a body that is not JSON, a query
 * that does not parse or validate, an unknown persisted query) comes free. A refusal is the
 * GraphQL error that answers the request (401, 429), returned rather than thrown.
 */
export interface Admission {
  /** The request's context with one operation spent, or the refusal. */
  enter(req: IncomingMessage, res: ServerResponse): Promise<TesseraContext | GraphQLError>;
  /** Spends the other operations of a batched request together; the 429 when they do not all fit. */
  more(context: TesseraContext, res: ServerResponse, operations: number): Promise<GraphQLError | undefined>;
}

const CLIENT_NAME_HEADER = 'apollographql-client-name';

export function createAdmission({ authenticate, requestLimit, log, maxResponseBytes, fieldLimits }: AdmissionOptions): Admission {
  const spend = async (context: TesseraContext, res: ServerResponse, operations: number): Promise<GraphQLError | undefined> => {
    if (!requestLimit) return undefined;
    const caller = { viewer: context.viewer, ip: context.ip, clientName: context.headers[CLIENT_NAME_HEADER], requestId: context.requestId };
    const spent = await requestLimit.spend(caller, operations);
    if (!spent.refused) for (const [name, value] of spent.headers) res.setHeader(name, value);
    return spent.refused;
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
        exchange: {},
        fieldLimits,
        maxResponseBytes,
      };
      try {
        context.viewer = await authenticate(context.headers, () => context.log);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        // A refused credential is no identity: its attempt counts against the address, so
        // guessing tokens or keys is as limited as anything else an anonymous caller does.
        return (await spend(context, res, 1)) ?? error;
      }
      return (await spend(context, res, 1)) ?? context;
    },
    more: spend,
  };
}
