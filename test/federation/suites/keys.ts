import type { Suite } from '../harness.js';

/**
 * Entity keys: a second key, a composite key with a nested object, null entity references, and
 * keys mixed across subgraphs (one subgraph's only resolvable key is a composite the other
 * subgraph cannot resolve by). People in teams, with a directory and shelves of a warehouse.
 */

/**
 * Apollo's plan for \`greeting\` never reaches \`teams\` with the name: the non-null field comes back
 * null and takes the whole answer with it.
 */
const MIXED_KEYS = 'the @requires fetch back into teams is planned without a usable key, so greeting is null';

const PEOPLE = [
  { id: 'u1', handle: 'ada', name: 'Ada', badge: { org: 'eng', number: 7, region: 'eu' } },
  { id: 'u2', handle: 'bob', name: 'Bob', badge: { org: 'ops', number: 3, region: 'us' } },
];
const personBy = (pick: (p: (typeof PEOPLE)[number]) => boolean) => PEOPLE.find(pick) ?? null;

const people = {
  name: 'people',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
    type Query { person(id: ID!): Person }
    type Person
      @key(fields: "id")
      @key(fields: "handle", resolvable: false)
      @key(fields: "badge { org number }", resolvable: false)
      @key(fields: "id badge { number region }", resolvable: false) {
      id: ID!
      handle: String!
      badge: Badge!
      name: String!
    }
    type Badge { org: String! number: Int! region: String! }
  `,
  resolvers: {
    Query: { person: (_: unknown, { id }: { id: string }) => personBy((p) => p.id === id) },
    Person: { __resolveReference: ({ id }: { id: string }) => personBy((p) => p.id === id) },
  },
};

const teams = {
  name: 'teams',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@external", "@requires"])
    type Query { team: Team! }
    type Team @key(fields: "id") { id: ID! members: [Person!]! lead: Person alumni: [Person]! }
    type Person
      @key(fields: "badge { org number }", resolvable: false)
      @key(fields: "id badge { number region }")
      @key(fields: "id", resolvable: false)
      @key(fields: "handle", resolvable: false) {
      id: ID!
      handle: String!
      badge: Badge!
      name: String! @external
      greeting: String! @requires(fields: "name")
    }
    type Badge { org: String! number: Int! region: String! }
  `,
  resolvers: {
    Query: {
      team: () => ({ id: 't1' }),
    },
    Team: {
      members: () => PEOPLE.map(({ id, handle, badge }) => ({ id, handle, badge })),
      lead: () => null,
      alumni: () => [null, { id: 'u2', handle: 'bob', badge: PEOPLE[1]!.badge }],
    },
    Person: {
      __resolveReference: (ref: { id: string; badge: { number: number; region: string }; name?: string }) => {
        const person = personBy((p) => p.id === ref.id && p.badge.number === ref.badge.number && p.badge.region === ref.badge.region);
        return person && { id: person.id, handle: person.handle, badge: person.badge, name: ref.name };
      },
      greeting: ({ name }: { name?: string }) => {
        if (!name) throw new Error('Person.name was not provided');
        return `Hello, ${name}`;
      },
    },
  },
};

const AVATARS: Record<string, string> = { ada: 'ada.png', bob: 'bob.png' };

const directory = {
  name: 'directory',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
    type Person @key(fields: "handle") { handle: String! avatar: String }
  `,
  resolvers: {
    Person: { __resolveReference: ({ handle }: { handle: string }) => (handle in AVATARS ? { handle, avatar: AVATARS[handle] } : null) },
  },
};

const SHELVES = [
  { site: { code: 'north' }, position: 1, label: 'Books' },
  { site: { code: 'south' }, position: 1, label: 'Games' },
  { site: { code: 'north' }, position: 2, label: 'Music' },
];

const stores = {
  name: 'stores',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])
    type Query { shelves: [Shelf!]! }
    type Shelf @key(fields: "site { code } position") { site: Site! position: Int! }
    type Site @shareable { code: String! }
  `,
  resolvers: { Query: { shelves: () => SHELVES.map(({ site, position }) => ({ site, position })) } },
};

const labels = {
  name: 'labels',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])
    type Shelf @key(fields: "site { code } position") { site: Site! position: Int! label: String! }
    type Site @shareable { code: String! }
  `,
  resolvers: {
    Shelf: {
      __resolveReference: ({ site, position }: { site: { code: string }; position: number }) =>
        SHELVES.find((s) => s.site.code === site.code && s.position === position) ?? null,
    },
  },
};

export const keysSuite: Suite = {
  name: 'keys',
  subgraphs: [people, teams, directory, stores, labels],
  cases: [
    {
      name: 'entity fields from the subgraph that owns the primary key',
      query: '{ team { members { id name } } }',
      expected: { data: { team: { members: [{ id: 'u1', name: 'Ada' }, { id: 'u2', name: 'Bob' }] } } },
    },
    {
      name: 'entity resolved by a second key',
      query: '{ team { members { handle avatar } } }',
      expected: { data: { team: { members: [{ handle: 'ada', avatar: 'ada.png' }, { handle: 'bob', avatar: 'bob.png' }] } } },
    },
    {
      name: 'from one key to another through a third subgraph',
      query: '{ person(id: "u2") { name avatar } }',
      expected: { data: { person: { name: 'Bob', avatar: 'bob.png' } } },
    },
    {
      name: 'keys mixed across subgraphs: @requires back into the subgraph whose only resolvable key is a composite',
      apolloWrong: MIXED_KEYS,
      query: '{ team { id members { id name greeting } } }',
      expected: {
        data: { team: { id: 't1', members: [{ id: 'u1', name: 'Ada', greeting: 'Hello, Ada' }, { id: 'u2', name: 'Bob', greeting: 'Hello, Bob' }] } },
      },
    },
    {
      name: 'keys mixed across subgraphs, the same entities reached by two paths',
      query: '{ team { members { greeting } alumni { greeting avatar } } }',
      expected: {
        data: {
          team: {
            members: [{ greeting: 'Hello, Ada' }, { greeting: 'Hello, Bob' }],
            alumni: [null, { greeting: 'Hello, Bob', avatar: 'bob.png' }],
          },
        },
      },
      apolloWrong: MIXED_KEYS,
    },
    {
      name: 'keys mixed across subgraphs, entered from the other side',
      query: '{ person(id: "u1") { handle greeting } }',
      expected: { data: { person: { handle: 'ada', greeting: 'Hello, Ada' } } },
    },
    {
      name: 'composite key with a nested object',
      query: '{ shelves { site { code } position label } }',
      expected: {
        data: {
          shelves: [
            { site: { code: 'north' }, position: 1, label: 'Books' },
            { site: { code: 'south' }, position: 1, label: 'Games' },
            { site: { code: 'north' }, position: 2, label: 'Music' },
          ],
        },
      },
    },
    {
      name: 'composite key fields not asked for by the client',
      query: '{ shelves { label } }',
      expected: { data: { shelves: [{ label: 'Books' }, { label: 'Games' }, { label: 'Music' }] } },
    },
    {
      name: 'a null entity reference is not fetched',
      query: '{ team { lead { name avatar } } }',
      expected: { data: { team: { lead: null } } },
    },
    {
      name: 'a list of references with a null in it',
      query: '{ team { alumni { handle name avatar } } }',
      expected: { data: { team: { alumni: [null, { handle: 'bob', name: 'Bob', avatar: 'bob.png' }] } } },
    },
    {
      name: 'an entity that its subgraph does not find',
      query: '{ person(id: "nobody") { name avatar } }',
      expected: { data: { person: null } },
    },
  ],
};
