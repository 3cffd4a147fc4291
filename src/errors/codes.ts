import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * The one table of error codes Tessera emits. Every code has a message, the HTTP status it
 * answers with when it decides the whole response, and a line in docs/errors.md (tests check
 * both, and that no other code is emitted). An error at a field's path never decides the
 * status: the answer still carries data, so it is a 200.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, message: 'The request is not a valid GraphQL-over-HTTP request.' },
  GRAPHQL_PARSE_FAILED: { status: 400, message: 'The query could not be parsed.' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, message: 'The query is not valid against the schema.' },
  BAD_USER_INPUT: { status: 400, message: 'An argument or input value is invalid.' },
  OPERATION_RESOLUTION_FAILURE: { status: 400, message: 'The operation to run could not be determined.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed for this operation.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than allowed.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request content type or charset is not supported.' },
  NOT_FOUND: { status: 200, message: 'The requested object does not exist.' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication is required or the credentials are invalid.' },
  FORBIDDEN: { status: 403, message: 'The viewer is not allowed to do this.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry later.' },
  SUBGRAPH_UNAVAILABLE: { status: 200, message: 'A service did not answer; its part of the data is missing.' },
  SUBGRAPH_TIMEOUT: { status: 200, message: 'A service did not answer in time; its part of the data is missing.' },
  DOWNSTREAM_SERVICE_ERROR: { status: 200, message: 'Subgraph errors redacted' },
  OPERATION_LIMIT_EXCEEDED: { status: 400, message: 'The operation exceeds a configured limit.' },
  COST_LIMIT_EXCEEDED: { status: 400, message: "The operation's estimated cost exceeds the limit." },
  RESPONSE_TOO_LARGE: { status: 200, message: 'The answer grew past the size limit; it was cut off.' },
  OVERLOADED: { status: 503, message: 'The gateway is busy with expensive operations; retry shortly.' },
  PERSISTED_QUERY_NOT_FOUND: { status: 200, message: 'The persisted query is not known.' },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 200, message: 'Persisted queries are not enabled.' },
  COMPOSITION_FAILED: { status: 422, message: 'The subgraphs do not compose into a supergraph.' },
  COMPOSITION_LIMIT_EXCEEDED: { status: 422, message: 'Composing the subgraphs took more time or memory than allowed; nothing changed.' },
  INVALID_SUBGRAPH: { status: 400, message: 'The subgraph name, URL or schema is invalid.' },
  SUBGRAPH_URL_FORBIDDEN: { status: 400, message: 'The subgraph URL points somewhere Tessera will not call.' },
  SCHEMA_FETCH_FAILED: { status: 502, message: 'The subgraph schema could not be fetched.' },
  BREAKING_CHANGE: { status: 409, message: 'The change would break the served API; publish with force to accept.' },
  HEALTH_CHECK_FAILED: { status: 502, message: 'The subgraph did not answer its health check.' },
  REGISTRY_CONFLICT: { status: 409, message: 'Another registry change is in progress; retry.' },
  SUBGRAPH_NOT_FOUND: { status: 404, message: 'No subgraph is registered under that name.' },
  REGISTRY_STORE_BEHIND: { status: 409, message: 'The registry store lost data and holds registrations this replica does not serve; restore it first.' },
  REGISTRY_UNAVAILABLE: { status: 503, message: 'The registry store (Redis or the data directory) did not answer; nothing changed.' },
  INTERNAL_SERVER_ERROR: { status: 500, message: 'Unexpected error.' },
  CONFIG_INVALID: { status: 500, message: 'The configuration is invalid.' },
  CACHE_UNAVAILABLE: { status: 503, message: 'The cache store did not answer; nothing was purged.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },
  GATEWAY_UNREACHABLE: { status: 502, message: 'The gateway could not be reached.' },
  ADMIN_API_OFF: { status: 404, message: 'The admin API is off (start the gateway with ADMIN_TOKEN set).' },
  UNEXPECTED_ANSWER: { status: 502, message: 'The gateway answered with something that is not a Tessera answer.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

/** A Tessera error with a stable code; becomes a GraphQL error or an HTTP error body with the table's status. */
export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = ERROR_CODES[code].status;
  }

  /** As an error at one path of an answer that still carries data. */
  toGraphQLError(path?: ReadonlyArray<string | number>): GraphQLError {
    return fieldError(this.code, this.message, { ...this.extensions }, path);
  }

  toJSON(): { code: ErrorCode; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.extensions };
  }
}

/**
 * An error that decides the whole response (thrown from a request hook, or answered before Apollo
 * runs): Apollo Server answers with the table's HTTP status and these headers (`extensions.http`,
 * which it never sends to the client).
 */
export function requestError(
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
  extensions: Record<string, unknown> = {},
  headers: Iterable<readonly [string, string]> = [],
): GraphQLError {
  const http = { status: ERROR_CODES[code].status, headers: new HeaderMap([...headers] as [string, string][]) };
  return new GraphQLError(message, { extensions: { ...extensions, code, http } });
}

/**
 * An error at one path of an answer that still carries data (a denied field, a failed service):
 * it leaves the HTTP status alone, since Apollo Server would answer the whole response with an
 * error's `extensions.http` status.
 */
export function fieldError(
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
  extensions: Record<string, unknown> = {},
  path?: ReadonlyArray<string | number>,
): GraphQLError {
  return new GraphQLError(message, { path, extensions: { ...extensions, code } });
}
