import type { CacheHint } from '@apollo/cache-control-types';
import type { DocumentNode } from 'graphql';
import type { Dispatcher } from 'undici';
import type { TesseraContext } from '../../graphql/context.js';
import type { Metrics } from '../../observability/metrics.js';
import type { SubgraphBreaker } from '../circuitBreaker.js';
import { createFetchBudget } from '../fetchBudget.js';
import type { PlanHook } from '../tesseraGateway.js';
import { chain, type SubgraphHook, type SubgraphSend } from './call.js';
import { httpTransport } from './httpTransport.js';
import type { InProcessTransport } from './inProcessTransport.js';
import { useBreaker } from './useBreaker.js';
import { useFailureErrors } from './useFailureErrors.js';
import { useGraphQLAnswer } from './useGraphQLAnswer.js';
import { useHeaders } from './useHeaders.js';
import { useHttpCacheHints } from './useHttpCacheHints.js';
import { useInflightDedup } from './useInflightDedup.js';
import { useMetrics } from './useMetrics.js';
import { useRetry, type RetryOptions } from './useRetry.js';
import { useSchemaCacheHints } from './useSchemaCacheHints.js';
import { useTimeout } from './useTimeout.js';
import { useTraceContext } from './useTraceContext.js';

/**
 * What happens to a planned operation before any fetch, and around each subgraph call, in order.
 * A subgraph-call hook wraps the ones after it, so it sees the answer (or failure) of everything
 * below it. This file is the one place the order is decided; docs/architecture.md draws it.
 */

export interface PlanHookOptions {
  /** Plans needing more subgraph fetches are refused; absent = no budget. */
  readonly maxSubgraphFetches?: number;
  readonly onFetchBudgetRefused?: () => void;
}

/** Run on each query plan, in order, before its first fetch; throwing refuses the operation (400). */
export function planHooks(o: PlanHookOptions): PlanHook[] {
  return present([
    o.maxSubgraphFetches !== undefined && createFetchBudget(o.maxSubgraphFetches, o.onFetchBudgetRefused), // at most N subgraph fetches
  ]);
}

export interface RemoteSubgraphOptions {
  readonly name: string;
  readonly url: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  /** Headers for this subgraph request, decided by the gateway (identity, propagation). */
  readonly headersFor: (context: TesseraContext | undefined) => Record<string, string>;
  /** The request headers the response cache keys on (lower-cased): the subgraph may `Vary` on these. */
  readonly cacheKeyHeaders: ReadonlySet<string>;
  readonly metrics: Metrics;
  /** Fails fast while the subgraph is down; absent = every attempt is made. */
  readonly breaker?: SubgraphBreaker;
  /** Retries of idempotent calls; absent = none. */
  readonly retry?: RetryOptions;
  /** The largest answer read; absent = no cap. */
  readonly maxResponseBytes?: number;
  /** Identical query calls in flight at once share one call. */
  readonly deduplicate?: boolean;
}

/** A subgraph served over HTTP. */
export function remoteSubgraphCall(o: RemoteSubgraphOptions): SubgraphSend {
  const hooks = present<SubgraphHook>([
    // Once per call, on the way out:
    useHttpCacheHints(o.cacheKeyHeaders), // the answer's Cache-Control and Vary limit the response cache
    useGraphQLAnswer(), // an answer that is not a GraphQL response fails the call
    useFailureErrors(o.timeoutMs), // failures below become SUBGRAPH_TIMEOUT / SUBGRAPH_UNAVAILABLE
    useHeaders(o.headersFor), // request id, propagated client headers, the viewer's identity
    o.deduplicate && useInflightDedup(o.metrics), // identical query calls in flight at once are sent once
    useTraceContext(), // traceparent
    o.retry && useRetry(o.retry, o.metrics), // idempotent calls again after a connection error or 502/503/504
    // Once per attempt:
    useMetrics(o.metrics), // duration and failures by reason
    o.breaker && useBreaker(o.breaker), // refused at once while the subgraph is failing
    useTimeout(o.timeoutMs), // the attempt's deadline, the answer's body included
  ]);
  return chain(hooks, httpTransport({ name: o.name, url: o.url, dispatcher: o.dispatcher, maxResponseBytes: o.maxResponseBytes }));
}

/** A subgraph run in the gateway's process (a REST-wrapped subgraph). */
export function inProcessSubgraphCall(transport: InProcessTransport, hintOf?: (document: DocumentNode) => CacheHint): SubgraphSend {
  const hooks = present<SubgraphHook>([
    hintOf && useSchemaCacheHints(hintOf), // the subgraph's @cacheControl limits the response cache
  ]);
  return chain(hooks, transport.send);
}

/** The hooks a subgraph's configuration turns on, in their order. */
const present = <T>(hooks: readonly (T | false | undefined)[]): T[] => hooks.filter((hook): hook is T => !!hook);
