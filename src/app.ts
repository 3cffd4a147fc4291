import './gateway/noTelemetry.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { AppDefinition, InProcessSubgraphs } from './appDefinition.js';
import { createAuthenticator } from './auth/authenticate.js';
import { createTokenVerifier } from './auth/verifyToken.js';
import { createCacheStores } from './cache/createCacheStores.js';
import { loadSafelist } from './cache/safelist.js';
import type { SupergraphManager } from './composition/supergraphManager.js';
import type { Config } from './config/index.js';
import { createFederationGateway } from './gateway/federationGateway.js';
import { subgraphHeaders } from './gateway/subgraphHeaders.js';
import type { TesseraContext } from './graphql/context.js';
import type { ExplorerPreset } from './graphql/explorer.js';
import { createAdmission } from './http/admission.js';
import { createHttpServer } from './http/createHttpServer.js';
import { drain, trackConnections } from './http/drain.js';
import { metricsRoute } from './http/metricsRoute.js';
import { createLogger } from './observability/logger.js';
import { metrics } from './observability/metrics.js';
import { createRateLimits } from './ratelimit/createRateLimits.js';
import { createAppPolicy } from './server/appPolicy.js';
import { createGraphQLPipeline } from './server/graphqlPipeline.js';
import type { Phase } from './server/phase.js';
import { createRoutes } from './server/routes.js';
import { createSupergraphSource } from './server/supergraphSource.js';

export type { Phase };

export interface App {
  readonly config: Config;
  readonly log: Logger;
  readonly manager: SupergraphManager;
  readonly apollo: ApolloServer<TesseraContext>;
  readonly http: Server;
  readonly phase: Phase;
  /** Base URL once listening, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** `/metrics` on its own listener once started, e.g. `http://127.0.0.1:9090/metrics`. */
  readonly metricsUrl: string;
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
  /** What the explorer opens with, e.g. `npm start`'s example query and development token. */
  readonly explorer?: ExplorerPreset;
}

/**
 * The composition root: the stores, the app's subgraphs and policy, the supergraph source, the
 * gateway, the GraphQL pipeline, the HTTP edge and the process lifecycle, in that order.
 */
