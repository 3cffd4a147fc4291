import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import { isLocalUrl, LOCAL_SCHEME } from '../config/supergraphConfig.js';
import type { SupergraphManager } from '../composition/supergraphManager.js';
import type { TesseraContext } from '../graphql/context.js';
import { LocalDataSource } from './localDataSource.js';
import { RemoteDataSource } from './remoteDataSource.js';

export interface GatewayOptions {
  readonly manager: SupergraphManager;
  /** In-process subgraphs by name, served at `local://name`. */
  readonly localSchemas: ReadonlyMap<string, GraphQLSchema>;
  readonly timeoutMs: number;
  readonly headersFor: (context: TesseraContext | undefined) => Record<string, string>;
  readonly log: Logger;
  readonly dispatcher?: Dispatcher;
}

export interface Gateway {
  readonly gateway: ApolloGateway;
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Creates the subgraph HTTP pool shared by every remote subgraph. */
export function createSubgraphDispatcher(): Dispatcher {
  return new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 128, pipelining: 1 });
}

export function createGateway(options: GatewayOptions): Gateway {
  const dispatcher = options.dispatcher ?? createSubgraphDispatcher();
  const buildService = ({ name, url }: { name: string; url?: string }): GraphQLDataSource => {
    if (!url) throw new Error(`Subgraph "${name}" has no routing URL.`);
    if (isLocalUrl(url)) {
      const localName = url.slice(LOCAL_SCHEME.length);
      const schema = options.localSchemas.get(localName);
      if (!schema) throw new Error(`Subgraph "${name}" routes to ${url}, but no in-process subgraph is named "${localName}".`);
      return new LocalDataSource(name, schema);
    }
    return new RemoteDataSource({ name, url, dispatcher, timeoutMs: options.timeoutMs, headersFor: options.headersFor });
  };
  const gateway = new ApolloGateway({
    supergraphSdl: options.manager,
    buildService,
    logger: options.log.child({ component: 'gateway' }),
  });
  return {
    gateway,
    dispatcher,
    close: async () => {
      if (!options.dispatcher) await dispatcher.close();
    },
  };
}
