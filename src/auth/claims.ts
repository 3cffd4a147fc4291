import type { JWTPayload } from 'jose';
import { userViewer, type Viewer } from './viewer.js';

/** Scopes from `scope` (space-separated, RFC 8693) or `scopes` (an array); both are merged. */
export function scopesOf(claims: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  if (typeof claims.scope === 'string') for (const s of claims.scope.split(/\s+/)) if (s) scopes.add(s);
  if (Array.isArray(claims.scopes)) for (const s of claims.scopes) if (typeof s === 'string' && s) scopes.add(s);
  return scopes;
}

/** Maps verified claims to the viewer. The client name comes from `client_id` or `azp` (never a request header). */
export function viewerFromClaims(claims: JWTPayload): Viewer {
  const client = typeof claims.client_id === 'string' ? claims.client_id : typeof claims.azp === 'string' ? claims.azp : undefined;
  return userViewer(typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined, { scopes: scopesOf(claims), client });
}
