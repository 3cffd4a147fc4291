import type { Suite } from '../harness.js';

/**
 * A shop over three subgraphs: shareable root fields, interfaces and unions whose members live in
 * other subgraphs, mutations in order across subgraphs, `@include`/`@skip`, and `@inaccessible`.
 */

interface Product {
  upc: string;
  name: string;
  cents: number;
  stock: number;
}

const state = { products: [] as Product[], sequence: 0 };

/** Back to the starting data: mutation cases run once against each gateway. */
export function resetShop() {
  state.products = [
    { upc: 'p1', name: 'Lamp', cents: 1500, stock: 3 },
    { upc: 'p2', name: 'Desk', cents: 9900, stock: 0 },
  ];
  state.sequence = 0;
}
resetShop();

const productBy = (upc: string) => state.products.find((p) => p.upc === upc) ?? null;
const CATEGORIES = [{ id: 'c1', title: 'Furniture', upcs: ['p2'] }];

const catalog = {
  name: 'catalog',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@inaccessible"])
    type Query {
      products: [Product!]!
      node(id: ID!): Node
      search(term: String!): [SearchResult!]!
      version: String! @shareable
    }
    type Mutation { addProduct(name: String!): Stamped! }
    interface Node { id: ID! }
    type Product implements Node @key(fields: "upc") { id: ID! upc: String! name: String! supplierCode: String @inaccessible }
    type Category implements Node @key(fields: "id") { id: ID! title: String! products: [Product!]! }
    union SearchResult = Product | Category
    type Stamped @shareable { sequence: Int! product: Product! }
    enum Shelf { TOP MIDDLE INTERNAL @inaccessible }
  `,
  resolvers: {
    Query: {
      products: () => state.products,
      node: (_: unknown, { id }: { id: string }) => {
        const product = state.products.find((p) => `product:${p.upc}` === id);
        if (product) return { __typename: 'Product', ...product };
        const category = CATEGORIES.find((c) => `category:${c.id}` === id);
        return category ? { __typename: 'Category', ...category } : null;
      },
      search: (_: unknown, { term }: { term: string }) => [
        ...state.products.filter((p) => p.name.toLowerCase().includes(term)).map((p) => ({ __typename: 'Product', ...p })),
        ...CATEGORIES.filter((c) => c.title.toLowerCase().includes(term)).map((c) => ({ __typename: 'Category', ...c })),
      ],
      version: () => 'catalog-1',
    },
    Mutation: {
      addProduct: (_: unknown, { name }: { name: string }) => {
        const product = { upc: `p${state.products.length + 1}`, name, cents: 100, stock: 0 };
        state.products.push(product);
        return { sequence: ++state.sequence, product };
      },
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => productBy(upc),
      id: (p: Product) => `product:${p.upc}`,
      supplierCode: (p: Product) => `S-${p.upc}`,
    },
    Category: { products: (c: { upcs: string[] }) => c.upcs.map(productBy) },
  },
};

const pricing = {
  name: 'pricing',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
    type Query { version: String! @shareable }
    type Mutation { setPrice(upc: String!, cents: Int!): Stamped! }
    type Product @key(fields: "upc") { upc: String! price: Int! }
    type Stamped @shareable { sequence: Int! product: Product! }
  `,
  resolvers: {
    Query: { version: () => 'pricing-1' },
    Mutation: {
      setPrice: (_: unknown, { upc, cents }: { upc: string; cents: number }) => {
        const product = productBy(upc)!;
        product.cents = cents;
        return { sequence: ++state.sequence, product };
      },
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => productBy(upc),
      price: (p: Product) => p.cents,
    },
  },
};

