import '../../src/gateway/noTelemetry.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import demoApp from '../../tessera.config.js';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { injectTraceHeaders, startTracing, traceLogMixin, tracingEnabled, type Tracing } from '../../src/observability/tracing.js';
import { mockEnv, postGraphQL } from '../helpers/stack.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('tracing over OTLP/HTTP', () => {
  let receiver: Server;
  const exports: { path: string; body: string }[] = [];
  const logLines: Record<string, unknown>[] = [];
  let tracing: Tracing | undefined;
  let mocks: MockSet;
  let app: App;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        exports.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    expect(tracingEnabled()).toBe(false);
    tracing = await startTracing(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}`);
    expect(tracingEnabled()).toBe(true);

    const sink = new PassThrough();
    sink.on('data', (line: Buffer) => {
      for (const text of line.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(text));
    });
    mocks = await startAllMocks();
    const env = { PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...mockEnv(mocks) };
    app = createApp(loadConfig(env), { app: demoApp, env, log: createLogger('info', sink, traceLogMixin) });
    await app.start();
  });

  afterAll(async () => {
    await app?.stop();
    await mocks?.close();
    await tracing?.shutdown();
    await new Promise((r) => receiver.close(r));
  });

  it('continues the caller trace, sends traceparent to subgraphs, exports spans and stamps log lines', async () => {
    const { body } = await postGraphQL(app.url, '{ product(sku: "SKU-0002") { title reviews { rating } } }', undefined, {
      traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
      'x-request-id': 'traced-1',
    });
    expect(body.errors).toBeUndefined();

    const sent = mocks.reviews.stats().lastHeaders['traceparent'];
    expect(sent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    // The subgraph call is a child span, not the caller's span.
    expect(sent).not.toContain('00f067aa0ba902b7');

    // A failed fetch: its span records the error, as Apollo Gateway's does.
    mocks.reviews.setFaults({ status: 503 });
    const failed = await postGraphQL(app.url, '{ product(sku: "SKU-0003") { title reviews { rating } } }');
    mocks.reviews.clearFaults();
    expect(failed.body.errors?.[0]?.message).toContain('answered HTTP 503');

    await tracing!.shutdown();
    tracing = undefined;
    const traces = exports.filter((e) => e.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    const all = traces.map((t) => t.body).join('\n');
    expect(all).toContain(TRACE_ID);
    expect(all).toContain('POST /graphql');
    // The gateway's own spans (plan, fetch) join the same trace.
    expect(all).toMatch(/gateway\.(request|plan|fetch)/);
    expect(all).toMatch(/"name":"exception".*answered HTTP 503/s);

    const requestLine = logLines.find((l) => l['reqId'] === 'traced-1' && l['msg'] === 'request');
    expect(requestLine?.['trace_id']).toBe(TRACE_ID);
  });
});

describe('tracing off', () => {
  it('starts nothing and adds nothing without an endpoint', async () => {
    expect(await startTracing(undefined)).toBeUndefined();
    expect(tracingEnabled()).toBe(false);
    const headers: Record<string, string> = { 'x-request-id': 'r' };
    injectTraceHeaders(headers);
    expect(headers).toEqual({ 'x-request-id': 'r' });
    expect(traceLogMixin()).toEqual({});
  });
});
