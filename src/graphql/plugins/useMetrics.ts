import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ERROR_CODES } from '../../errors/codes.js';
import { metrics as defaultMetrics, type Metrics } from '../../observability/metrics.js';
import type { TesseraContext } from '../context.js';

/** What the HTTP layer labels a request with, written here once the operation is known. */
export interface OperationLabels {
  readonly operationType: string;
  readonly operationName: string;
}

export const UNKNOWN_OPERATION: OperationLabels = { operationType: 'unknown', operationName: 'none' };

/** Codes that may be label values; anything else (a subgraph's own code) is counted as OTHER. */
const KNOWN_CODES = new Set<string>([...Object.keys(ERROR_CODES), ...Object.values(ApolloServerErrorCode)]);

export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'OTHER';
}

export interface MetricsPluginOptions {
  /** Operation names allowed as label values; others become "other", so label values stay bounded. */
  readonly operationNames: readonly string[];
  readonly metrics?: Metrics;
}

/**
 * Labels each request with its operation type and (allowlisted) name for the HTTP duration
 * histogram, and counts the errors of every response by code.
 */
export function useMetrics(options: MetricsPluginOptions): ApolloServerPlugin<TesseraContext> {
  const metrics = options.metrics ?? defaultMetrics;
  const allowed = new Set(options.operationNames);
  const labelsCache = new Map<string, OperationLabels>();
  const labelsFor = (type: string, name: string | null): OperationLabels => {
    const operationName = name && allowed.has(name) ? name : name ? 'other' : 'anonymous';
    const key = `${type} ${operationName}`;
    let labels = labelsCache.get(key);
    if (!labels) labelsCache.set(key, (labels = { operationType: type, operationName }));
    return labels;
  };
  // The hooks keep no per-request state, so one listener object serves every request.
  const listener: GraphQLRequestListener<TesseraContext> = {
    async didResolveOperation({ operation, operationName, contextValue }) {
      if (operation) contextValue.exchange.operationLabels = labelsFor(operation.operation, operationName);
    },
    async willSendResponse({ response }) {
      if (response.body.kind !== 'single') return;
      for (const error of response.body.singleResult.errors ?? []) {
        metrics.graphqlErrors.inc({ code: errorCodeLabel(error.extensions?.code) });
      }
    },
  };
  return { requestDidStart: async () => listener };
}
