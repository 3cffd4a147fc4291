import { GraphQLError } from 'graphql';

/**
 * The one table of error codes Tessera emits. Every code has a message, the HTTP status it
 * maps to when it decides the whole response, and a line in docs/errors.md (a test checks that).
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, message: 'The request is not a valid GraphQL-over-HTTP request.' },
  GRAPHQL_PARSE_FAILED: { status: 400, message: 'The query could not be parsed.' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, message: 'The query is not valid against the schema.' },
  BAD_USER_INPUT: { status: 200, message: 'An argument or input value is invalid.' },
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
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A Tessera error with a stable code; becomes a GraphQL error or an HTTP error body. */
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

  toGraphQLError(path?: ReadonlyArray<string | number>): GraphQLError {
    return graphqlError(this.code, this.message, { ...this.extensions }, path);
  }

  toJSON(): { code: ErrorCode; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.extensions };
  }
}

export function graphqlError(
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
  extensions: Record<string, unknown> = {},
  path?: ReadonlyArray<string | number>,
): GraphQLError {
  return new GraphQLError(message, { path, extensions: { ...extensions, code } });
}
