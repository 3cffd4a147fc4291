import type { Viewer } from './viewer.js';

/** Headers only the gateway may set on subgraph requests; never copied from a client. */
export const isIdentityHeader = (name: string): boolean => name.startsWith('x-user-');

/**
 * The viewer as subgraphs see it. Subgraphs trust these because the gateway is their only
 * caller and never forwards a client's own `x-user-*` headers. The anonymous viewer sends none.
 */
export function identityHeaders(viewer: Viewer, into: Record<string, string>): void {
  if (!viewer.authenticated) return;
  if (viewer.sub !== undefined) into['x-user-id'] = viewer.sub;
  into['x-user-scopes'] = [...viewer.scopes].join(' ');
  if (viewer.client !== undefined) into['x-user-client'] = viewer.client;
}
