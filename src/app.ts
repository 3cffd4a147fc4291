import './gateway/noTelemetry.js';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { AppDefinition, InProcessSubgraphs } from './appDefinition.js';
import type { Config } from './config/index.js';
import { composeFromSpecs } from './composition/loadSubgraphs.js';
import { SupergraphManager } from './composition/supergraphManager.js';
import { watchSupergraphFile } from './composition/watchSupergraphFile.js';
import { createGateway } from './gateway/createGateway.js';
import { createApolloServer } from './graphql/createApolloServer.js';
import type { TesseraContext } from './graphql/context.js';
import { ANONYMOUS } from './auth/viewer.js';
import { createGraphQLHandler } from './http/graphqlHandler.js';
import { createHttpServer, type RouteHandler } from './http/createHttpServer.js';
import { requestIdOf } from './http/requestId.js';
import { sendJson } from './http/respond.js';
import { createLogger } from './observability/logger.js';

/** The lifecycle of one gateway process. */
export type Phase = 'created' | 'starting' | 'ready' | 'draining' | 'stopped';

export interface App {
  readonly config: Config;
  readonly log: Logger;
  readonly manager: SupergraphManager;
  readonly apollo: ApolloServer<TesseraContext>;
  readonly http: Server;
  readonly phase: Phase;
  /** Base URL once listening, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  start(): Promise<void>;
  /** Drains: readiness turns 503, in-flight requests finish, then everything closes. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface CreateAppOptions {
  readonly app?: AppDefinition;
  readonly log?: Logger;
  /** The environment the app definition reads its own settings from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The composition root: wires config, logger, gateway, Apollo Server and the HTTP server. */
export function createApp(config: Config, options: CreateAppOptions = {}): App {
  const log = options.log ?? createLogger(config.logLevel);
  const inProcess: InProcessSubgraphs = options.app?.subgraphs?.({ config, env: options.env ?? process.env }) ?? {
    subgraphs: [],
    close: async () => {},
  };
  const localSchemas = new Map(inProcess.subgraphs.map((s) => [s.name, s.schema]));
  const cleanups: (() => Promise<void> | void)[] = [];
  let phase: Phase = 'created';

  const source = config.supergraph;
  const manager = new SupergraphManager(async () => {
    switch (source.kind) {
      case 'compose':
        return composeFromSpecs(source.subgraphs, { timeoutMs: config.subgraphTimeoutMs });
      case 'file':
        return readFile(source.path, 'utf8');
    }
  });
  manager.onChange((state, previous) =>
    log.info({ compositionId: state.id, version: state.version, previous: previous?.id }, 'supergraph loaded'),
  );

  const propagate = config.propagateHeaders;
  const headersFor = (context: TesseraContext | undefined): Record<string, string> => {
    if (!context) return {};
    const headers: Record<string, string> = { 'x-request-id': context.requestId };
    for (const name of propagate) {
      const value = context.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    return headers;
  };

  const gateway = createGateway({ manager, localSchemas, timeoutMs: config.subgraphTimeoutMs, headersFor, log });
  const apollo = createApolloServer({
    gateway: gateway.gateway,
    production: config.production,
    introspection: config.introspection,
    sandbox: config.sandbox,
    log,
    plugins: [],
  });

  const buildContext = async (req: IncomingMessage): Promise<TesseraContext> => {
    const requestId = requestIdOf(req);
    return {
      requestId,
      viewer: ANONYMOUS,
      log: log.child({ reqId: requestId }),
      ip: req.socket.remoteAddress ?? '',
      headers: req.headers as Record<string, string | undefined>,
      scratch: new Map(),
    };
  };

  const graphql = createGraphQLHandler({ server: apollo, maxBodyBytes: config.maxBodyBytes, buildContext });
  const graphqlRoute: RouteHandler = (req, res, url) => graphql(req, res, url.search);
  const routes = new Map<string, RouteHandler>([
    ['/graphql', graphqlRoute],
    ['/', graphqlRoute],
    ['/health', (_req, res) => sendJson(res, 200, { status: 'ok' })],
    [
      '/readiness',
      (_req, res) => {
        const state = manager.state;
        const ready = phase === 'ready' && state !== undefined;
        sendJson(res, ready ? 200 : 503, {
          status: ready ? 'ready' : phase === 'draining' ? 'draining' : 'not ready',
          compositionId: state?.id ?? null,
          version: state?.version ?? null,
        });
      },
    ],
  ]);
  const http = createHttpServer({ log, routes });

  const app: App = {
    config,
    log,
    manager,
    apollo,
    http,
    get phase() {
      return phase;
    },
    get url() {
      const address = http.address() as AddressInfo | null;
      if (!address) throw new Error('The gateway is not listening.');
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
    },
    async start() {
      phase = 'starting';
      // Readiness answers 503 while the supergraph loads, so the port opens first.
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      try {
        await apollo.start();
      } catch (error) {
        await app.stop();
        throw error;
      }
      if (source.kind === 'file') cleanups.push(watchSupergraphFile(source.path, manager, log));
      phase = 'ready';
    },
    async stop() {
      if (phase === 'stopped' || phase === 'draining') return;
      const wasStarted = phase !== 'created';
      phase = 'draining';
      for (const cleanup of cleanups.splice(0)) await cleanup();
      if (http.listening) {
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        const grace = setTimeout(() => http.closeAllConnections(), config.shutdownGraceMs);
        await closed;
        clearTimeout(grace);
      }
      if (wasStarted) await apollo.stop().catch((error) => log.warn({ err: error }, 'apollo stop failed'));
      await gateway.close();
      await inProcess.close();
      phase = 'stopped';
    },
    [Symbol.asyncDispose]() {
      return app.stop();
    },
  };
  return app;
}
