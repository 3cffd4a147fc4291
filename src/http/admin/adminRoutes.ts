import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigError } from '../../errors/configError.js';
import { parseSupergraphConfig } from '../../config/supergraphConfig.js';
import { TesseraError, type ErrorCode } from '../../errors/codes.js';
import { RegistryRefusal, type RegistryService } from '../../registry/registryService.js';
import type { RouteHandler } from '../createHttpServer.js';
import { readLimited } from '../../io/readLimited.js';
import { sendErrors, sendJson } from '../respond.js';
import { createAdminAuth, type AdminAuthOptions, type AuthorizeAdmin } from './adminAuth.js';

export interface AdminRoutesOptions {
  readonly registry: RegistryService;
  readonly authorize: AuthorizeAdmin;
  readonly maxBodyBytes: number;
  readonly log: Logger;
}

const publishBody = z.object({
  url: z.string().min(1, 'url is required'),
  sdl: z.string().optional(),
  force: z.boolean().optional(),
});

const flag = (url: URL, name: string): boolean => ['1', 'true', 'yes'].includes(url.searchParams.get(name) ?? '');

const sendError = (res: ServerResponse, code: ErrorCode, message?: string) => sendErrors(res, [new TesseraError(code, message)]);

/** The path's segments, percent-decoded; undefined when one is not valid percent-encoding (`%zz`, `%E0%A4`). */
function decodedSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return (await readLimited(req, maxBytes)).toString('utf8');
}

/**
 * `/admin/…`: the HTTP door to the registry. Every route needs an admin (token or JWT scope);
 * mutations answer the registry's outcome, or every error of the step that refused it.
 */
export function createAdminRoutes({ registry, authorize, maxBodyBytes, log }: AdminRoutesOptions): RouteHandler {
  const route = async (req: IncomingMessage, res: ServerResponse, url: URL, actor: string): Promise<void> => {
    const method = req.method ?? 'GET';
    const parts = decodedSegments(url.pathname); // ['admin', …]
    if (!parts) return sendError(res, 'BAD_REQUEST', 'The path is not valid percent-encoding.');
    const [, resource, name, verb] = parts;
    const dryRun = flag(url, 'dryRun');
    const force = flag(url, 'force');

    if (resource === 'subgraphs' && name === undefined) {
      if (method !== 'GET') return sendError(res, 'METHOD_NOT_ALLOWED');
      return sendJson(res, 200, { subgraphs: await registry.list(), registryVersion: registry.appliedVersion });
    }
    if (resource === 'subgraphs' && name !== undefined && (verb === undefined || (verb === 'check' && parts.length === 4))) {
      if (verb === 'check' && method !== 'POST') return sendError(res, 'METHOD_NOT_ALLOWED');
      switch (verb ? 'CHECK' : method) {
        case 'GET': {
          const view = await registry.get(name);
          return view ? sendJson(res, 200, view) : sendError(res, 'SUBGRAPH_NOT_FOUND', `No subgraph is named "${name}".`);
        }
        case 'PUT':
        case 'CHECK': {
          let raw: unknown;
          try {
            raw = JSON.parse(await readBody(req, maxBodyBytes));
          } catch (error) {
            if (error instanceof TesseraError) throw error;
            return sendError(res, 'BAD_REQUEST', 'The body is not JSON: send {"url": "…", "sdl"?: "…", "force"?: true}.');
          }
          const body = publishBody.safeParse(raw);
          if (!body.success) {
            return sendErrors(res, body.error.issues.map((i) => new TesseraError('INVALID_SUBGRAPH', `${i.path.join('.') || 'body'}: ${i.message}`)));
          }
          const outcome = await registry.publish(
            name,
            { url: body.data.url, ...(body.data.sdl !== undefined ? { sdl: body.data.sdl } : {}), force: body.data.force ?? force },
            { actor, dryRun: verb === 'check' || dryRun },
          );
          return sendJson(res, 200, { ok: true, ...outcome });
        }
        case 'DELETE':
          return sendJson(res, 200, { ok: true, ...(await registry.remove(name, { actor, force, dryRun })) });
        default:
          return sendError(res, 'METHOD_NOT_ALLOWED');
      }
    }
    if (resource === 'registry' && name === 'restore' && parts.length === 3) {
      if (method !== 'POST') return sendError(res, 'METHOD_NOT_ALLOWED');
      return sendJson(res, 200, { ok: true, ...(await registry.restoreStore({ actor, dryRun })) });
    }
    if (resource === 'supergraph.yaml' && parts.length === 2) {
      if (method === 'GET') {
        const yaml = await registry.exportSupergraphConfig();
        res.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8', 'content-length': Buffer.byteLength(yaml) });
        res.end(yaml);
        return;
      }
      if (method === 'PUT') {
        let specs;
        try {
          // No environment expansion on the server: ${env.…} belongs to the CLI's side.
          specs = parseSupergraphConfig(await readBody(req, maxBodyBytes), {});
        } catch (error) {
          if (error instanceof ConfigError) {
            return sendErrors(res, error.problems.map((p) => new TesseraError('INVALID_SUBGRAPH', p)));
          }
          throw error;
        }
        return sendJson(res, 200, { ok: true, ...(await registry.importSet(specs, { actor, force, dryRun })) });
      }
      return sendError(res, 'METHOD_NOT_ALLOWED');
    }
    return sendError(res, 'ROUTE_NOT_FOUND', `No admin route ${method} ${url.pathname}.`);
  };

  return async (req, res, url) => {
    const actor = await authorize(req);
    if (!actor) {
      return sendError(res, 'UNAUTHENTICATED', 'The admin API needs Authorization: Bearer <ADMIN_TOKEN> (or a JWT with the tessera:admin scope).');
    }
    try {
      await route(req, res, url, actor);
    } catch (error) {
      if (error instanceof RegistryRefusal) return sendErrors(res, error.errors, {}, error.changes.length > 0 ? { changes: error.changes } : {});
      if (error instanceof TesseraError) return sendErrors(res, [error]);
      log.error({ err: error }, 'admin request failed');
      return sendError(res, 'INTERNAL_SERVER_ERROR');
    }
  };
}

/**
 * The `/admin/` prefix route, or none: without ADMIN_TOKEN (or without a registry, when serving
 * a pre-composed file) the admin API does not exist and answers 404 like any unknown path.
 */
export function adminPrefixRoutes(options: {
  readonly adminToken: string | undefined;
  readonly registry: RegistryService | undefined;
  readonly maxBodyBytes: number;
  readonly log: Logger;
  /** The JWT hook: a verified token with the `tessera:admin` scope is an admin too. */
  readonly verifyJwt?: AdminAuthOptions['verifyJwt'];
}): Map<string, RouteHandler> {
  const { adminToken, registry, maxBodyBytes, log, verifyJwt } = options;
  if (!adminToken || !registry) return new Map();
  const authorize = createAdminAuth({ token: adminToken, ...(verifyJwt ? { verifyJwt } : {}) });
  return new Map([['/admin/', createAdminRoutes({ registry, authorize, maxBodyBytes, log })]]);
}
