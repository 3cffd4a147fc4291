/** What the benchmark asks. Each scenario is one GraphQL request body, sent unchanged under load. */

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly body: { readonly query: string; readonly variables?: Record<string, unknown>; readonly operationName?: string };
  /** A stored answer may serve it (row (d)); mutations never are. */
  readonly cacheable: boolean;
}

/**
 * The scopes of the load generator's tokens: every field of the scenarios is allowed, so the answers
 * match the references', while every rule still runs on every request.
 */
export const TOKEN_SCOPES = ['orders:read:all', 'orders:write:all', 'user:email', 'inventory:read'] as const;

const HEAVY_USERS = Array.from({ length: 20 }, (_, i) => String(i + 1));

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'heavy',
    description:
      '20 users → their orders → items → products (catalog) → inStock/shippingEstimate (inventory, @requires) + reviews (reviews) → authors (users): five subgraphs, nested entity fetches',
    cacheable: true,
    body: {
      operationName: 'Heavy',
      query: /* GraphQL */ `
        query Heavy($ids: [ID!]!, $orders: Int) {
          users(ids: $ids) {
            id
            name
            orders(first: $orders) {
              id
              status
              total
              items {
                quantity
                unitPrice
                product {
                  sku
                  title
                  price
                  inStock
                  shippingEstimate
                  reviews { id rating author { id name } }
                }
              }
            }
          }
        }`,
      variables: { ids: HEAVY_USERS, orders: 5 },
    },
  },
  {
    name: 'light',
    description: 'one product from one service (catalog)',
    cacheable: true,
    body: {
      operationName: 'Light',
      query: 'query Light($sku: ID!) { product(sku: $sku) { sku title price category } }',
      variables: { sku: 'SKU-0042' },
    },
  },
  {
    name: 'mutation',
    description: 'createOrder (orders, then catalog for the products); needs a signed-in viewer when policy is on',
    cacheable: false,
    body: {
      operationName: 'Create',
      // No id or createdAt: every call creates a new order, and the answers must compare equal.
      query: /* GraphQL */ `
        mutation Create($input: CreateOrderInput!) {
          createOrder(input: $input) { status total items { quantity unitPrice product { sku title } } }
        }`,
      // A user outside the heavy read's 1…20, so new orders never change that answer.
      variables: { input: { userId: '200', items: [{ sku: 'SKU-0007', quantity: 2 }, { sku: 'SKU-0100', quantity: 1 }] } },
    },
  },
];

/**
 * `count` distinct operation texts over several subgraphs (aliases and arguments vary), for the
 * bounded-caches run: each one is parsed, validated and planned anew.
 */
export function distinctOperations(count: number, offset = 0): { query: string }[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n + offset;
    const sku = `SKU-${String((i % 500) + 1).padStart(4, '0')}`;
    const user = String((i % 199) + 1);
    return {
      query: `query Op${i} { p${i}: product(sku: "${sku}") { sku title inStock reviews { rating } } u${i}: user(id: "${user}") { name orders(first: ${(i % 3) + 1}) { total } } }`,
    };
  });
}
