import type { ServerResponse } from 'node:http';
import type { TesseraContext } from '../graphql/context.js';
import { UNKNOWN_OPERATION } from '../graphql/plugins/useMetrics.js';
import { metrics as defaultMetrics, type Metrics } from '../observability/metrics.js';
import type { RouteHandler } from './createHttpServer.js';
import { refusalCodeOf } from './respond.js';

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
    const labels = context?.exchange.operationLabels ?? UNKNOWN_OPERATION;
    // Refused before Apollo ran (credential, budget, body, media type): the plugin never saw the error.
    const refused = refusalCodeOf(res);
    if (refused) metrics.graphqlErrors.inc({ code: refused });
    metrics.httpRequestDuration.observe(
      { operation_type: labels.operationType, operation_name: labels.operationName, status: String(res.statusCode) },
      (performance.now() - startedAt) / 1000,
    );
  };
}
