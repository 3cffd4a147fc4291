import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/verifyToken.js';
import type { ResponseStore } from '../cache/responseStore.js';
import type { SupergraphManager } from '../composition/supergraphManager.js';
import type { Config } from '../config/index.js';
import type { TesseraContext } from '../graphql/context.js';
import { adminJwtVerifier } from '../http/admin/adminAuth.js';
import { adminPrefixRoutes } from '../http/admin/adminRoutes.js';
import type { Admission } from '../http/admission.js';
import { cachePurgeRoute } from '../http/cacheAdminRoutes.js';
import { applyCors } from '../http/cors.js';
import type { RouteHandler } from '../http/createHttpServer.js';
import { createGraphQLHandler } from '../http/graphqlHandler.js';
import { observeGraphQLRequest } from '../http/metricsRoute.js';
import { sendJson } from '../http/respond.js';
import { metrics } from '../observability/metrics.js';
import { withServerSpan } from '../observability/tracing.js';
import type { RegistryService } from '../registry/registryService.js';
import type { Phase } from './phase.js';

export interface RoutesOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly apollo: ApolloServer<TesseraContext>;
  readonly admission: Admission;
  readonly manager: SupergraphManager;
  readonly registry: RegistryService | undefined;
  readonly responses: ResponseStore;
  readonly verifyToken: TokenVerifier | undefined;
  readonly phase: () => Phase;
}

/** The GraphQL port's routes: exact paths, and the admin API under `/admin/` (off without ADMIN_TOKEN). */
export function createRoutes({ config, log, apollo, admission, manager, registry, responses, verifyToken, phase }: RoutesOptions) {
  const graphql = createGraphQLHandler({
    server: apollo,
    maxBodyBytes: config.maxBodyBytes,
    admission,
    batchMaxOperations: config.batchMaxOperations,
    onFinish: observeGraphQLRequest(metrics),
  });
  const graphqlRoute: RouteHandler = (req, res, url) =>
    applyCors(config.cors, req, res) ? undefined : withServerSpan(req, `${req.method} ${url.pathname}`, () => graphql(req, res, url.search));
  // A JWT with the tessera:admin scope is an admin too.
  const verifyJwt = adminJwtVerifier(verifyToken);

  const routes = new Map<string, RouteHandler>([
    ['/graphql', graphqlRoute],
    ['/', graphqlRoute],
    ['/health', (_req, res) => sendJson(res, 200, { status: 'ok' })],
    [
      '/readiness',
      (_req, res) => {
        const state = manager.state;
        const now = phase();
        const ready = now === 'ready' && state !== undefined;
        sendJson(res, ready ? 200 : 503, {
          status: ready ? 'ready' : now === 'draining' ? 'draining' : 'not ready',
          compositionId: state?.id ?? null,
          version: state?.version ?? null,
          // A store that went back does not take the replica out: it serves its registered set.
          ...(registry ? { registry: registry.status } : {}),
        });
      },
    ],
  ]);
  // Asked on a timer by load balancers and orchestrators: logged at debug while they pass.
  const quietPaths: ReadonlySet<string> = new Set(['/health', '/readiness']);
  const purge = cachePurgeRoute({ adminToken: config.registry.adminToken, store: responses, log, verifyJwt });
  if (purge) routes.set('/admin/cache/purge', purge);
  const prefixRoutes = adminPrefixRoutes({ adminToken: config.registry.adminToken, registry, maxBodyBytes: config.maxBodyBytes, log, verifyJwt });
  return { routes, prefixRoutes, quietPaths };
}
