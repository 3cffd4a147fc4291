import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Resolver types for the REST-wrapped subgraphs: one generated file per subgraph, from its SDL in
 * `schema/`. `npm run codegen` writes them; `npm run codegen:check` fails when they are stale.
 * Never edit the files under `__generated__/`. Paths in `mappers` are relative
 * to the generated file.
 */

const SUBGRAPHS = ['users', 'orders', 'catalog', 'bff'] as const;

/** Parent types: what our resolvers return, i.e. the mapped REST models, not the GraphQL shapes. */
const MAPPERS: Record<(typeof SUBGRAPHS)[number], Record<string, string>> = {
  users: { User: '../model.js#UserModel' },
  orders: {
    Order: '../model.js#OrderModel',
    OrderItem: '../model.js#OrderItemModel',
    User: '../model.js#UserRef',
    Product: '../model.js#ProductRef',
  },
  catalog: { Product: '../model.js#ProductModel' },
  bff: {
    Dashboard: '../model.js#DashboardModel',
    User: '../../users/model.js#UserModel',
    Order: '../../orders/model.js#OrderModel',
    Product: '../../catalog/model.js#ProductModel',
  },
};

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(
    SUBGRAPHS.map((name) => [
      `app/subgraphs/${name}/__generated__/resolvers-types.ts`,
      {
        schema: `schema/${name}.graphql`,
        plugins: ['typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          useTypeImports: true,
          enumsAsTypes: true,
          contextType: 'tessera-gateway#SubgraphContext',
          mappers: MAPPERS[name],
          scalars: { ID: 'string' },
        },
      },
    ]),
  ),
};

export default config;
