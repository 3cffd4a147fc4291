import type { Suite } from '../harness.js';

/**
 * `@provides` (flat and nested) and `@override` (plain and progressive, with `percent(…)` labels).
 * Every subgraph answers a shared field with its own name in it, so the answer shows which one served.
 */

const USERS = [
  { id: 'u1', name: 'Ada', country: { code: 'GB', name: 'United Kingdom' } },
  { id: 'u2', name: 'Bob', country: { code: 'FR', name: 'France' } },
];
const REVIEWS = [
  { id: 'r1', body: 'Great', authorId: 'u1' },
  { id: 'r2', body: 'Fine', authorId: 'u2' },
];
const userById = (id: string) => USERS.find((u) => u.id === id) ?? null;

const accounts = {
  name: 'accounts',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
    type Query { users: [User!]! }
    type User @key(fields: "id") {
      id: ID!
      name: String! @shareable
      country: Country! @shareable
      email: String!
      plan: String!
      nickname: String!
      tier: String!
      region: String!
    }
    type Country @shareable { code: String! name: String! }
  `,
  resolvers: {
    Query: { users: () => USERS },
    User: {
      __resolveReference: ({ id }: { id: string }) => userById(id),
      name: (u: { name: string }) => `${u.name} (accounts)`,
      email: (u: { id: string }) => `${u.id}@accounts`,
      plan: () => 'plan from accounts',
      nickname: () => 'nickname from accounts',
      tier: () => 'tier from accounts',
      region: () => 'region from accounts',
    },
  },
};

const reviews = {
  name: 'reviews',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@external", "@provides", "@shareable"])
    type Query { reviews: [Review!]! }
    type Review { id: ID! body: String! author: User! @provides(fields: "name country { name }") }
    type User @key(fields: "id") { id: ID! name: String! @external country: Country! @external }
    type Country @shareable { code: String! name: String! }
  `,
  resolvers: {
    Query: { reviews: () => REVIEWS },
    Review: {
      author: (r: { authorId: string }) => {
        const user = userById(r.authorId)!;
        return { id: user.id, name: `${user.name} (reviews)`, country: { name: `${user.country.name} (reviews)` } };
      },
    },
  },
};

const billing = {
  name: 'billing',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])
    type User @key(fields: "id") {
      id: ID!
      plan: String! @override(from: "accounts")
      nickname: String! @override(from: "accounts", label: "percent(100)")
      tier: String! @override(from: "accounts", label: "percent(0)")
      region: String! @override(from: "accounts", label: "billing-regions")
    }
  `,
  resolvers: {
    User: {
      __resolveReference: ({ id }: { id: string }) => (userById(id) ? { id } : null),
      plan: () => 'plan from billing',
      nickname: () => 'nickname from billing',
      tier: () => 'tier from billing',
      region: () => 'region from billing',
    },
  },
};

/**
 * `@apollo/gateway` never passes override labels to its planner, which treats every label as off:
 * a field moved at `percent(100)` is still served by the subgraph it was moved from.
 */
const LABELS_IGNORED = 'progressive override labels are never evaluated, so percent(100) is treated as 0';

export const providesOverrideSuite: Suite = {
  name: '@provides and @override',
  subgraphs: [accounts, reviews, billing],
  // An operator's switch for a custom label, as Apollo Router takes it from a coprocessor.
  tesseraEnv: { OVERRIDE_LABELS: 'billing-regions' },
  cases: [
    {
      name: '@provides: provided fields come from the providing subgraph',
      query: '{ reviews { body author { name } } }',
      expected: { data: { reviews: [{ body: 'Great', author: { name: 'Ada (reviews)' } }, { body: 'Fine', author: { name: 'Bob (reviews)' } }] } },
    },
    {
      name: '@provides with a nested selection',
      query: '{ reviews { author { country { name } } } }',
      expected: {
        data: { reviews: [{ author: { country: { name: 'United Kingdom (reviews)' } } }, { author: { country: { name: 'France (reviews)' } } }] },
      },
    },
    {
      name: '@provides next to a field it does not provide',
      query: '{ reviews { author { name email } } }',
      expected: {
        data: { reviews: [{ author: { name: 'Ada (reviews)', email: 'u1@accounts' } }, { author: { name: 'Bob (reviews)', email: 'u2@accounts' } }] },
      },
    },
    {
      name: '@provides: key and __typename of the provided entity, nothing fetched from the owner',
      query: '{ reviews { author { __typename id name } } }',
      expected: {
        data: { reviews: [{ author: { __typename: 'User', id: 'u1', name: 'Ada (reviews)' } }, { author: { __typename: 'User', id: 'u2', name: 'Bob (reviews)' } }] },
      },
    },
    {
      name: '@override: the overriding subgraph serves the field',
      query: '{ users { id plan } }',
      expected: { data: { users: [{ id: 'u1', plan: 'plan from billing' }, { id: 'u2', plan: 'plan from billing' }] } },
    },
    {
      name: 'progressive @override at percent(0): the original subgraph serves',
      query: '{ users { tier } }',
      expected: { data: { users: [{ tier: 'tier from accounts' }, { tier: 'tier from accounts' }] } },
    },
    {
      name: 'progressive @override at percent(100): the overriding subgraph serves',
      query: '{ users { nickname } }',
      expected: { data: { users: [{ nickname: 'nickname from billing' }, { nickname: 'nickname from billing' }] } },
      apolloWrong: LABELS_IGNORED,
    },
    {
      name: 'progressive @override with a custom label the operator turned on',
      query: '{ users { id region } }',
      expected: { data: { users: [{ id: 'u1', region: 'region from billing' }, { id: 'u2', region: 'region from billing' }] } },
      apolloWrong: 'custom labels cannot be turned on: every label is off',
    },
    {
      name: 'progressive @override: both labels in one operation, through @provides',
      query: '{ reviews { author { name nickname tier } } }',
      expected: {
        data: {
          reviews: [
            { author: { name: 'Ada (reviews)', nickname: 'nickname from billing', tier: 'tier from accounts' } },
            { author: { name: 'Bob (reviews)', nickname: 'nickname from billing', tier: 'tier from accounts' } },
          ],
        },
      },
      apolloWrong: LABELS_IGNORED,
    },
  ],
};
