import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer.js';
import type { StoredDataSlot } from '../cache/spliceStoredData.js';
import type { FieldLimitScope } from '../ratelimit/rule.js';
import type { OperationLabels } from './plugins/useMetrics.js';

/**
 * What the HTTP handler and the plugins tell each other about one HTTP request. Apollo Server runs
 * each operation on a shallow copy of the context (a single one too, and every operation of a
 * batch), so what a plugin learns reaches the handler through this object, shared by reference.
 * Each field has one writer.
 */
export interface HttpExchange {
  /** Written by `useMetrics` once the operation is known; read by the request metrics as the answer goes out. */
  operationLabels?: OperationLabels;
  /** Put here by the handler for a single operation; `useAnswer` leaves a cache hit's stored data in it. */
  storedData?: StoredDataSlot;
}

/**
 * The context of one GraphQL request. Per-operation state that one module keeps for itself (the
 * in-process subgraphs' DataLoaders, the answer's size, a rule's batched spends) is not here: that
 * module keys it by the context object it is handed.
 */
export interface TesseraContext {
  readonly requestId: string;
  readonly viewer: Viewer;
  readonly log: Logger;
  /** Client IP, for rules keyed by address. */
  readonly ip: string;
  /** Incoming headers, lower-cased; read through the propagation allowlist only. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Between the HTTP handler and the plugins. */
  readonly exchange: HttpExchange;
  /** The limiter the `rateLimit` rules spend from (Redis across replicas, memory otherwise). */
  readonly fieldLimits?: FieldLimitScope;
  /** What the answer (and the in-process subgraphs' answers together) may hold, as JSON bytes; absent: no limit. */
  readonly maxResponseBytes?: number;
}
