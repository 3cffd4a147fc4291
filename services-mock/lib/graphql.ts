// The CommonJS entry on purpose: it is the instance @apollo/subgraph uses, even where a resolver
// (vitest without an alias) would pick index.mjs, a second graphql that rejects the schema.
import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql/index.js';
import { json } from './http.js';
import type { MockRequest, MockResponse, Route } from './types.js';

/** Cache-Control on successful GraphQL answers (no errors). */
export const GRAPHQL_CACHE_CONTROL = 'public, max-age=30';

const MAX_CACHED_DOCUMENTS = 1000;

interface GraphQLParams {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

type Prepared =
  | { ok: true; params: GraphQLParams; document: DocumentNode; operation: OperationDefinitionNode | null }
  | { ok: false; response: MockResponse };

const badRequest = (message: string): MockResponse => json(400, { errors: [{ message }] });

/**
 * GraphQL over HTTP for a subgraph schema. Parsed and validated documents are cached by query
 * text: gateways send the same few queries over and over, and parse+validate dominates otherwise.
 */
export interface GraphQLRouteOptions {
  readonly path?: string;
  /** The resolvers' context for a request; default `{ headers }`. */
  readonly contextFor?: (req: MockRequest) => unknown;
  /** `Cache-Control` of a successful answer; default public, 30 s. */
  readonly cacheControl?: string;
}

export function graphqlRoutes(
  schema: GraphQLSchema,
  { path = '/graphql', contextFor = (req) => ({ headers: req.headers }), cacheControl = GRAPHQL_CACHE_CONTROL }: GraphQLRouteOptions = {},
): Route[] {
  const documents = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();
  // statKeys and the handler see the same request object; prepare it once.
  const prepared = new WeakMap<MockRequest, Prepared>();

  const load = (query: string) => {
    let entry = documents.get(query);
    if (!entry) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        entry = errors.length > 0 ? { errors } : { document };
      } catch (err) {
        entry = { errors: [err instanceof GraphQLError ? err : new GraphQLError(String(err))] };
      }
      if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear(); // crude bound; hit rate stays high
      documents.set(query, entry);
    }
    return entry;
  };

  const prepare = (req: MockRequest): Prepared => {
    const cached = prepared.get(req);
    if (cached) return cached;
    const result = prepareUncached(req);
    prepared.set(req, result);
    return result;
  };

  const prepareUncached = (req: MockRequest): Prepared => {
    const params = req.method === 'GET' ? paramsFromQuery(req.query) : paramsFromBody(req.body);
    if (typeof params === 'string') return { ok: false, response: badRequest(params) };
    const entry = load(params.query);
    if ('errors' in entry) return { ok: false, response: json(400, { errors: entry.errors.map((e) => e.toJSON()) }) };
    const operation = getOperationAST(entry.document, params.operationName) ?? null;
    return { ok: true, params, document: entry.document, operation };
  };

  const handler = async (req: MockRequest): Promise<MockResponse> => {
    const p = prepare(req);
    if (!p.ok) return p.response;
    if (!p.operation) return badRequest('could not determine which operation to run (operationName?)');
    if (req.method === 'GET' && p.operation.operation !== 'query') {
      return json(405, { errors: [{ message: 'only queries may be sent with GET' }] }, { allow: 'POST' });
    }
    const result = await execute({
      schema,
      document: p.document,
      variableValues: p.params.variables,
      operationName: p.params.operationName,
      contextValue: contextFor(req),
    });
    const headers: Record<string, string> = result.errors ? {} : { 'cache-control': cacheControl };
    return json(200, result, headers);
  };

  const statKeys = (req: MockRequest): string[] => {
    const p = prepare(req);
    return p.ok && p.operation ? rootFieldNames(p.operation.selectionSet, p.document) : [];
  };

  return [
    { method: 'POST', pattern: path, handler, statKeys },
    { method: 'GET', pattern: path, handler, statKeys },
  ];
}

function paramsFromBody(body: string): GraphQLParams | string {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return 'request body must be JSON';
  }
  if (typeof input !== 'object' || input === null) return 'request body must be a JSON object';
  const { query, variables, operationName } = input as Record<string, unknown>;
  return checkParams(query, variables, operationName);
}

function paramsFromQuery(query: URLSearchParams): GraphQLParams | string {
  let variables: unknown;
  const raw = query.get('variables');
  if (raw) {
    try {
      variables = JSON.parse(raw);
    } catch {
      return 'variables must be JSON';
    }
  }
  return checkParams(query.get('query') ?? undefined, variables, query.get('operationName') ?? undefined);
}

function checkParams(query: unknown, variables: unknown, operationName: unknown): GraphQLParams | string {
  if (typeof query !== 'string' || query.trim() === '') return 'missing "query"';
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return '"variables" must be an object';
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return '"operationName" must be a string';
  }
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: (operationName ?? undefined) as string | undefined,
  };
}

/** Distinct top-level field names (through fragments), `__typename` left out. */
export function rootFieldNames(selectionSet: SelectionSetNode, document: DocumentNode): string[] {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value !== '__typename') names.add(sel.name.value);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        visit(sel.selectionSet, seen);
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag = document.definitions.find(
          (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value,
        );
        if (frag?.kind === Kind.FRAGMENT_DEFINITION) visit(frag.selectionSet, seen);
      }
    }
  };
  visit(selectionSet, new Set());
  return [...names];
}
