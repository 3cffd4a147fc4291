import type { CachePolicy } from '@apollo/cache-control-types';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { TesseraContext } from '../../graphql/context.js';
import { INCOMING_OPERATION } from '../incomingOperationKind.js';
import type { SubgraphSend } from './call.js';

/**
 * A subgraph as the executor calls it (the gateway's `GraphQLDataSource` contract, which Apollo's
 * executor calls too): each call goes through the subgraph's hooks to its transport. The hooks
 * have made sure the answer is a GraphQL response by the time it is returned.
 */
export class SubgraphDataSource implements GraphQLDataSource<TesseraContext> {
  constructor(
    readonly name: string,
    private readonly send: SubgraphSend,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<TesseraContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const incoming = options.kind === INCOMING_OPERATION ? options.incomingRequestContext : undefined;
    const answer = await this.send({
      subgraph: this.name,
      request: { query: request.query ?? '', variables: request.variables, operationName: request.operationName, extensions: request.extensions },
      incoming,
      cachePolicy: incoming?.overallCachePolicy as CachePolicy | undefined,
      context: options.context as TesseraContext | undefined,
      // A query operation's plan fetches queries only.
      idempotent: incoming?.operation?.operation === 'query',
      headers: {},
    });
    return answer.body as GatewayGraphQLResponse;
  }
}
