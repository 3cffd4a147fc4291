import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql/index.js';
import { seed, skuNumber } from '../data/seed.js';

// price/weight repeat the owner's (catalog's) non-null types: @external fields must match to compose.
export const INVENTORY_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@external", "@requires", "@requiresScopes"])

  type Product @key(fields: "sku") {
    sku: ID!
    price: Float! @external
    weight: Float! @external
    inStock: Boolean
    "Days; 0 above a price of 100 (free shipping), else ceil(weight * 2). Null if price or weight is missing."
    shippingEstimate: Int @requires(fields: "price weight") @requiresScopes(scopes: [["inventory:read"]])
  }
`;

/** Every sku divisible by 7 is out of stock. */
export const inStock = (sku: string): boolean => skuNumber(sku) % 7 !== 0;

export function shippingEstimate(price: number, weight: number): number {
  return price > 100 ? 0 : Math.ceil(weight * 2);
}

interface ProductRef {
  sku: string;
  price?: number | null;
  weight?: number | null;
}

export function inventorySchema(skus: readonly string[] = seed().products.map((p) => p.sku)): GraphQLSchema {
  const known = new Set(skus);
  return buildSubgraphSchema({
    typeDefs: parse(INVENTORY_SDL),
    resolvers: {
      Product: {
        // Inventory only tracks skus it stocks; other keys resolve to null.
        __resolveReference: (ref: ProductRef) => (known.has(ref.sku) ? ref : null),
        inStock: (p: ProductRef) => inStock(p.sku),
        shippingEstimate: (p: ProductRef) =>
          typeof p.price === 'number' && typeof p.weight === 'number' ? shippingEstimate(p.price, p.weight) : null,
      },
    },
  });
}
