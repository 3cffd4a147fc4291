import './gateway/noTelemetry.js';
import './gateway/flatExports.js';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { AppDefinition, InProcessSubgraphs } from './appDefinition.js';
import { appProblems, createAppScope, refusable, type ScopedApp } from './appScope.js';
import { createAuthenticator } from './auth/authenticate.js';
import { identityHeaders, isIdentityHeader } from './auth/identityHeaders.js';
import { createTokenVerifier } from './auth/verifyToken.js';
import { createCacheStores } from './cache/createCacheStores.js';
import { loadSafelist, usePersistedQuerySafelist } from './cache/safelist.js';
import { createCompositionPool } from './composition/compositionPool.js';
import { SupergraphManager } from './composition/supergraphManager.js';
import { checkSupergraph, watchSupergraphFile } from './composition/watchSupergraphFile.js';
import { ConfigError } from './errors/configError.js';
import { type Config } from './config/index.js';
import { createGateway } from './gateway/createGateway.js';
import type { TesseraContext } from './graphql/context.js';
import { createApolloServer } from './graphql/createApolloServer.js';
import { useAnswer } from './graphql/plugins/useAnswer.js';
import { useDemandControl } from './graphql/plugins/useDemandControl.js';
import { useMetrics } from './graphql/plugins/useMetrics.js';
import { parseOptionsFor, useOperationLimits } from './graphql/plugins/useOperationLimits.js';
import { usePolicy } from './graphql/plugins/usePolicy.js';
import { useRequestErrors } from './graphql/plugins/useRequestErrors.js';
import { useResponseCache } from './graphql/plugins/useResponseCache.js';
import { adminJwtVerifier } from './http/admin/adminAuth.js';
import { createAdmission } from './http/admission.js';
import { adminPrefixRoutes } from './http/admin/adminRoutes.js';
import { cachePurgeRoute } from './http/cacheAdminRoutes.js';
import { applyCors } from './http/cors.js';
import { createHttpServer, type RouteHandler } from './http/createHttpServer.js';
import { stopAccepting, trackConnections } from './http/drain.js';
import { createGraphQLHandler } from './http/graphqlHandler.js';
import { metricsRoute, observeGraphQLRequest } from './http/metricsRoute.js';
import { sendJson } from './http/respond.js';
import { createLogger } from './observability/logger.js';
import { metrics, recordSupergraph } from './observability/metrics.js';
import { withServerSpan } from './observability/tracing.js';
import { createRateLimits } from './ratelimit/createRateLimits.js';
import { createRegistry } from './registry/createRegistry.js';

/**
 * How long a keep-alive socket without a request in flight must have been quiet before a draining
 * gateway closes it: a client that just got an answer sends its next request within far less, so
 * closing after this resets nothing it was sending.
 */
const QUIET_KEEP_ALIVE_MS = 250;

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
}

