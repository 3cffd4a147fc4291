import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer.js';

/**
 * What an in-process subgraph's resolvers read from the request: who is asking, the request id
 * (forwarded to the REST services) and the request's log. The gateway hands them its own request
 * context, which has all of this and more; the subgraphs see only this much, so none of them comes
 * to depend on the HTTP edge.
 */
export interface SubgraphContext {
  readonly requestId: string;
  readonly viewer: Viewer;
  readonly log: Logger;
}
