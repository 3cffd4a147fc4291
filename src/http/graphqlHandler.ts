import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { withStoredData, type StoredDataSlot } from '../cache/spliceStoredData.js';
import { requestError, TesseraError } from '../errors/codes.js';
import type { TesseraContext } from '../graphql/context.js';
import type { OperationLabels } from '../graphql/plugins/useMetrics.js';
import { readLimited } from '../io/readLimited.js';
import type { Admission } from './admission.js';
import { sendGraphQLErrorOf } from './respond.js';

export interface GraphQLHandlerOptions {
  readonly server: ApolloServer<TesseraContext>;
  readonly maxBodyBytes: number;
  /** Who is asking and whether their budget allows it: before anything else about the request. */
  readonly admission: Admission;
  /** Operations per batched request; 0 (default) leaves batches to Apollo, which refuses them. */
  readonly batchMaxOperations?: number;
  /** Told when the response is written (metrics). */
  readonly onFinish?: (res: ServerResponse, startedAt: number, finished: FinishedRequest) => void;
}

/** What the handler knows of a request once its answer is written. */
export interface FinishedRequest {
  /** The operation's labels, once the metrics plugin knew the operation. */
  readonly labels: OperationLabels | undefined;
  /** The code the handler refused the request with itself, before Apollo ran (Apollo's plugins never see it). */
  readonly refused: string | undefined;
}

/** Parses a POST body per GraphQL-over-HTTP: JSON in UTF-8 only. */
async function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const contentType = req.headers['content-type'] ?? '';
  const [mediaType = '', ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new TesseraError('UNSUPPORTED_MEDIA_TYPE', `Only UTF-8 is supported, not charset "${charset}".`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    throw new TesseraError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBodyBytes} bytes.`);
  }
  const raw = await readLimited(req, maxBodyBytes);
  if (mediaType !== 'application/json') {
    // Not JSON: Apollo decides (CSRF prevention, or a 400 for the missing body); never parsed here.
    return raw.toString('utf8');
  }
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new TesseraError('BAD_REQUEST', 'The body is not valid JSON.');
  }
}

/** Errors of a well-formed request that the GraphQL-over-HTTP spec answers with 200 under `application/json`. */
const GRAPHQL_REQUEST_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Apollo answers request errors with 400 whatever the client accepts. The spec wants that only for
 * `application/graphql-response+json`; legacy `application/json` clients get 200 for every
 * well-formed request, so their GraphQL client reads the `errors` instead of failing on the status.
 */
function statusFor(status: number, contentType: string | undefined, body: string): number {
  if (status !== 400 || !contentType?.startsWith('application/json')) return status;
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    const code = parsed.errors?.[0]?.extensions?.code;
    return typeof code === 'string' && GRAPHQL_REQUEST_ERRORS.has(code) ? 200 : status;
  } catch {
    return status;
  }
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Hands an HTTP request to Apollo Server and writes its answer. */
export function createGraphQLHandler({ server, maxBodyBytes, admission, batchMaxOperations = 0, onFinish }: GraphQLHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse, search: string): Promise<void> => {
    let admitted: TesseraContext | undefined;
    let refusal: GraphQLError | undefined;
    const refuse = (error: GraphQLError): void => {
      refusal = error;
      sendGraphQLErrorOf(req, res, error);
    };
    if (onFinish) {
      const startedAt = performance.now();
      res.once('finish', () => onFinish(res, startedAt, { labels: admitted?.exchange.operationLabels, refused: refusal?.extensions['code'] as string | undefined }));
    }
    const context = await admission.enter(req, res);
    if (context instanceof GraphQLError) return refuse(context);
    admitted = context;
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
      return refuse(requestError('METHOD_NOT_ALLOWED', `GraphQL is served over GET and POST, not ${req.method}.`, {}, [['allow', 'GET, POST']]));
    }
    let body: unknown;
    try {
      body = req.method === 'POST' ? await readBody(req, maxBodyBytes) : undefined;
    } catch (error) {
      if (error instanceof TesseraError) {
        // Drain what is left so the connection can be reused, but do not wait for a flood.
        if (error.code === 'PAYLOAD_TOO_LARGE') res.setHeader('connection', 'close');
        return refuse(requestError(error.code, error.message));
      }
      throw error;
    }
    if (Array.isArray(body) && batchMaxOperations > 0 && body.length > batchMaxOperations) {
      return refuse(requestError('OPERATION_LIMIT_EXCEEDED', `A batch may hold at most ${batchMaxOperations} operations, not ${body.length}.`));
    }
    // Each operation of a batch counts; the first was spent on arrival.
    const overBudget = Array.isArray(body) && body.length > 1 ? await admission.more(context, res, body.length - 1) : undefined;
    if (overBudget) return refuse(overBudget);
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers: toHeaderMap(req),
      search,
      body,
    };
    // A batch's operations share the exchange: their cache hits are parsed, not spliced.
    const stored: StoredDataSlot = {};
    if (!Array.isArray(body)) context.exchange.storedData = stored;
    const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => context });
    for (const [name, value] of response.headers) {
      // CORS may already vary on Origin: the answer's own Vary adds to it.
      const earlier = name === 'vary' ? res.getHeader('vary') : undefined;
      res.setHeader(name, earlier === undefined ? value : `${String(earlier)}, ${value}`);
    }
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      if (stored.json !== undefined) return void res.end(withStoredData(response.body.string, stored.json));
      res.statusCode = statusFor(res.statusCode, response.headers.get('content-type'), response.body.string);
      // As bytes: measured in the gateway's profile of a 94 KiB answer, the write took 1.75 ms as a
      // string (joined to the head, then encoded inside writev) and 0.8 ms as bytes.
      res.end(Buffer.from(response.body.string));
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