/** The composition root: wires config, logger, gateway, Apollo Server and the HTTP server. */
export function createApp(config: Config, options: CreateAppOptions = {}): App {
  const log = options.log ?? createLogger(config.logLevel);
  // Never waits for Redis: it connects in the background and every cache command fails open.
  const cache = createCacheStores({
    redisUrl: config.redisUrl,
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
  const localSchemas = new Map(inProcess.subgraphs.map((s) => [s.name, s.schema]));
  // The app's rules, purge rules and key fields, scoped to each supergraph as it loads.
  const appScope = createAppScope(options.app);
  // Whether the served supergraph has the app's subgraphs (its client profiles apply only then).
  let appServed = false;
  const cleanups: (() => Promise<void> | void)[] = [];
  let phase: Phase = 'created';
  // Apollo's stop() throws unless start() succeeded; a failed start still closes everything else.
  let apolloStarted = false;
  // Counters in Redis shared by every replica (REDIS_URL), else in memory; closed after the last request.
  const rateLimits = createRateLimits({
    config: config.rateLimit,
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    profiles: options.app?.clientLimits?.profiles,
    profilesApply: () => appServed,
    log,
    onReject: (rule, client) => metrics.rateLimitRejections.inc({ rule, client }),
  });
  cleanups.push(() => rateLimits.close());

  const source = config.supergraph;
  // Composition and the checks of a candidate graph run in a worker thread, never on this one.
  const composer = createCompositionPool(config.composition);
  // The served set is supergraph.yaml's subgraphs plus the registered ones (src/registry/).
  const registry =
    source.kind === 'compose'
      ? createRegistry({
          config,
          staticSpecs: source.subgraphs,
          manager: (): SupergraphManager => manager,
          log,
          composer,
          policyProblems: (sdl) => appScope(sdl).unmatched,
        })
      : undefined;
  if (registry) cleanups.push(() => registry.close());
  cleanups.push(() => composer.close());
  const manager = new SupergraphManager(
    source.kind === 'compose'
      ? () => registry!.initialSupergraph()
      : async () => checkSupergraph(composer, await readFile(source.path, 'utf8')),
  );
  manager.onChange((state) => recordSupergraph(state.id));
  manager.onChange((state, previous) => {
    if (!options.app) return;
    const scoped = appScope(state.supergraphSdl);
    appServed = scoped.owned.length > 0;
    // The first graph is checked by start(), which refuses what is wrong; a later one is served and its gaps logged.
    if (previous) reportScope(scoped, state.id);
  });
  manager.onChange((state, previous) =>
    log.info({ compositionId: state.id, version: state.version, previous: previous?.id }, 'supergraph loaded'),
  );

  const verifyToken = createTokenVerifier(config.auth);
  const authenticate = createAuthenticator({ verify: verifyToken, apiKeys: config.auth.apiKeys });
  const propagate = config.propagateHeaders;
  const headersFor = (context: TesseraContext | undefined): Record<string, string> => {
    if (!context) return {};
    const headers: Record<string, string> = { 'x-request-id': context.requestId };
    for (const name of propagate) {
      const value = context.headers[name];
      if (value !== undefined && !isIdentityHeader(name)) headers[name] = value;
    }
    identityHeaders(context.viewer, headers);
    return headers;
  };

  const gateway = createGateway({
    manager,
    localSchemas,
    timeoutMs: config.subgraphTimeoutMs,
    headersFor,
    cacheKeyHeaders: config.cache.keyHeaders,
    log,
    breaker: config.breaker,
    retry: config.retry,
    maxSubgraphFetches: config.limits.maxSubgraphFetches,
    maxSubgraphResponseBytes: config.demand.maxSubgraphResponseBytes,
    operationCacheSize: config.operationCacheSize,
    cacheHints: { hints: options.app?.cache?.hints, defaultMaxAge: config.cache.defaultMaxAgeSeconds },
  });
  const responseCache =
    config.cache.responses &&
    useResponseCache({
      store: cache.responses,
      compositionId: () => manager.state?.id,
      keyHeaders: config.cache.keyHeaders,
      rules: (sdl) => (sdl === undefined ? {} : appScope(sdl)),
      onLookup: (result) => metrics.cacheRequests.inc({ cache: 'responses', result }),
      onPurgeError: (err) => log.warn({ err }, 'cache purge after a mutation failed; entries expire by their TTL'),
    });
  const apollo = createApolloServer({
    gateway: gateway.gateway,
    production: config.production,
    introspection: config.introspection,
    sandbox: config.sandbox,
    log,
    parseOptions: parseOptionsFor(config.limits),
    allowBatchedHttpRequests: config.batchMaxOperations > 0,
    operationCacheSize: config.operationCacheSize,
    persistedQueries: safelist ? { cache: safelist.cache, ttl: null } : { cache: cache.apq, ttl: 86_400 },
    // The request pipeline, in order. Policy decides in didResolveOperation, before the response
    // cache is read in responseForOperation, so a cached answer never bypasses auth or a limit.
    plugins: [
      // request metrics, and request errors with their proper codes and statuses
      useMetrics({ operationNames: config.metricsOperationNames }),
      useRequestErrors(),
      // depth, aliases, tokens, directives (the fetch budget is checked on the query plan)
      useOperationLimits(config.limits),
      // static cost from @cost/@listSize, refused over MAX_COST; heavy operations take turns
      useDemandControl({ ...config.demand, log }),
      // the field-limit counters (the request limit was spent as the request arrived: src/http/admission.ts)
      // the rule tree and the supergraph's auth directives: denied fields pruned before planning
      usePolicy({ rules: (sdl) => rateLimits.rules(sdl === undefined ? {} : appScope(sdl).rules), fallback: config.policyFallback, maxPlans: config.operationCacheSize, log }),
      safelist && usePersistedQuerySafelist(safelist),
      responseCache,
      // the one owner of the final body: stored data, the policy's edit, then the caching headers
      useAnswer({ keyHeaders: config.cache.keyHeaders }),
    ],
  });

  const admission = createAdmission({
    authenticate,
    requestLimit: rateLimits.request,
    fieldLimits: rateLimits.fieldLimits,
    log,
    maxResponseBytes: config.demand.maxResponseBytes,
  });

  const graphql = createGraphQLHandler({
    server: apollo,
    maxBodyBytes: config.maxBodyBytes,
    admission,
    batchMaxOperations: config.batchMaxOperations,
    onFinish: observeGraphQLRequest(metrics),
  });
  const graphqlRoute: RouteHandler = (req, res, url) =>
    applyCors(config.cors, req, res) ? undefined : withServerSpan(req, `${req.method} ${url.pathname}`, () => graphql(req, res, url.search));
  const purgeRoute = cachePurgeRoute({ adminToken: config.registry.adminToken, store: cache.responses, log, verifyJwt: adminJwtVerifier(verifyToken) });
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
          // A store that went back does not take the replica out: it serves its registered set.
          ...(registry ? { registry: registry.status } : {}),
        });
      },
    ],
  ]);
  const prefixRoutes = adminPrefixRoutes({
    adminToken: config.registry.adminToken,
    registry,
    maxBodyBytes: config.maxBodyBytes,
    log,
    // A JWT with the tessera:admin scope is an admin too.
    verifyJwt: adminJwtVerifier(verifyToken),
  });
  if (purgeRoute) routes.set('/admin/cache/purge', purgeRoute);
  // Set once the listener stops accepting: from then on every answer says `Connection: close`.
  let closing = false;
  const http = createHttpServer({ log, routes, prefixRoutes, closing: () => closing });
  const connections = trackConnections(http);
  // Metrics name operations, clients and subgraphs: they are for the operator's scraper, on a
  // listener of its own (loopback only by default), as Apollo Router and Hive Gateway serve them.
  const metricsHttp = createHttpServer({ log, routes: new Map([['/metrics', metricsRoute(metrics)]]) });

  /** Says when the app's policy, or part of it, acts on nothing in a served graph. */
  function reportScope(scoped: ScopedApp, compositionId: string) {
    if (scoped.owned.length === 0) {
      log.warn({ compositionId, owns: options.app?.owns ?? {} }, "the app's subgraphs are not in the supergraph: its rules, purge rules and key fields apply to nothing");
    } else if (scoped.unmatched.length > 0) {
      log.warn({ compositionId, missing: scoped.missing, unmatched: scoped.unmatched }, 'app entries that apply to nothing in the supergraph');
    }
  }

  /** Refuses, before the first graph is served, an app entry that is certainly wrong for it. */
  const checkApp = () => {
    const state = manager.state;
    if (!options.app || !state) return;
    const scoped = appScope(state.supergraphSdl);
    const problems = [...appProblems(options.app, inProcess.subgraphs), ...refusable(scoped)];
    if (problems.length > 0) throw new ConfigError(problems);
    reportScope(scoped, state.id);
  };

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
        checkApp();
      } catch (error) {
        await app.stop();
        throw error;
      }
      if (source.kind === 'file') cleanups.unshift(watchSupergraphFile(source.path, manager, composer, log));
      registry?.start();
      phase = 'ready';
    },
    async stop() {
      if (phase === 'stopped' || phase === 'draining') return;
      const wasReady = phase === 'ready';
      phase = 'draining';
      if (http.listening) {
        // Readiness answers 503 for a while first, so load balancers stop sending before the door shuts.
        if (wasReady && config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
        // No new connections. Each open one closes after an answer that says so, or once it has
        // been quiet long enough that closing it resets no request a client is sending (drain.ts).
        closing = true;
        const closed = stopAccepting(http);
        const quiet = setInterval(() => connections.closeQuiet(QUIET_KEEP_ALIVE_MS), 25);
        const grace = setTimeout(() => http.closeAllConnections(), config.shutdownGraceMs);
        await closed;
        clearInterval(quiet);
        clearTimeout(grace);
      }
      // Scrapes are answered while the GraphQL port drains, then that listener closes too.
      if (metricsHttp.listening) {
        const closed = new Promise<void>((resolve) => metricsHttp.close(() => resolve()));
        metricsHttp.closeAllConnections();
        await closed;
      }
      // Stores (Redis) and watchers close after the last request in flight is answered.
      for (const cleanup of cleanups.splice(0)) await cleanup();
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
