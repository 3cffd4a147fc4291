import type { ServerResponse } from 'node:http';
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
