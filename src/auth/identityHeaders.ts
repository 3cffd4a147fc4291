import { ANONYMOUS, apiKeyViewer, userViewer, type Viewer } from './viewer.js';

/** Headers only the gateway may set on subgraph requests; never copied from a client. */
export const isIdentityHeader = (name: string): boolean => name.startsWith('x-user-');

/**
 * The viewer as subgraphs see it. Subgraphs trust these because the gateway is their only
 * caller and never forwards a client's own `x-user-*` headers. Each credential kind has its own
 * header, so a subgraph that compares `x-user-id` with its user ids never matches an API key:
 * a token sends `x-user-id` (its `sub`), an API key `x-user-api-key` (its id), and both send
 * `x-user-kind`, `x-user-scopes` and, when the credential names one, `x-user-client`. The
 * anonymous viewer sends none.
 */
export function identityHeaders(viewer: Viewer, into: Record<string, string>): void {
  if (viewer.kind === undefined) return;
  into['x-user-kind'] = viewer.kind;
  if (viewer.sub !== undefined) into['x-user-id'] = viewer.sub;
  if (viewer.apiKey !== undefined) into['x-user-api-key'] = viewer.apiKey;
  into['x-user-scopes'] = [...viewer.scopes].join(' ');
  if (viewer.client !== undefined) into['x-user-client'] = viewer.client;
}

/** The viewer a subgraph behind the gateway reads back from the identity headers (the inverse of `identityHeaders`). */
export function viewerFromIdentityHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Viewer {
  const one = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const credential = { scopes: (one('x-user-scopes') ?? '').split(' ').filter(Boolean), client: one('x-user-client') };
  const kind = one('x-user-kind');
  if (kind === 'user') return userViewer(one('x-user-id'), credential);
  const apiKey = one('x-user-api-key');
  if (kind === 'apikey' && apiKey !== undefined) return apiKeyViewer(apiKey, credential);
  return ANONYMOUS;
}
