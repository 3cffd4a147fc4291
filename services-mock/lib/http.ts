import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockResponse } from './types.js';

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, response: MockResponse): void {
  send(res, response.status, JSON.stringify(response.body), response.headers);
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): MockResponse =>
  headers ? { status, body, headers } : { status, body };

/** `ids=1,2&ids=3` → ['1','2','3']: comma lists and repeated keys both work. */
export function listParam(query: URLSearchParams, name: string): string[] | undefined {
  if (!query.has(name)) return undefined;
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export type LimitParse = { ok: true; limit: number | undefined } | { ok: false; response: MockResponse };

/** Optional positive-integer `limit`, capped so a typo cannot ask for everything. */
export function limitParam(query: URLSearchParams, fallback: number | undefined, max = 1000): LimitParse {
  const raw = query.get('limit');
  if (raw === null || raw === '') return { ok: true, limit: fallback };
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    return { ok: false, response: json(400, { error: 'invalid parameter', parameter: 'limit', message: 'must be a positive integer' }) };
  }
  return { ok: true, limit: Math.min(n, max) };
}

export const missingParam = (...names: string[]): MockResponse =>
  json(400, { error: 'missing parameter', parameter: names.join(' or '), message: `one of ${names.join(', ')} is required` });
