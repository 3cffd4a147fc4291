import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { CacheHint } from '@apollo/cache-control-types';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { TesseraContext } from '../graphql/context.js';

/**
 * Runs a REST-wrapped subgraph in the gateway process: no HTTP hop, and the request's own
 * context (viewer, per-request DataLoaders) is handed to its resolvers. The query planner sends
 * the same few subgraph queries over and over, so each is parsed and validated once.
 */
export class LocalDataSource implements GraphQLDataSource<TesseraContext> {
  // Bounded by size (a parsed document is roughly ten times its text), so many distinct operations
  // cannot grow the process past a known budget.
  readonly #documents = new LRUCache<string, DocumentNode | { errors: readonly Error[] }>({
    max: 2_000,
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (_document, query) => Math.max(1, query.length * 10),
  });

  constructor(
    readonly name: string,
    private readonly schema: GraphQLSchema,
    /** The subgraph's cache hint for an operation (its `@cacheControl`); none means no caching info. */
    private readonly cacheHintOf?: (document: DocumentNode) => CacheHint,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<TesseraContext>): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    const query = request.query ?? '';
    let document = this.#documents.get(query);
    if (!document) {
      try {
        const parsed = parse(query);
        const errors = validate(this.schema, parsed);
        document = errors.length > 0 ? { errors } : parsed;
      } catch (error) {
        document = { errors: [error as Error] };
      }
      this.#documents.set(query, document);
    }
    if ('errors' in document) return { errors: document.errors.map((e) => ({ message: e.message })) };
    // Reported as a remote subgraph reports its Cache-Control: the response cache decides by it.
    if (this.cacheHintOf && options.kind === 'incoming operation') {
      options.incomingRequestContext.overallCachePolicy.restrict(this.cacheHintOf(document));
    }
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: context,
    });
    return result as GatewayGraphQLResponse;
  }
}
