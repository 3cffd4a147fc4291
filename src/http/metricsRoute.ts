import type { ServerResponse } from 'node:http';
import { UNKNOWN_OPERATION } from '../graphql/plugins/useMetrics.js';
import { metrics as defaultMetrics, type Metrics } from '../observability/metrics.js';
import type { RouteHandler } from './createHttpServer.js';
import type { FinishedRequest } from './graphqlHandler.js';

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
  return (res: ServerResponse, startedAt: number, { labels = UNKNOWN_OPERATION, refused }: FinishedRequest): void => {
    if (refused) metrics.graphqlErrors.inc({ code: refused });
    metrics.httpRequestDuration.observe(
      { operation_type: labels.operationType, operation_name: labels.operationName, status: String(res.statusCode) },
      (performance.now() - startedAt) / 1000,
    );
  };
}
