import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { requestIdOf } from './requestId.js';
import { sendGraphQLError } from './respond.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface HttpServerOptions {
  readonly log: Logger;
  /** Exact paths first, then the longest matching prefix (e.g. `/admin/`). */
  readonly routes: ReadonlyMap<string, RouteHandler>;
  readonly prefixRoutes?: ReadonlyMap<string, RouteHandler>;
  /** True once the server is closing: every answer then says `Connection: close` (see drain.ts). */
  readonly closing?: () => boolean;
  /**
   * Paths asked on a timer (probes, scrapes): their 2xx answers are logged at debug, or a pod's
   * log would be mostly its own probes. A failed probe is logged like any request.
   */
  readonly quietPaths?: ReadonlySet<string>;
}

/**
 * The HTTP front door: request ids, one log line per request, routing, and a last-resort 500.
 * node:http directly — a framework would add work to every request and nothing Tessera needs.
 */
export function createHttpServer({ log, routes, prefixRoutes = new Map(), closing = () => false, quietPaths = new Set() }: HttpServerOptions): Server {
  const prefixes = [...prefixRoutes.entries()].sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    // The socket closes once this answer is written, and the client knows not to send on it again.
    if (closing()) res.setHeader('connection', 'close');
    res.once('finish', () => {
      const path = req.url?.split('?')[0];
      const quiet = res.statusCode < 300 && path !== undefined && quietPaths.has(path);
      log[quiet ? 'debug' : 'info'](
        { reqId: requestId, method: req.method, path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway');
    } catch {
      return sendGraphQLError(req, res, 'BAD_REQUEST', 'The request URL is malformed.');
    }
    const handler = routes.get(url.pathname) ?? prefixes.find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
    if (!handler) return sendGraphQLError(req, res, 'ROUTE_NOT_FOUND', `No route ${url.pathname}.`);
    try {
      await handler(req, res, url);
    } catch (error) {
      log.error({ err: error, reqId: requestId }, 'unhandled error in request');
      if (!res.headersSent) sendGraphQLError(req, res, 'INTERNAL_SERVER_ERROR');
      else res.destroy();
    }
  });
  // Keep-alive connections outlive the load balancer's idle timeout, so it closes them first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
