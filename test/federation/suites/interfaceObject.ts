import type { Suite } from '../harness.js';

/**
 * Entity interfaces and `@interfaceObject`: a subgraph that adds fields to every implementation
 * without knowing them, root fields returning the interface from either side, and an interface a
 * subgraph returns but cannot resolve (no type of its own implements it).
 */

const MEDIA = [
  { __typename: 'Book', id: 'm1', title: 'Dune', pages: 412 },
  { __typename: 'Movie', id: 'm2', title: 'Alien', minutes: 117 },
  { __typename: 'Book', id: 'm3', title: 'Emma', pages: 320 },
];
const STARS: Record<string, number> = { m1: 5, m2: 4, m3: 3 };
const mediaById = (id: string) => MEDIA.find((m) => m.id === id) ?? null;

const library = {
  name: 'library',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { media: [Media!]! }
    interface Media @key(fields: "id") { id: ID! title: String! }
    type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int! }
    type Movie implements Media @key(fields: "id") { id: ID! title: String! minutes: Int! }
  `,
  resolvers: {
    Query: { media: () => MEDIA },
    Media: { __resolveReference: ({ id }: { id: string }) => mediaById(id) },
    Book: { __resolveReference: ({ id }: { id: string }) => mediaById(id) },
    Movie: { __resolveReference: ({ id }: { id: string }) => mediaById(id) },
  },
};

const ratings = {
  name: 'ratings',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject", "@external", "@requires"])
    type Query { topRated: [Media!]! favourite: Media }
    type Media @key(fields: "id") @interfaceObject {
      id: ID!
      stars: Int!
      title: String! @external
      headline: String! @requires(fields: "title")
    }
  `,
  resolvers: {
    Query: {
      topRated: () => ['m1', 'm2'].map((id) => ({ id, stars: STARS[id] })),
      favourite: () => ({ id: 'm3', stars: STARS.m3 }),
    },
    Media: {
      __resolveReference: ({ id, title }: { id: string; title?: string }) => (id in STARS ? { id, title, stars: STARS[id] } : null),
      headline: ({ title, stars }: { title?: string; stars: number }) => {
        if (!title) throw new Error('Media.title was not provided');
        return `${title}: ${'*'.repeat(stars)}`;
      },
    },
  },
};

/**
 * \`shelf\` returns \`Media\` but has no type that implements it, so no value it returns can be
 * completed. Apollo's planner sees that no fetch can answer \`stars\` there, plans nothing, and the
 * field is null with no error: the client cannot tell "none" from "failed".
 */
const SILENT_NULL = 'the plan is empty and the field is null without an error';

const shelf = {
  name: 'shelf',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { orphan: Media }
    interface Media @key(fields: "id", resolvable: false) { id: ID! }
  `,
  resolvers: { Query: { orphan: () => ({ id: 'm2' }) } },
};

const legacy = {
  name: 'legacy',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])
    type Query { archived: Media }
    type Media @key(fields: "id", resolvable: false) @interfaceObject { id: ID! }
  `,
  resolvers: { Query: { archived: () => ({ id: 'm2' }) } },
};

export const interfaceObjectSuite: Suite = {
  name: '@interfaceObject',
  subgraphs: [library, ratings, legacy, shelf],
  cases: [
    {
      name: 'fields of the @interfaceObject subgraph on each implementation',
      query: '{ media { __typename title stars } }',
      expected: {
        data: {
          media: [
            { __typename: 'Book', title: 'Dune', stars: 5 },
            { __typename: 'Movie', title: 'Alien', stars: 4 },
            { __typename: 'Book', title: 'Emma', stars: 3 },
          ],
        },
      },
    },
    {
      name: 'a root field of the @interfaceObject subgraph: __typename and fields from the interface owner',
      query: '{ topRated { __typename id title stars } }',
      expected: {
        data: {
          topRated: [
            { __typename: 'Book', id: 'm1', title: 'Dune', stars: 5 },
            { __typename: 'Movie', id: 'm2', title: 'Alien', stars: 4 },
          ],
        },
      },
    },
    {
      name: 'type conditions on the implementations, from the @interfaceObject side',
      query: '{ topRated { id ... on Book { pages } ... on Movie { minutes } } }',
      expected: { data: { topRated: [{ id: 'm1', pages: 412 }, { id: 'm2', minutes: 117 }] } },
    },
    {
      name: 'only the @interfaceObject\'s own fields: no trip to the owner',
      query: '{ favourite { id stars } }',
      expected: { data: { favourite: { id: 'm3', stars: 3 } } },
    },
    {
      name: '@requires of an interface field the @interfaceObject subgraph does not have',
      query: '{ media { ... on Movie { minutes } headline } favourite { headline } }',
      expected: {
        data: {
          media: [{ headline: 'Dune: *****' }, { minutes: 117, headline: 'Alien: ****' }, { headline: 'Emma: ***' }],
          favourite: { headline: 'Emma: ***' },
        },
      },
    },
    {
      name: 'a non-resolvable @interfaceObject: its own key field',
      query: '{ archived { id } }',
      expected: { data: { archived: { id: 'm2' } } },
    },
    {
      name: 'a non-resolvable @interfaceObject: fields of the owner through the key',
      query: '{ archived { __typename title stars } }',
      expected: { data: { archived: { __typename: 'Movie', title: 'Alien', stars: 4 } } },
    },
    {
      name: 'a non-resolvable entity interface no type of its subgraph implements: its key field fails',
      query: '{ orphan { id } }',
      expected: { data: { orphan: null }, errors: [{ path: ['orphan'] }] },
    },
    {
      name: 'a non-resolvable entity interface no type of its subgraph implements: fields of another subgraph fail, not a silent null',
      query: '{ orphan { stars } }',
      expected: { data: { orphan: null }, errors: [{ path: ['orphan'] }] },
      apolloWrong: SILENT_NULL,
    },
  ],
};
