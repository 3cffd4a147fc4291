import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';
import { ERROR_CODES, requestError, TesseraError, type ErrorCode } from '../errors/codes.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** Non-GraphQL routes (admin, purge): `{ errors: [{ code, message, … }] }` with the first error's status from the table. */
export function sendErrors(res: ServerResponse, errors: readonly TesseraError[], headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): void {
  const first = errors[0] ?? new TesseraError('INTERNAL_SERVER_ERROR');
  sendJson(res, first.status, { errors: errors.map((e) => e.toJSON()), ...extra }, headers);
}

/** What a GraphQL error carries for HTTP (Apollo's convention): the status and headers to answer with. */
interface HttpExtension {
  readonly status?: number;
  readonly headers?: Iterable<[string, string]>;
}

/**
 * A whole-request GraphQL error answered before Apollo runs (a refused credential, a spent budget,
 * a body too large): its `extensions.http` status and headers (the table's, from `requestError`),
 * the rest of its extensions in the body, and the media type the client asked for
 * (`application/graphql-response+json`), as Apollo would answer it.
 */
export function sendGraphQLErrorOf(req: IncomingMessage, res: ServerResponse, error: GraphQLError): void {
  const { http, ...extensions } = error.extensions as { http?: HttpExtension } & Record<string, unknown>;
  const headers: Record<string, string> = {};
  for (const [name, value] of http?.headers ?? []) headers[name] = value;
  const modern = (req.headers.accept ?? '').includes('application/graphql-response+json');
  const payload = JSON.stringify({ errors: [{ message: error.message, extensions }] });
  res.writeHead(http?.status ?? ERROR_CODES.INTERNAL_SERVER_ERROR.status, {
    ...headers,
    'content-type': modern ? 'application/graphql-response+json; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** A whole-request failure of a code from the table, GraphQL-shaped, with the table's status. */
export function sendGraphQLError(req: IncomingMessage, res: ServerResponse, code: ErrorCode, message?: string, headers: Record<string, string> = {}): void {
  sendGraphQLErrorOf(req, res, requestError(code, message, {}, Object.entries(headers)));
}