const stock = {
  name: 'stock',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Product @key(fields: "upc") { upc: String! inStock: Boolean! }
    type Category @key(fields: "id") { id: ID! inStockCount: Int! }
  `,
  resolvers: {
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => productBy(upc),
      inStock: (p: Product) => p.stock > 0,
    },
    Category: {
      __resolveReference: ({ id }: { id: string }) => {
        const category = CATEGORIES.find((c) => c.id === id);
        return category && { id, inStockCount: category.upcs.filter((upc) => (productBy(upc)?.stock ?? 0) > 0).length };
      },
    },
  },
};

const PRODUCTS_QUERY = 'query ($withPrice: Boolean!, $noStock: Boolean!) { products { name price @include(if: $withPrice) inStock @skip(if: $noStock) } }';

export const shopSuite: Suite = {
  name: 'shop',
  subgraphs: [catalog, pricing, stock],
  reset: resetShop,
  cases: [
    {
      name: 'a @shareable root field served by one of its subgraphs',
      query: '{ version }',
      expected: { data: { version: expectOneOf('catalog-1', 'pricing-1') } },
    },
    {
      name: 'a @shareable root field next to root fields of one subgraph',
      query: '{ version products { upc } }',
      expected: { data: { version: 'catalog-1', products: [{ upc: 'p1' }, { upc: 'p2' }] } },
    },
    {
      name: 'an interface whose implementations have fields in other subgraphs',
      query: '{ a: node(id: "product:p1") { id ... on Product { price inStock } } b: node(id: "category:c1") { id ... on Category { inStockCount } } }',
      expected: { data: { a: { id: 'product:p1', price: 1500, inStock: true }, b: { id: 'c1', inStockCount: 0 } } },
    },
    {
      name: 'a union with members resolved in other subgraphs',
      query: '{ search(term: "e") { __typename ... on Product { name price } ... on Category { title inStockCount } } }',
      expected: {
        data: {
          search: [
            { __typename: 'Product', name: 'Desk', price: 9900 },
            { __typename: 'Category', title: 'Furniture', inStockCount: 0 },
          ],
        },
      },
    },
    {
      name: 'named fragments on an interface and a union, nested',
      query: `{ search(term: "furn") { ...Result } node(id: "product:p2") { ...N } }
        fragment Result on SearchResult { ... on Category { title products { ...P } } }
        fragment N on Node { id ...P }
        fragment P on Product { upc inStock }`,
      expected: {
        data: { search: [{ title: 'Furniture', products: [{ upc: 'p2', inStock: false }] }], node: { id: 'product:p2', upc: 'p2', inStock: false } },
      },
    },
    {
      name: '__typename on a union and an interface, with no other field',
      query: '{ search(term: "lamp") { __typename } node(id: "category:c1") { __typename } }',
      expected: { data: { search: [{ __typename: 'Product' }], node: { __typename: 'Category' } } },
    },
    {
      name: 'mutations run in order across subgraphs',
      query: `mutation {
        first: setPrice(upc: "p1", cents: 1000) { sequence product { price } }
        added: addProduct(name: "Rug") { sequence product { upc name price inStock } }
        second: setPrice(upc: "p1", cents: 2000) { sequence product { name price } }
      }`,
      expected: {
        data: {
          first: { sequence: 1, product: { price: 1000 } },
          added: { sequence: 2, product: { upc: 'p3', name: 'Rug', price: 100, inStock: false } },
          second: { sequence: 3, product: { name: 'Lamp', price: 2000 } },
        },
      },
    },
    {
      name: 'a mutation then entity fields from the other subgraphs',
      query: 'mutation { setPrice(upc: "p2", cents: 5) { product { name price inStock } } }',
      expected: { data: { setPrice: { product: { name: 'Desk', price: 5, inStock: false } } } },
    },
    {
      name: '@include and @skip on entity fields, both kept',
      query: PRODUCTS_QUERY,
      variables: { withPrice: true, noStock: false },
      expected: { data: { products: [{ name: 'Lamp', price: 1500, inStock: true }, { name: 'Desk', price: 9900, inStock: false }] } },
    },
    {
      name: '@include and @skip on entity fields, both dropped',
      query: PRODUCTS_QUERY,
      variables: { withPrice: false, noStock: true },
      expected: { data: { products: [{ name: 'Lamp' }, { name: 'Desk' }] } },
    },
    {
      name: '@include on a fragment with a default value, @skip on the same field elsewhere',
      query: `query ($yes: Boolean = true) { products { upc ... on Product @include(if: $yes) { price } price @skip(if: true) } }`,
      expected: { data: { products: [{ upc: 'p1', price: 1500 }, { upc: 'p2', price: 9900 }] } },
    },
    {
      name: '@skip on every field fetched from a subgraph',
      query: 'query ($off: Boolean = true) { products { upc price @skip(if: $off) inStock @skip(if: $off) } }',
      expected: { data: { products: [{ upc: 'p1' }, { upc: 'p2' }] } },
    },
    {
      name: 'an @inaccessible field cannot be queried',
      query: '{ products { upc supplierCode } }',
      expected: { data: null, errors: [{ code: 'GRAPHQL_VALIDATION_FAILED' }] },
    },
    {
      name: '@inaccessible parts are not in introspection',
      query: '{ product: __type(name: "Product") { fields { name } } shelf: __type(name: "Shelf") { enumValues { name } } }',
      expected: {
        data: { product: { fields: [{ name: 'id' }, { name: 'upc' }, { name: 'name' }, { name: 'price' }, { name: 'inStock' }] }, shelf: { enumValues: [{ name: 'TOP' }, { name: 'MIDDLE' }] } },
      },
    },
  ],
};

/** An expected value that may be any of these (a shareable field may be served by either subgraph). */
function expectOneOf(...values: unknown[]) {
  return { asymmetricMatch: (actual: unknown) => values.includes(actual), toString: () => `one of ${values.join(', ')}` };
}
