import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { metrics } from '../../src/observability/metrics.js';
import { parsePrometheus, type Exposition } from '../helpers/prometheus.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('/metrics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_OPERATION_NAMES: 'Ada', BREAKER_VOLUME_THRESHOLD: '2', BATCH_MAX_OPERATIONS: '2' } });
  });
  afterAll(() => stack.close());

  const scrape = async (): Promise<Exposition> => {
    const res = await fetch(stack.metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await res.text());
  };

  it('is served on its own listener, loopback only by default, never on the GraphQL port', async () => {
    expect(new URL(stack.metricsUrl).port).not.toBe(new URL(stack.url).port);
    expect(new URL(stack.metricsUrl).hostname).toBe('127.0.0.1');
    expect(loadConfig({ SUPERGRAPH_FILE: 'x' }).metrics).toEqual({ port: 9090, host: '127.0.0.1' });
    const onGraphQLPort = await fetch(`${stack.url}/metrics`);
    expect(onGraphQLPort.status).toBe(404);
    expect(await onGraphQLPort.text()).not.toContain('tessera_');
    // The metrics listener serves nothing else.
    expect((await fetch(stack.metricsUrl.replace('/metrics', '/graphql'))).status).toBe(404);
    expect(() => loadConfig({ SUPERGRAPH_FILE: 'x', PORT: '4000', METRICS_PORT: '4000' })).toThrow(/METRICS_PORT=4000: must differ from PORT/);
  });

  it('parses as Prometheus text with every family declared', async () => {
    const m = await scrape();
    const families: [string, string][] = [
      ['tessera_http_request_duration_seconds', 'histogram'],
      ['tessera_graphql_errors_total', 'counter'],
      ['tessera_subgraph_fetch_duration_seconds', 'histogram'],
      ['tessera_subgraph_errors_total', 'counter'],
      ['tessera_breaker_state', 'gauge'],
      ['tessera_cache_requests_total', 'counter'],
      ['tessera_rate_limit_rejections_total', 'counter'],
      ['tessera_supergraph_info', 'gauge'],
      ['tessera_supergraph_updates_total', 'counter'],
      ['tessera_process_cpu_user_seconds_total', 'counter'],
      ['tessera_nodejs_heap_size_used_bytes', 'gauge'],
    ];
    for (const [name, type] of families) {
      expect(m.types.get(name), name).toBe(type);
    }
    expect(m.value('tessera_supergraph_info', { composition_id: stack.app.manager.state!.id })).toBe(1);
    expect(m.samples.filter((s) => s.name === 'tessera_supergraph_info')).toHaveLength(1);
    expect(m.value('tessera_supergraph_updates_total')).toBeGreaterThanOrEqual(1);
  });

  it('the request histogram moves by operation type, allowlisted name and status', async () => {
    const before = await scrape();
    const labels = { operation_type: 'query', operation_name: 'Ada', status: '200' };
    await stack.query('query Ada { user(id: "1") { name } }');
    await stack.query('query Ada { user(id: "1") { name } }');
    await stack.query('query Secret { user(id: "2") { name } }');
    await stack.query('mutation { createOrder(input: { userId: "1", items: [{ sku: "SKU-0001", quantity: 1 }] }) { id } }');
    const after = await scrape();
    expect(after.value('tessera_http_request_duration_seconds_count', labels) - before.value('tessera_http_request_duration_seconds_count', labels)).toBe(2);
    // A name not on the allowlist never becomes a label value.
    expect(after.samples.some((s) => s.labels.operation_name === 'Secret')).toBe(false);
    const other = { operation_type: 'query', operation_name: 'other', status: '200' };
    expect(after.value('tessera_http_request_duration_seconds_count', other) - before.value('tessera_http_request_duration_seconds_count', other)).toBe(1);
    const mutation = { operation_type: 'mutation', operation_name: 'anonymous' };
    expect(after.value('tessera_http_request_duration_seconds_count', mutation) - before.value('tessera_http_request_duration_seconds_count', mutation)).toBe(1);
  });

  it('counts errors by code, including requests refused before Apollo', async () => {
    const before = await scrape();
    await stack.query('{ user(id: "1") { nope } }');
    await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
    // Also a 400, refused by the handler with a code of its own: counted under that code, not the status's.
    const batch = JSON.stringify([1, 2, 3].map(() => ({ query: '{ __typename }' })));
    await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch });
    const after = await scrape();
    const delta = (code: string) => after.value('tessera_graphql_errors_total', { code }) - before.value('tessera_graphql_errors_total', { code });
    expect(delta('GRAPHQL_VALIDATION_FAILED')).toBe(1);
    expect(delta('BAD_REQUEST')).toBe(1);
    expect(delta('OPERATION_LIMIT_EXCEEDED')).toBe(1);
    const status400 = (m: Exposition) => m.value('tessera_http_request_duration_seconds_count', { operation_type: 'unknown', status: '400' });
    expect(status400(after) - status400(before)).toBe(2);
  });

  it('subgraph fetch durations, errors and breaker state move per subgraph', async () => {
    const before = await scrape();
    await stack.query('{ product(sku: "SKU-0002") { reviews { rating } } }');
    stack.mocks.reviews.setFaults({ status: 500 });
    try {
      for (let i = 0; i < 3; i++) await stack.query('{ product(sku: "SKU-0002") { reviews { rating } } }');
    } finally {
      stack.mocks.reviews.clearFaults();
    }
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('tessera_subgraph_fetch_duration_seconds_count', { subgraph: 'reviews', outcome: 'ok' })).toBe(1);
    expect(delta('tessera_subgraph_errors_total', { subgraph: 'reviews', reason: 'http_5xx' })).toBe(2);
    expect(delta('tessera_subgraph_errors_total', { subgraph: 'reviews', reason: 'breaker_open' })).toBe(1);
    expect(after.value('tessera_breaker_state', { subgraph: 'reviews' })).toBe(2);
    expect(after.value('tessera_breaker_state', { subgraph: 'inventory' })).toBe(0);
  });

  it('exposes the cache and rate-limit counters other modules increment', async () => {
    metrics.cacheRequests.inc({ cache: 'response', result: 'hit' });
    metrics.rateLimitRejections.inc({ rule: 'per-client', client: 'web' });
    const m = await scrape();
    expect(m.value('tessera_cache_requests_total', { cache: 'response', result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(m.value('tessera_rate_limit_rejections_total', { rule: 'per-client', client: 'web' })).toBeGreaterThanOrEqual(1);
  });

  it('counts supergraph updates and shows only the current composition id', async () => {
    const before = await scrape();
    const previous = stack.app.manager.state!;
    const next = await stack.app.manager.apply(`${previous.supergraphSdl}\n# a comment changes the composition id\n`);
    expect(next.id).not.toBe(previous.id);
    const after = await scrape();
    expect(after.value('tessera_supergraph_updates_total') - before.value('tessera_supergraph_updates_total')).toBe(1);
    expect(after.samples.filter((s) => s.name === 'tessera_supergraph_info')).toEqual([
      { name: 'tessera_supergraph_info', labels: { composition_id: next.id }, value: 1 },
    ]);
  });
});
