import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsOptions {
  /** Allowed origins; `*` allows any. Empty: no CORS headers at all (same-origin only). */
  readonly origins: readonly string[];
  readonly credentials: boolean;
}

/** Headers browsers may read from a response: request id, cache state, rate limits. */
const EXPOSED = 'x-request-id, x-cache, age, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset';
const METHODS = 'GET, POST, OPTIONS';

/** The origin to allow for a request, or undefined. Pure. */
export function allowedOrigin(options: CorsOptions, origin: string | undefined): string | undefined {
  if (!origin || options.origins.length === 0) return undefined;
  if (options.origins.includes('*')) return options.credentials ? origin : '*';
  return options.origins.includes(origin) ? origin : undefined;
}

/**
 * CORS for browser clients (an Apollo Client app on another origin). Answers preflights itself and
 * returns true when it did; otherwise decorates the response and lets the route run.
 */
export function applyCors(options: CorsOptions, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = allowedOrigin(options, req.headers.origin);
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (origin) {
    res.setHeader('access-control-allow-origin', origin);
    if (origin !== '*') res.setHeader('vary', 'origin');
    if (options.credentials) res.setHeader('access-control-allow-credentials', 'true');
    if (!preflight) res.setHeader('access-control-expose-headers', EXPOSED);
  }
  if (!preflight) return false;
  if (origin) {
    res.setHeader('access-control-allow-methods', METHODS);
    const requested = req.headers['access-control-request-headers'];
    if (requested) res.setHeader('access-control-allow-headers', requested);
    res.setHeader('access-control-max-age', '600');
  }
  res.statusCode = 204;
  res.end();
  return true;
}
