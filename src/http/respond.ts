import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** A whole-request failure as a GraphQL-shaped body with the code's HTTP status. */
export function sendGraphQLError(res: ServerResponse, code: ErrorCode, message: string = ERROR_CODES[code].message, headers: Record<string, string> = {}): void {
  sendJson(res, ERROR_CODES[code].status, { errors: [{ message, extensions: { code } }] }, headers);
}

/** What a GraphQL error carries for HTTP (Apollo's convention): the status and headers to answer with. */
interface HttpExtension {
  readonly status?: number;
  readonly headers?: Iterable<[string, string]>;
}

/**
 * A whole-request GraphQL error answered before Apollo runs (a refused credential, a spent budget):
 * its `extensions.http` status and headers, the rest of its extensions in the body, and the media
 * type the client asked for (`application/graphql-response+json`), as Apollo would answer it.
 */
export function sendGraphQLErrorOf(req: IncomingMessage, res: ServerResponse, error: GraphQLError): void {
  const { http, ...extensions } = error.extensions as { http?: HttpExtension } & Record<string, unknown>;
  const headers: Record<string, string> = {};
  for (const [name, value] of http?.headers ?? []) headers[name] = value;
  const modern = (req.headers.accept ?? '').includes('application/graphql-response+json');
  const payload = JSON.stringify({ errors: [{ message: error.message, extensions }] });
  res.writeHead(http?.status ?? 500, {
    ...headers,
    'content-type': modern ? 'application/graphql-response+json; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
