import type { ServerResponse } from 'node:http';
import type { TesseraContext } from '../graphql/context.js';
import { OPERATION_LABELS, UNKNOWN_OPERATION, type OperationLabels } from '../graphql/plugins/useMetrics.js';
import { metrics as defaultMetrics, type Metrics } from '../observability/metrics.js';
import type { RouteHandler } from './createHttpServer.js';

const STATUS_CODES: Record<number, string> = { 401: 'UNAUTHENTICATED', 405: 'METHOD_NOT_ALLOWED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED', 500: 'INTERNAL_SERVER_ERROR' };

/** `GET /metrics`: the Prometheus text exposition of Tessera's own registry. */
export function metricsRoute(metrics: Metrics = defaultMetrics): RouteHandler {
  return async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/** Observes one GraphQL HTTP request (for the handler's `onFinish`), labelled by what the metrics plugin learned. */
export function observeGraphQLRequest(metrics: Metrics = defaultMetrics) {
  return (res: ServerResponse, startedAt: number, context: TesseraContext | undefined): void => {
    const labels = (context?.scratch.get(OPERATION_LABELS) as OperationLabels | undefined) ?? UNKNOWN_OPERATION;
    // Refused before Apollo ran (credential, budget, body, media type): the plugin never saw the error.
    if (!context && res.statusCode >= 400) metrics.graphqlErrors.inc({ code: STATUS_CODES[res.statusCode] ?? 'BAD_REQUEST' });
    metrics.httpRequestDuration.observe(
      { operation_type: labels.operationType, operation_name: labels.operationName, status: String(res.statusCode) },
      (performance.now() - startedAt) / 1000,
    );
  };
}
