import type { IncomingHttpHeaders } from 'node:http';

/** Failures a test can switch on. Each `PUT /__faults` or `setFaults` replaces the whole set. */
export interface Faults {
  /** Extra delay before every answer, on top of the start option `latencyMs`. */
  latencyMs?: number;
  /** Answer every request with this status code. */
  status?: number;
  /** Answer with a body that is not JSON (status 200 unless `status` is set too). */
  invalidBody?: boolean;
  /** Destroy every new connection at once (and drop the open ones). */
  refuse?: boolean;
}

export interface StatsSnapshot {
  /** Requests counted, control endpoints excluded. */
  total: number;
  /** Per route pattern (`"GET /users/:id"`) and, for GraphQL services, per root field (`"_entities"`). */
  routes: Record<string, number>;
  /** Headers of the most recent counted request, lower-cased names. */
  lastHeaders: Record<string, string>;
}

export interface MockService {
  readonly name: string;
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stop for good: listener, open sockets and pending delays. Safe to call twice. */
  close(): Promise<void>;
  /** Close the listener and every socket, so connecting fails with ECONNREFUSED. */
  stop(): Promise<void>;
  /** Listen again on the same port after `stop()`. */
  resume(): Promise<void>;
  setFaults(faults: Faults): void;
  clearFaults(): void;
  faults(): Faults;
  stats(): StatsSnapshot;
  resetStats(): void;
}

export interface StartOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Delay added to every counted request, to imitate a network hop. Default 0. */
  latencyMs?: number;
}

export interface MockRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Raw body text ('' when none). */
  readonly body: string;
}

export interface MockResponse {
  status: number;
  /** Serialised as JSON. */
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: MockRequest) => MockResponse | Promise<MockResponse>;

export interface Route {
  method: string;
  /** Path with `:param` segments, e.g. `/users/:id`. Also the stats key together with the method. */
  pattern: string;
  handler: Handler;
  /** Extra stats keys for one request (GraphQL root fields). */
  statKeys?: (req: MockRequest) => readonly string[];
}
