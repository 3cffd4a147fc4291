import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Dispatcher } from 'undici';
import { setTimeout as sleep } from 'node:timers/promises';
import { TesseraError } from '../errors/codes.js';
import { readAnswerText } from '../io/readLimited.js';
import type { TesseraContext } from '../graphql/context.js';
import { metrics as defaultMetrics, type Metrics } from '../observability/metrics.js';
import { injectTraceHeaders } from '../observability/tracing.js';
import { cacheHintFromHeaders } from './cacheControl.js';
import { BreakerOpenError, SubgraphFailure, type SubgraphBreaker } from './circuitBreaker.js';
import { backoffMs, isRetryableCode, isRetryableStatus, type RetryBudget } from './retry.js';
import { INCOMING_OPERATION } from './incomingOperationKind.js';

export interface RemoteDataSourceOptions {
  readonly name: string;
  readonly url: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  /** Headers for this subgraph request, decided by the gateway (identity, propagation, tracing). */
  readonly headersFor: (context: TesseraContext | undefined) => Record<string, string>;
  /** The request headers the response cache keys on (lower-cased): the subgraph may `Vary` on these. */
  readonly cacheKeyHeaders?: ReadonlySet<string>;
  /** Fails fast while the subgraph is down; absent = every fetch is attempted. */
  readonly breaker?: SubgraphBreaker;
  /** Retries of query fetches on connection errors and 502/503/504; absent = no retries. */
  readonly retry?: { readonly maxAttempts: number; readonly baseMs: number; readonly budget: RetryBudget };
  readonly metrics?: Metrics;
  /** The largest answer read, counted as it arrives; a larger one is dropped with RESPONSE_TOO_LARGE. Absent: no cap. */
  readonly maxResponseBytes?: number;
}

const NO_HEADERS: ReadonlySet<string> = new Set();

interface RawResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/**
 * Sends subgraph fetches over a shared undici keep-alive pool. Apollo's default client
 * (make-fetch-happen) costs more CPU than the rest of a fetch together; this one does only
 * what a subgraph fetch needs.
 */
export class RemoteDataSource implements GraphQLDataSource<TesseraContext> {
  readonly #origin: string;
  readonly #path: string;

  constructor(private readonly options: RemoteDataSourceOptions) {
    const parsed = new URL(options.url);
    this.#origin = parsed.origin;
    this.#path = `${parsed.pathname}${parsed.search}`;
  }

  get name(): string {
    return this.options.name;
  }

