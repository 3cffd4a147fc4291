import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer.js';

/**
 * The context of one GraphQL request. The gateway passes this same object to every
 * in-process (REST-wrapped) subgraph, so per-request state such as DataLoaders lives here.
 */
export interface TesseraContext {
  readonly requestId: string;
  readonly viewer: Viewer;
  readonly log: Logger;
  /** Client IP, for rules keyed by address. */
  readonly ip: string;
  /** Incoming headers, lower-cased; read through the propagation allowlist only. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Per-request state owned by other modules (loaders, policy results), keyed by a module's own symbol. */
  readonly scratch: Map<symbol, unknown>;
  /** What the answer (and the in-process subgraphs' answers together) may hold, as JSON bytes; absent: no limit. */
  readonly maxResponseBytes?: number;
}
