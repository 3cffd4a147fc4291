import type { CachePolicy } from '@apollo/cache-control-types';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { DocumentNode } from 'graphql';
import type { TesseraContext } from '../../graphql/context.js';

/**
 * One call to one subgraph, as the hooks around it see it (hooks.ts lists them in order). Hooks
 * read it and may add to `headers` or set `signal`; the rest is fixed when the call is made.
 */
export interface SubgraphCall {
  readonly subgraph: string;
  readonly request: {
    readonly query: string;
    readonly variables?: Record<string, unknown>;
    readonly operationName?: string;
    readonly extensions?: Record<string, unknown>;
  };
  /** The client request the call serves; absent for the gateway's own calls (a health check). */
  readonly incoming: GatewayGraphQLRequestContext | undefined;
  /** That request's cache policy, which every subgraph answer may only shorten or make private. */
  readonly cachePolicy: CachePolicy | undefined;
  /** Tessera's context of that request (viewer, request id, client headers). */
  readonly context: TesseraContext | undefined;
  /**
   * Whether the call may be repeated: a fetch of a client's query operation. A mutation may have
   * taken effect even when its answer was lost.
   */
  readonly idempotent: boolean;
  /** Request headers, added to by hooks. */
  readonly headers: Record<string, string>;
  /** Ends the current attempt: set for each attempt by the timeout hook. */
  signal?: AbortSignal;
  /** The request as a JSON body, once something has serialized it (`requestBody`): made once per call. */
  body?: string;
}

/** The call's request as the JSON body sent over HTTP, serialized on first use and kept on the call. */
export function requestBody(call: SubgraphCall): string {
  const { query, variables, operationName, extensions } = call.request;
  return (call.body ??= JSON.stringify({ query, variables, operationName, extensions }));
}

/** What a subgraph answered. */
export interface SubgraphAnswer {
  /** The HTTP status; 200 for an in-process subgraph. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed body; undefined when it was not JSON. */
  readonly body: unknown;
  /** The body as it was read, when it came over HTTP: a call that shares the answer parses its own copy. */
  readonly text?: string;
  /** The subgraph query as the in-process subgraph parsed it. */
  readonly document?: DocumentNode;
}

export type SubgraphSend = (call: SubgraphCall) => Promise<SubgraphAnswer>;

/**
 * Runs around a subgraph call: may change the call, call `next` (once, several times, or not at
 * all), and change or replace its answer or error.
 */
export type SubgraphHook = (call: SubgraphCall, next: SubgraphSend) => Promise<SubgraphAnswer>;

/** The hooks, first outermost, around the transport, as one function; built once per subgraph. */
export function chain(hooks: readonly SubgraphHook[], transport: SubgraphSend): SubgraphSend {
  let send = transport;
  for (let i = hooks.length - 1; i >= 0; i--) {
    const hook = hooks[i]!;
    const next = send;
    send = (call) => hook(call, next);
  }
  return send;
}
