import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { JWTPayload } from 'jose';
import { scopesOf } from '../../auth/claims.js';

/** What a verified JWT says about its bearer; the hook through which JWT admins get in. */
export interface VerifiedToken {
  readonly sub: string | undefined;
  readonly scopes: ReadonlySet<string>;
}

export const ADMIN_SCOPE = 'tessera:admin';

export interface AdminAuthOptions {
  /** `ADMIN_TOKEN`: the static admin credential. */
  readonly token: string;
  /**
   * Verifies a bearer JWT (signature, expiry, audience). A token carrying the `tessera:admin`
   * scope is an admin. Leave unset while JWT authentication is not configured.
   */
  readonly verifyJwt?: (bearer: string) => Promise<VerifiedToken | undefined>;
}

/** Who is asking, for audit lines: `token:admin` or `jwt:<sub>`; undefined when not an admin. */
export type AuthorizeAdmin = (req: IncomingMessage) => Promise<string | undefined>;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Bearer auth for the admin API. The token is compared as SHA-256 digests with
 * `timingSafeEqual`: equal lengths whatever was sent, and no early exit to time.
 */
export function createAdminAuth({ token, verifyJwt }: AdminAuthOptions): AuthorizeAdmin {
  const expected = digest(token);
  return async (req) => {
    const header = req.headers.authorization;
    if (!header) return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const bearer = match?.[1];
    if (!bearer) return undefined;
    if (timingSafeEqual(digest(bearer), expected)) return 'token:admin';
    if (!verifyJwt || bearer.split('.').length !== 3) return undefined;
    const verified = await verifyJwt(bearer).catch(() => undefined);
    return verified?.scopes.has(ADMIN_SCOPE) ? `jwt:${verified.sub ?? 'unknown'}` : undefined;
  };
}

/** Adapts the gateway's JWT verifier (src/auth) to the admin hook: verified claims → sub + scopes. */
export function adminJwtVerifier(
  verify: ((token: string) => Promise<JWTPayload>) | undefined,
): AdminAuthOptions['verifyJwt'] | undefined {
  if (!verify) return undefined;
  return async (bearer) => {
    const claims = await verify(bearer);
    return { sub: typeof claims.sub === 'string' ? claims.sub : undefined, scopes: scopesOf(claims) };
  };
}
