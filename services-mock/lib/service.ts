import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseFaults } from './faults.js';
import { BodyTooLargeError, readBody, send, sendJson } from './http.js';
import { createRouter } from './router.js';
import { StatsRecorder } from './stats.js';
import type { Faults, MockRequest, MockService, Route, StartOptions } from './types.js';

const INVALID_BODY = '{"data": {"oops": <not json';

interface State {
  faults: Faults;
  listening: boolean;
  closed: boolean;
  /** Aborted on stop/close so pending delays do not keep the process alive. */
  delays: AbortController;
}

/** Starts a mock HTTP service for `routes` and resolves once it listens. */
export async function startMockService(name: string, routes: readonly Route[], options: StartOptions): Promise<MockService> {
  const host = options.host ?? '127.0.0.1';
  const baseLatency = options.latencyMs ?? 0;
  const match = createRouter(routes);
  const stats = new StatsRecorder(routes.map((r) => `${r.method} ${r.pattern}`));
  const sockets = new Set<Socket>();
  const state: State = { faults: {}, listening: false, closed: false, delays: new AbortController() };

  const dropSockets = (except?: Socket): void => {
    for (const s of sockets) if (s !== except) s.destroy();
  };

  const setFaults = (faults: Faults, except?: Socket): void => {
    state.faults = { ...faults };
    // Pooled keep-alive sockets would otherwise keep working under `refuse`.
    if (faults.refuse) dropSockets(except);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof Error && err.name === 'AbortError') return res.destroy();
      send(res, 500, JSON.stringify({ error: 'internal error', message: String(err) }));
    });
  });

  server.on('connection', (socket) => {
    if (state.faults.refuse) return void socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (state.faults.refuse) return void req.socket.destroy();
    const url = new URL(req.url ?? '/', 'http://mock');
    const method = req.method ?? 'GET';
    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return send(res, 413, JSON.stringify({ error: err.message }));
      throw err;
    }

    if (url.pathname === '/__stats' || url.pathname === '/__stats/reset' || url.pathname === '/__faults') {
      return control(method, url.pathname, body, res);
    }

    const found = match(method, url.pathname);
    const params = found.kind === 'found' ? found.match.params : {};
    const mreq: MockRequest = { method, path: url.pathname, params, query: url.searchParams, headers: req.headers, body };
    const route = found.kind === 'found' ? found.match.route : undefined;
    // Counted before faults apply: tests want to see attempts that failed too.
    stats.record(route ? [`${route.method} ${route.pattern}`, ...(route.statKeys?.(mreq) ?? [])] : [], req.headers);

    const faults = state.faults;
    const delay = baseLatency + (faults.latencyMs ?? 0);
    if (delay > 0) await sleep(delay, undefined, { signal: state.delays.signal });

    if (faults.status !== undefined || faults.invalidBody) {
      const status = faults.status ?? 200;
      const payload = faults.invalidBody ? INVALID_BODY : JSON.stringify({ error: 'injected fault', status });
      return send(res, status, payload);
    }
    if (found.kind === 'method') {
      return sendJson(res, { status: 405, body: { error: 'method not allowed' }, headers: { allow: found.allow.join(', ') } });
    }
    if (!route) return sendJson(res, { status: 404, body: { error: 'not found', path: url.pathname } });
    sendJson(res, await route.handler(mreq));
  }

  function control(method: string, path: string, body: string, res: ServerResponse): void {
    const ok = (value: unknown) => send(res, 200, JSON.stringify(value), { 'cache-control': 'no-store' });
    if (path === '/__stats' && method === 'GET') return ok(stats.snapshot());
    if (path === '/__stats/reset' && method === 'POST') {
      stats.reset();
      return ok(stats.snapshot());
    }
    if (path === '/__faults' && method === 'GET') return ok(state.faults);
    if (path === '/__faults' && method === 'DELETE') {
      state.faults = {};
      return ok(state.faults);
    }
    if (path === '/__faults' && method === 'PUT') {
      let input: unknown;
      try {
        input = JSON.parse(body);
      } catch {
        return send(res, 400, JSON.stringify({ error: 'invalid faults', message: 'body must be JSON' }));
      }
      const parsed = parseFaults(input);
      if (!parsed.ok) return send(res, 400, JSON.stringify({ error: 'invalid faults', message: parsed.message }));
      // Keep the socket carrying this answer; it is closed right after so `refuse` takes hold.
      setFaults(parsed.faults, res.socket ?? undefined);
      if (parsed.faults.refuse) res.setHeader('connection', 'close');
      return ok(state.faults);
    }
    send(res, 405, JSON.stringify({ error: 'method not allowed' }));
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        state.listening = true;
        resolve();
      });
    });

  const shutdown = async (): Promise<void> => {
    if (!state.listening) return;
    state.listening = false;
    state.delays.abort();
    state.delays = new AbortController();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    dropSockets();
    await closed;
  };

  await listen(options.port);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`${name}: unexpected server address`);
  const port = address.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    name,
    url,
    port,
    async close() {
      state.closed = true;
      await shutdown();
    },
    stop: shutdown,
    async resume() {
      if (state.closed) throw new Error(`${name}: closed, cannot resume`);
      if (!state.listening) await listen(port);
    },
    setFaults: (faults) => setFaults(faults),
    clearFaults() {
      state.faults = {};
    },
    faults: () => ({ ...state.faults }),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
  };
}
