// The reference: stock Apollo Server 5 + Apollo Gateway 2 with default settings (the standalone
// HTTP server, RemoteGraphQLDataSource over make-fetch-happen, LocalGraphQLDataSource for the
// in-process REST-wrapped subgraphs), over the same supergraph Tessera serves.
// Env: PORT, plus the same subgraph URLs Tessera reads.
import '../src/gateway/noTelemetry.js';
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import { pino } from 'pino';
import { ANONYMOUS } from '../src/auth/viewer.js';
import { loadConfig } from '../src/config/index.js';
import { isLocalUrl, LOCAL_SCHEME } from '../src/config/supergraphConfig.js';
import { composeFromSpecs } from '../src/composition/loadSubgraphs.js';
import type { TesseraContext } from '../src/graphql/context.js';
import { plainSubgraphs } from './plainSubgraphs.js';

const config = loadConfig(process.env);
if (config.supergraph.kind !== 'compose') throw new Error('The reference composes from SUPERGRAPH_CONFIG; unset SUPERGRAPH_FILE.');
// Apollo Gateway refuses supergraphs that link a SECURITY feature it cannot enforce (`@requiresScopes`
// is a Router feature). Dropping only the purpose lets it load the same graph and ignore the directive,
// which is all stock Apollo Gateway can do with it.
const supergraphSdl = (await composeFromSpecs(config.supergraph.subgraphs, { timeoutMs: config.subgraphTimeoutMs })).replace(
  /(@link\(url: "[^"]+"(?:, import: \[[^\]]*\])?), for: SECURITY\)/g,
  '$1)',
);
const local = plainSubgraphs(config, process.env);
const schemas = new Map(local.subgraphs.map((s) => [s.name, s.schema]));

const gateway = new ApolloGateway({
  supergraphSdl,
  buildService: ({ name, url }) => {
    if (url && isLocalUrl(url)) {
      const schema = schemas.get(url.slice(LOCAL_SCHEME.length));
      if (!schema) throw new Error(`No in-process subgraph for ${name}`);
      return new LocalGraphQLDataSource(schema);
    }
    return new RemoteGraphQLDataSource({ url });
  },
});
// Only the shutdown path differs from the defaults: this launcher stops itself, so a CPU profile is written.
const server = new ApolloServer<TesseraContext>({ gateway, stopOnTerminationSignals: false });
const log = pino({ level: 'silent' });
const { url } = await startStandaloneServer(server, {
  listen: { port: config.port, host: '127.0.0.1' },
  // What the REST-wrapped subgraphs' resolvers read (and the context type asks for).
  context: async ({ req }) => ({
    requestId: randomUUID(),
    viewer: ANONYMOUS,
    log,
    ip: req.socket.remoteAddress ?? '',
    headers: req.headers as Record<string, string | undefined>,
    exchange: {},
  }),
});
process.stderr.write(`reference gateway at ${url}\n`);

const stop = () =>
  void server
    .stop()
    .then(() => local.close())
    .finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
