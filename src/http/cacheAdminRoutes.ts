import type { Logger } from 'pino';
import { z } from 'zod';
import type { ResponseStore } from '../cache/responseStore.js';
import { operationTag } from '../cache/responseTags.js';
import { TesseraError } from '../errors/codes.js';
import { createAdminAuth, type AdminAuthOptions } from './admin/adminAuth.js';
import type { RouteHandler } from './createHttpServer.js';
import { readLimited } from '../io/readLimited.js';
import { sendErrors, sendJson } from './respond.js';

export interface CachePurgeRouteOptions {
  readonly adminToken: string | undefined;
  readonly store: ResponseStore;
  readonly log: Logger;
  readonly verifyJwt?: AdminAuthOptions['verifyJwt'];
}

const purgeBody = z
  .object({
    operationName: z.string().min(1).optional(),
    tags: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((b) => !(b.operationName && b.tags), 'give operationName or tags, not both');

const MAX_BODY_BYTES = 64 * 1024;

const sendError = (res: Parameters<RouteHandler>[1], error: TesseraError, headers?: Record<string, string>) => sendErrors(res, [error], headers);

/**
 * `POST /admin/cache/purge` drops response cache entries: all of them (empty body or `{}`), those of
 * one operation (`{"operationName":"GetProduct"}`), or those holding tagged data
 * (`{"tags":["Product:SKU-0001"]}`). Admins only (ADMIN_TOKEN); absent without ADMIN_TOKEN.
 */
export function cachePurgeRoute({ adminToken, store, log, verifyJwt }: CachePurgeRouteOptions): RouteHandler | undefined {
  if (!adminToken) return undefined;
  const authorize = createAdminAuth({ token: adminToken, ...(verifyJwt ? { verifyJwt } : {}) });
  return async (req, res) => {
    const actor = await authorize(req);
    if (!actor) return sendError(res, new TesseraError('UNAUTHENTICATED', 'The admin API needs Authorization: Bearer <ADMIN_TOKEN>.'));
    if (req.method !== 'POST') return sendError(res, new TesseraError('METHOD_NOT_ALLOWED'), { allow: 'POST' });
    let body: z.infer<typeof purgeBody>;
    try {
      const text = (await readLimited(req, MAX_BODY_BYTES)).toString('utf8').trim();
      const parsed = purgeBody.safeParse(text === '' ? {} : JSON.parse(text));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
      body = parsed.data;
    } catch (error) {
      return sendError(res, new TesseraError('BAD_REQUEST', `Expected {} or {"operationName"} or {"tags"}: ${(error as Error).message}`));
    }
    const tags = body.tags ?? (body.operationName ? [operationTag(body.operationName)] : undefined);
    if (tags === undefined) {
      const ok = await store.purgeAll();
      log.info({ actor, scope: 'all', ok }, 'response cache purged');
      return ok ? sendJson(res, 200, { purged: 'all' }) : sendError(res, new TesseraError('CACHE_UNAVAILABLE'));
    }
    const purged = await store.purgeTags(tags);
    log.info({ actor, tags, purged }, 'response cache purged');
    if (purged === undefined) return sendError(res, new TesseraError('CACHE_UNAVAILABLE'));
    return sendJson(res, 200, { purged, tags });
  };
}
