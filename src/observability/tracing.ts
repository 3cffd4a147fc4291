import { context, propagation, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';

/**
 * OpenTelemetry, off unless an OTLP endpoint is configured. When off, the SDK is never imported
 * and every helper here returns at its first line. `@opentelemetry/api` itself is loaded anyway
 * (the gateway uses it); without a registered SDK its calls are no-ops.
 */
let enabled = false;

export interface Tracing {
  /** Flushes and stops the exporter. */
  shutdown(): Promise<void>;
}

export function tracingEnabled(): boolean {
  return enabled;
}

/** Starts the OpenTelemetry SDK exporting spans over OTLP/HTTP to `endpoint` (…/v1/traces is appended). */
export async function startTracing(endpoint: string | undefined, serviceName = 'tessera'): Promise<Tracing | undefined> {
  if (!endpoint) return undefined;
  const [{ NodeSDK }, { OTLPTraceExporter }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME, when set, wins (the SDK reads it).
    ...(process.env['OTEL_SERVICE_NAME'] ? {} : { serviceName }),
    traceExporter: new OTLPTraceExporter({ url }),
    instrumentations: [],
  });
  sdk.start();
  enabled = true;
  return {
    async shutdown() {
      enabled = false;
      await sdk.shutdown();
    },
  };
}

/** Adds `traceparent` (and `tracestate`) of the active span to outgoing subgraph headers. */
export function injectTraceHeaders(headers: Record<string, string>): void {
  if (!enabled) return;
  propagation.inject(context.active(), headers);
}

/** A pino mixin: the active span's trace id on every log line written inside it. */
export function traceLogMixin(): Record<string, string> {
  if (!enabled) return {};
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

const tracer = () => trace.getTracer('tessera');

/**
 * Runs an HTTP request inside a server span continuing the caller's `traceparent`, so the
 * gateway's plan and fetch spans, the subgraph calls and the log lines share one trace.
 */
export function withServerSpan<T>(req: IncomingMessage, name: string, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!enabled) return fn(undefined);
  const parent = propagation.extract(context.active(), req.headers);
  return tracer().startActiveSpan(name, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET' } }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
