import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { SubgraphAnswer, SubgraphCall } from './call.js';

/** A subgraph query as this transport keeps it: parsed and validated, compiled once it is reused. */
type Prepared =
  | { readonly errors: readonly Error[] }
  | { readonly document: DocumentNode; uses: number; compiled?: CompiledQuery | null };

/** Runs of one query before it is compiled: a query seen once is not worth a compile. */
const COMPILE_AFTER_USES = 2;

const NO_HEADERS = Object.freeze({});

/**
 * Runs a REST-wrapped subgraph in the gateway process: no HTTP hop, and the request's own
 * context (viewer, per-request DataLoaders) is handed to its resolvers. The query planner sends
 * the same few subgraph queries over and over, so each is parsed and validated once, and from its
 * second run on executed by code graphql-jit compiled for it: graphql-js allocates an argument
 * map, a resolve info and a dictionary-mode object per field, which was a third of a heavy read's
 * garbage. A query graphql-jit cannot compile keeps running on graphql-js.
 */
export class InProcessTransport {
  // Bounded by count and by size (a parsed document and its compiled code are some tens of times
  // the query's text), so many distinct operations cannot grow the process past a known budget.
  readonly #prepared: LRUCache<string, Prepared>;

  constructor(
    private readonly schema: GraphQLSchema,
    /** Subgraph queries kept prepared. */
    maxQueries = 2_000,
  ) {
    this.#prepared = new LRUCache<string, Prepared>({
      max: maxQueries,
      maxSize: 16 * 1024 * 1024,
      sizeCalculation: (_prepared, query) => Math.max(1, query.length * 40),
    });
  }

  readonly send = async (call: SubgraphCall): Promise<SubgraphAnswer> => {
    const { query, variables, operationName } = call.request;
    const prepared = this.#prepare(query);
    if ('errors' in prepared) return { status: 200, headers: NO_HEADERS, body: { errors: prepared.errors.map((e) => ({ message: e.message })) } };
    const { document } = prepared;
    if (prepared.compiled === undefined && ++prepared.uses >= COMPILE_AFTER_USES) {
      const compiled = compileQuery(this.schema, document, operationName ?? undefined);
      prepared.compiled = isCompiledQuery(compiled) ? compiled : null;
    }
    const body = prepared.compiled
      ? await prepared.compiled.query(undefined, call.context, variables ?? {})
      : await execute({ schema: this.schema, document, variableValues: variables, operationName, contextValue: call.context });
    return { status: 200, headers: NO_HEADERS, body, document };
  };

  /** Whether `query` now runs on compiled code (diagnostics and tests). */
  isCompiled(query: string): boolean {
    const prepared = this.#prepared.peek(query);
    return prepared !== undefined && 'document' in prepared && !!prepared.compiled;
  }

  #prepare(query: string): Prepared {
    let prepared = this.#prepared.get(query);
    if (prepared) return prepared;
    try {
      // No locations: errors from here reach the client by path, never by location, and a
      // document with them keeps its whole token list alive.
      const document = parse(query, { noLocation: true });
      const errors = validate(this.schema, document);
      prepared = errors.length > 0 ? { errors } : { document, uses: 0 };
    } catch (error) {
      prepared = { errors: [error as Error] };
    }
    this.#prepared.set(query, prepared);
    return prepared;
  }
}
