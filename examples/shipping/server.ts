// A federated subgraph a team would add to the graph: it owns shipping, and adds delivery options to
// the demo graph's Product (owned by the catalog). `npm run example:shipping` serves it on
// 127.0.0.1:4200 (SHIPPING_PORT to change it); register it with
// `npx tessera subgraph publish shipping --url http://127.0.0.1:4200/graphql`.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { pathToFileURL } from 'node:url';

export const SHIPPING_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Product @key(fields: "sku") {
    sku: ID!
    "Ways to get this product delivered, cheapest first."
    deliveryOptions: [DeliveryOption!]!
  }

  type DeliveryOption {
    carrier: String!
    "Business days from order to door."
    days: Int!
    price: Float!
  }
`;

interface DeliveryOption {
  readonly carrier: string;
  readonly days: number;
  readonly price: number;
}

/** The same options for the same sku, every time: a stand-in for a carrier's rate table. */
export function deliveryOptionsFor(sku: string): DeliveryOption[] {
  const n = Number(/\d+/.exec(sku)?.[0] ?? 0);
  return [
    { carrier: 'Ground', days: 5 + (n % 3), price: 4.99 },
    { carrier: 'Express', days: 2, price: 12.99 + (n % 5) },
  ];
}

const resolvers = {
  Product: {
    __resolveReference: (ref: { sku: string }) => ({ sku: ref.sku }),
    deliveryOptions: (product: { sku: string }) => deliveryOptionsFor(product.sku),
  },
};

/** Serves the subgraph (any path answers; `/graphql` by convention); resolves once it listens. */
export async function startShipping(port = 4200, host = '127.0.0.1'): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(SHIPPING_SDL), resolvers }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port, host } });
  return { url: new URL('graphql', url).href, stop: () => server.stop() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.SHIPPING_PORT ?? 4200);
  const { url } = await startShipping(port);
  process.stdout.write(
    [
      `shipping subgraph   ${url}`,
      '',
      'Register it with the gateway npm start runs (no restart):',
      `  npx tessera subgraph publish shipping --url ${url}`,
      '',
    ].join('\n'),
  );
}
