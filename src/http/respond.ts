import type { ServerResponse } from 'node:http';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** A body written as several parts (one `writev`), its length declared so none is copied into one. */
export function sendParts(res: ServerResponse, parts: readonly (string | Buffer)[]): void {
  let length = 0;
  for (const part of parts) length += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  res.setHeader('content-length', length);
  res.cork();
  for (const part of parts) res.write(part);
  res.end();
  res.uncork();
}

/** A whole-request failure as a GraphQL-shaped body with the code's HTTP status. */
export function sendGraphQLError(res: ServerResponse, code: ErrorCode, message: string = ERROR_CODES[code].message, headers: Record<string, string> = {}): void {
  sendJson(res, ERROR_CODES[code].status, { errors: [{ message, extensions: { code } }] }, headers);
}