export function createApp(config: Config, options: CreateAppOptions = {}): App {
  const log = options.log ?? createLogger(config.logLevel);
  let phase: Phase = 'created';
  // Apollo's stop() throws unless start() succeeded; a failed start still closes everything else.
  let apolloStarted = false;

  // Never waits for Redis: it connects in the background and every cache command fails open.
  const cache = createCacheStores({
    redis: config.redis,
    prefix: `${config.redisPrefix}cache:`,
    timeoutMs: config.cache.timeoutMs,
    writeTimeoutMs: config.cache.writeTimeoutMs,
    memoryMaxBytes: config.cache.memoryMaxBytes,
    log,
    onFailure: (store, result) => metrics.cacheRequests.inc({ cache: store, result }),
    onLookup: (store, result) => metrics.cacheRequests.inc({ cache: store, result }),
  });
  const safelist = config.cache.safelistPath === undefined ? undefined : loadSafelist(config.cache.safelistPath);
  const inProcess: InProcessSubgraphs = options.app?.subgraphs?.({ config, env: options.env ?? process.env, cache }) ?? {
    subgraphs: [],
    close: async () => {},
  };

  // The app's rules, purge rules and key fields are scoped to each supergraph as it loads.
  const policy = createAppPolicy(options.app, inProcess.subgraphs, log);
  const supergraph = createSupergraphSource({ config, log, policyProblems: (sdl) => policy.scope(sdl).unmatched });
  const { manager, registry } = supergraph;
  policy.follow(manager);

  // Counters in Redis (one or a cluster) shared by every replica, else in memory; closed after the last request.
  const rateLimits = createRateLimits({
    config: config.rateLimit,
    redis: config.redis,
    prefix: config.redisPrefix,
    profiles: options.app?.clientLimits?.profiles,
    profilesApply: () => policy.served(),
    log,
    onReject: (rule, client) => metrics.rateLimitRejections.inc({ rule, client }),
  });

  const gateway = createFederationGateway({
    manager,
    localSchemas: new Map(inProcess.subgraphs.map((s) => [s.name, s.schema])),
    timeoutMs: config.subgraphTimeoutMs,
    headersFor: subgraphHeaders(config.propagateHeaders),
    cacheKeyHeaders: config.cache.keyHeaders,
    log,
    breaker: config.breaker,
    retry: config.retry,
    maxSubgraphFetches: config.limits.maxSubgraphFetches,
    maxSubgraphResponseBytes: config.demand.maxSubgraphResponseBytes,
    operationCacheSize: config.operationCacheSize,
    fetchMerging: config.fetchMerging,
    deduplicateSubgraphCalls: config.subgraphDeduplication,
    overrideLabels: new Set(config.overrideLabels),
    planCorrection: config.queryPlanCorrection,
    cacheHints: { hints: options.app?.cache?.hints, defaultMaxAge: config.cache.defaultMaxAgeSeconds },
  });
  const apollo = createGraphQLPipeline({
    config,
    log,
    gateway: gateway.gateway,
    cache,
    safelist,
    rateLimits,
    appPolicy: policy,
    compositionId: () => manager.state?.id,
    explorer: options.explorer,
  });

  const verifyToken = createTokenVerifier(config.auth);
  const admission = createAdmission({
    authenticate: createAuthenticator({ verify: verifyToken, apiKeys: config.auth.apiKeys }),
    requestLimit: rateLimits.request,
    fieldLimits: rateLimits.fieldLimits,
    log,
    maxResponseBytes: config.demand.maxResponseBytes,
  });
  const { routes, prefixRoutes, quietPaths } = createRoutes({ config, log, apollo, admission, manager, registry, responses: cache.responses, verifyToken, phase: () => phase });
  // Set once the listener stops accepting: from then on every answer says `Connection: close`.
  let closing = false;
  const http = createHttpServer({ log, routes, prefixRoutes, quietPaths, closing: () => closing });
  const connections = trackConnections(http);
  // Metrics name operations, clients and subgraphs: they are for the operator's scraper, on a
  // listener of its own (loopback only by default), as Apollo Router and Hive Gateway serve them.
  const metricsRoutes = new Map([['/metrics', metricsRoute(metrics)]]);
  // Every route there is a scrape: logged at debug while it passes.
  const metricsHttp = createHttpServer({ log, routes: metricsRoutes, quietPaths: new Set(metricsRoutes.keys()) });

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
      return baseUrl(http);
    },
    get metricsUrl() {
      return `${baseUrl(metricsHttp)}/metrics`;
    },
    async start() {
      phase = 'starting';
      // Readiness answers 503 while the supergraph loads, so the port opens first.
      await listen(http, config.port, config.host);
      try {
        await listen(metricsHttp, config.metrics.port, config.metrics.host);
      } catch (error) {
        await app.stop();
        throw error;
      }
      try {
        await apollo.start();
        apolloStarted = true;
        policy.checkFirst(manager.state);
      } catch (error) {
        await app.stop();
        throw error;
      }
      supergraph.follow();
      phase = 'ready';
    },
    async stop() {
      if (phase === 'stopped' || phase === 'draining') return;
      const wasReady = phase === 'ready';
      phase = 'draining';
      if (http.listening) {
        // Readiness answers 503 for a while first, so load balancers stop sending before the door shuts.
        if (wasReady && config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
        // From here every answer says `Connection: close`; quiet sockets close without a reset (drain.ts).
        closing = true;
        await drain(http, connections, config.shutdownGraceMs);
      }
      // Scrapes are answered while the GraphQL port drains, then that listener closes too.
      if (metricsHttp.listening) {
        const closed = new Promise<void>((resolve) => metricsHttp.close(() => resolve()));
        metricsHttp.closeAllConnections();
        await closed;
      }
      // Stores (Redis) and watchers close after the last request in flight is answered.
      await supergraph.close();
      await rateLimits.close();
      if (apolloStarted) await apollo.stop().catch((error) => log.warn({ err: error }, 'apollo stop failed'));
      await gateway.close();
      await inProcess.close();
      await cache.close();
      phase = 'stopped';
    },
    [Symbol.asyncDispose]() {
      return app.stop();
    },
  };
  return app;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** `http://host:port` of a listening server; the unspecified address reads as loopback. */
function baseUrl(server: Server): string {
  const address = server.address() as AddressInfo | null;
  if (!address) throw new Error('The gateway is not listening.');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
}