  async process(options: GraphQLDataSourceProcessOptions<TesseraContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const context = options.kind === INCOMING_OPERATION ? (options.context as TesseraContext) : undefined;
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
      extensions: request.extensions,
    });
    const headers: Record<string, string> = {
      ...this.options.headersFor(context),
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    };
    injectTraceHeaders(headers);
    // Only reads are repeated: a mutation may have taken effect even when its answer was lost.
    // (A query operation's plan fetches queries only.)
    const idempotent = options.kind === INCOMING_OPERATION && options.incomingRequestContext.operation?.operation === 'query';
    const { statusCode, headers: responseHeaders, text } = await this.#fetch(headers, body, idempotent);
    let parsed: GatewayGraphQLResponse | undefined;
    try {
      parsed = JSON.parse(text) as GatewayGraphQLResponse;
    } catch {
      parsed = undefined;
    }
    const isGraphQLBody = parsed !== undefined && typeof parsed === 'object' && parsed !== null && ('data' in parsed || 'errors' in parsed);
    if (!isGraphQLBody) {
      throw this.#error('SUBGRAPH_UNAVAILABLE', statusCode >= 300 ? `answered HTTP ${statusCode}` : 'answered with a body that is not a GraphQL response', {
        status: statusCode,
      });
    }
    if (options.kind === INCOMING_OPERATION) {
      const policy = options.incomingRequestContext.overallCachePolicy;
      if (policy && 'restrict' in policy) {
        policy.restrict(cacheHintFromHeaders(responseHeaders['cache-control'], responseHeaders['vary'], this.options.cacheKeyHeaders ?? NO_HEADERS));
      }
    }
    return parsed!;
  }

  /** Attempts through the breaker, retrying what is safe to retry within the budget. */
  async #fetch(headers: Record<string, string>, body: string, idempotent: boolean): Promise<RawResponse> {
    const { breaker, retry, name } = this.options;
    const metrics = this.#metrics;
    retry?.budget.recordRequest();
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const response = breaker ? await breaker.fire(() => this.#send(headers, body)) : await this.#send(headers, body);
        metrics.subgraphFetchDuration.observe({ subgraph: name, outcome: 'ok' }, (performance.now() - started) / 1000);
        return response;
      } catch (error) {
        if (error instanceof BreakerOpenError) {
          metrics.subgraphErrors.inc({ subgraph: name, reason: 'breaker_open' });
          throw this.#error('SUBGRAPH_UNAVAILABLE', 'is failing; its circuit breaker is open', { breaker: 'open' });
        }
        if (!(error instanceof SubgraphFailure)) throw error;
        metrics.subgraphFetchDuration.observe({ subgraph: name, outcome: error.reason }, (performance.now() - started) / 1000);
        metrics.subgraphErrors.inc({ subgraph: name, reason: error.reason });
        const worthRetrying = error.status !== undefined ? isRetryableStatus(error.status) : isRetryableCode(error.code);
        if (idempotent && retry && worthRetrying && attempt < retry.maxAttempts && retry.budget.tryRetry()) {
          metrics.subgraphRetries.inc({ subgraph: name });
          await sleep(backoffMs(attempt + 1, retry.baseMs));
          continue;
        }
        // A 5xx may still carry a GraphQL body worth passing on.
        if (error.response) return error.response;
        if (error.reason === 'timeout') throw this.#error('SUBGRAPH_TIMEOUT', error.detail, { timeoutMs: this.options.timeoutMs });
        throw this.#error('SUBGRAPH_UNAVAILABLE', error.detail);
      }
    }
  }

  get #metrics(): Metrics {
    return this.options.metrics ?? defaultMetrics;
  }

  /** One attempt; transport failures, timeouts and 5xx reject with a `SubgraphFailure` (they count against the breaker). */
  async #send(headers: Record<string, string>, body: string): Promise<RawResponse> {
    const { timeoutMs, dispatcher } = this.options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: RawResponse;
    try {
      const answer = await dispatcher.request({
        origin: this.#origin,
        path: this.#path,
        method: 'POST',
        headers,
        body,
        signal: controller.signal,
      });
      response = { statusCode: answer.statusCode, headers: answer.headers, text: await this.#readBody(answer) };
    } catch (error) {
      // The query's fault, not the subgraph's: passed on as it is, and never counted by the breaker.
      if (error instanceof TesseraError) throw error.toGraphQLError();
      if (controller.signal.aborted) throw new SubgraphFailure('timeout', `did not answer within ${timeoutMs} ms`);
      const e = error as Error & { code?: string };
      throw new SubgraphFailure('refused', `could not be reached (${e.code ?? e.message})`, e.code);
    } finally {
      clearTimeout(timer);
    }
    if (response.statusCode >= 500) {
      throw new SubgraphFailure('http_5xx', `answered HTTP ${response.statusCode}`, undefined, response.statusCode, response);
    }
    return response;
  }

  /** The body as text, read no further than `maxResponseBytes`: a runaway answer never fills the heap. */
  #readBody(answer: Dispatcher.ResponseData): Promise<string> {
    const max = this.options.maxResponseBytes;
    return readAnswerText(answer, max, () => {
      this.#metrics.subgraphErrors.inc({ subgraph: this.options.name, reason: 'too_large' });
      return new TesseraError('RESPONSE_TOO_LARGE', `Subgraph "${this.options.name}" answered with more than ${max} bytes; its part of the data is missing.`, {
        serviceName: this.options.name,
        limit: 'subgraphResponseBytes',
        maxBytes: max,
      });
    });
  }

  #error(code: 'SUBGRAPH_UNAVAILABLE' | 'SUBGRAPH_TIMEOUT', reason: string, extensions: Record<string, unknown> = {}) {
    return new TesseraError(code, `Subgraph "${this.options.name}" ${reason}.`, {
      serviceName: this.options.name,
      ...extensions,
    }).toGraphQLError();
  }
}
