/** `@link`s of the authorization specs, marked `for: SECURITY` by composition. */
const SECURITY_LINK = /(@link\(\s*url:\s*"https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[0-9.]+"[^)]*?),?\s*for:\s*SECURITY/g;

/**
 * `for: SECURITY` tells a gateway to refuse a supergraph whose security features it does not
 * enforce, and @apollo/gateway enforces neither `@authenticated` nor `@requiresScopes`. Tessera
 * does, at the edge (`usePolicy` turns them into rules), so the purpose is dropped from those two
 * links before the gateway reads the graph; the directives themselves stay in the SDL.
 */
export function markEnforcedAtEdge(supergraphSdl: string): string {
  return supergraphSdl.replace(SECURITY_LINK, '$1');
}
