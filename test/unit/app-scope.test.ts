import { parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { rule } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/appDefinition.js';
import { appProblems, appSubgraphsIn, createAppScope, refusable, scopeApp } from '../../src/appScope.js';
import type { SubgraphSdl } from '../../src/composition/compose.js';
import { fieldOwners } from '../../src/composition/fieldOwners.js';
import { supergraphOf } from '../helpers/supergraph.js';

const FED = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@external", "@provides", "@override"])`;

const USERS_SDL = `${FED}
  type Query { user(id: ID!): User }
  type User @key(fields: "id") { id: ID! email: String! @shareable name: String! @shareable }`;
const REVIEWS_SDL = `${FED}
  type Query { topReviews: [Review!]! }
  type Review @key(fields: "id") { id: ID! body: String! author: User! @provides(fields: "email") }
  type User @key(fields: "id") { id: ID! email: String! @external reviews: [Review!]! }`;

const users = (url = 'local://users'): SubgraphSdl => ({ name: 'users', url, sdl: USERS_SDL });
const reviews = (name = 'reviews'): SubgraphSdl => ({ name, url: 'http://127.0.0.1:9/graphql', sdl: REVIEWS_SDL });
/** Not the app's: shares `User.name`, has its own `User.nickname` and root field. */
const accounts = (extra = ''): SubgraphSdl => ({
  name: 'accounts',
  url: 'http://127.0.0.1:9/graphql',
  sdl: `${FED}
    type Query { accounts: [User!]! }
    type User @key(fields: "id") { id: ID! name: String! @shareable nickname: String ${extra} }`,
});

const supergraph = (...subgraphs: SubgraphSdl[]): string => supergraphOf(subgraphs);
const ownersOf = (...subgraphs: SubgraphSdl[]) => fieldOwners(parse(supergraph(...subgraphs)));

const r = (name: string) => rule(name)(() => true);
const OWNS = { inProcess: ['users'], remote: ['reviews'] } as const;

describe('fieldOwners', () => {
  it('reads which subgraphs resolve each field: shared, external and overridden fields', () => {
    const owners = ownersOf(users(), reviews(), accounts('email: String! @shareable @override(from: "users")'));
    expect(owners.graphs).toEqual(
      new Map([
        ['accounts', 'http://127.0.0.1:9/graphql'],
        ['reviews', 'http://127.0.0.1:9/graphql'],
        ['users', 'local://users'],
      ]),
    );
    const user = owners.types.get('User')!;
    expect([...user.graphs].sort()).toEqual(['accounts', 'reviews', 'users']);
    expect([...user.fields.get('id')!].sort()).toEqual(['accounts', 'reviews', 'users']);
    expect([...user.fields.get('name')!].sort()).toEqual(['accounts', 'users']);
    // users gave it up to accounts; reviews only references it (@external under @provides).
    expect(user.fields.get('email')).toEqual(['accounts']);
    expect(user.fields.get('reviews')).toEqual(['reviews']);
    expect(owners.types.get('Query')!.fields.get('accounts')).toEqual(['accounts']);
  });

  it('follows the join spec under another name (@link as:)', () => {
    const sdl = supergraph(users(), reviews()).replaceAll('join__', 'j__').replace('specs.apollo.dev/join/v0.5"', 'specs.apollo.dev/join/v0.5", as: "j"');
    const owners = fieldOwners(parse(sdl));
    expect(owners.graphs.get('users')).toBe('local://users');
    expect(owners.types.get('User')!.fields.get('email')).toEqual(['users']);
  });
  it('reads a federation 1 supergraph: a field without @join__field belongs to the type’s owner', () => {
    const owners = fieldOwners(
      parse(`
        schema @core(feature: "https://specs.apollo.dev/core/v0.1") @core(feature: "https://specs.apollo.dev/join/v0.1") { query: Query }
        enum join__Graph {
          ACCOUNTS @join__graph(name: "accounts", url: "http://127.0.0.1:9/a")
          REVIEWS @join__graph(name: "reviews", url: "http://127.0.0.1:9/r")
        }
        type Query { me: User @join__field(graph: ACCOUNTS) }
        type User @join__owner(graph: ACCOUNTS) @join__type(graph: ACCOUNTS, key: "id") @join__type(graph: REVIEWS, key: "id") {
          id: ID!
          name: String
          reviews: [String] @join__field(graph: REVIEWS)
        }
      `),
    );
    expect(owners.graphs.get('reviews')).toBe('http://127.0.0.1:9/r');
    const user = owners.types.get('User')!;
    expect(user.graphs).toEqual(['accounts', 'reviews']);
    expect(user.fields.get('name')).toEqual(['accounts']);
    expect(user.fields.get('reviews')).toEqual(['reviews']);
  });
});

describe('appSubgraphsIn', () => {
  it('the app’s in-process subgraphs by their local:// route, its remote ones by name', () => {
    expect(appSubgraphsIn(OWNS, ownersOf(users(), reviews(), accounts()))).toEqual({ owned: ['reviews', 'users'], missing: [] });
    expect(appSubgraphsIn({ inProcess: ['users', 'orders'], remote: ['reviews', 'inventory'] }, ownersOf(users(), accounts()))).toEqual({
      owned: ['users'],
      missing: ['orders', 'reviews', 'inventory'],
    });
  });

  it('a foreign graph with subgraphs named like the app’s is not the app’s', () => {
    // `users` served over HTTP is someone else's users; without the app's in-process subgraph,
    // a `reviews` there is not the app's either.
    const none = { owned: [], missing: [] };
    expect(appSubgraphsIn(OWNS, ownersOf(users('http://127.0.0.1:9/graphql'), reviews()))).toEqual(none);
    expect(appSubgraphsIn(undefined, ownersOf(users(), reviews()))).toEqual(none);
  });

  it('an app without in-process subgraphs is known by its remote names', () => {
    expect(appSubgraphsIn({ remote: ['reviews'] }, ownersOf(users('http://127.0.0.1:9/graphql'), reviews()))).toEqual({ owned: ['reviews'], missing: [] });
  });
});

describe('scopeApp', () => {
  it('keeps each rule on the fields the app’s subgraphs resolve, and spells out type rules and `*`', () => {
    const [email, whole, root, name] = [r('email'), r('whole'), r('root'), r('name')];
    const app: AppDefinition = { owns: OWNS, rules: { User: { email, name }, Review: whole, Query: { '*': root } } };
    const scoped = scopeApp(app, ownersOf(users(), reviews(), accounts()));
    expect(scoped.unmatched).toEqual([]);
    expect(scoped.rules).toEqual({
      // name is shared with accounts: the app's users resolves it too, so its rule holds.
      User: { email, name },
      Review: { id: whole, body: whole, author: whole },
      // accounts' own root field gets no app rule.
      Query: { user: root, topReviews: root },
    });
  });

  it('applies nothing to a graph the app is not in, and finds nothing wrong there', () => {
    const app: AppDefinition = { owns: OWNS, rules: { User: { email: r('email') }, Mutation: { createOrder: r('x') } }, cache: { keyFields: { Product: 'sku' } } };
    const scoped = scopeApp(app, ownersOf(users('http://127.0.0.1:9/graphql'), reviews()));
    expect(scoped).toEqual({ owned: [], missing: [], rules: {}, purge: {}, keyFields: {}, unmatched: [] });
  });

  it('while one of the app’s subgraphs is missing, what matches nothing waits for it', () => {
    const author = r('author');
    const app: AppDefinition = { owns: OWNS, rules: { Review: { author }, User: { emial: r('x') } } };
    const early = scopeApp(app, ownersOf(users()));
    expect(early).toMatchObject({ owned: ['users'], rules: {}, missing: ['reviews'] });
    expect(early.unmatched).toEqual(['rules.Review: the supergraph has no type Review', 'rules.User.emial: User has no field emial']);
    expect(refusable(early)).toEqual([]);
    // reviews registered: the rule applies, and the typo is a problem.
    const later = scopeApp(app, ownersOf(users(), reviews()));
    expect(later).toMatchObject({ rules: { Review: { author } }, unmatched: ['rules.User.emial: User has no field emial'], missing: [] });
    expect(refusable(later)).toEqual(['rules.User.emial: User has no field emial']);
  });

  it('names every entry that matches nothing the app resolves', () => {
    const app: AppDefinition = {
      owns: OWNS,
      rules: { User: { emial: r('a'), nickname: r('b'), email: r('c') }, Usr: r('d'), Account: { '*': r('e') } },
      cache: { purge: { 'Mutation.createOrder': () => [], 'Query.accounts': () => [], bad: () => [] }, keyFields: { Review: 'sku', User: 'email' } },
    };
    const scoped = scopeApp(app, ownersOf(users(), reviews(), accounts('email: String! @shareable @override(from: "users")')));
    expect(scoped.unmatched).toEqual([
      'rules.User.emial: User has no field emial',
      "rules.User.nickname: User.nickname is resolved by accounts, not by the app's (reviews, users)",
      "rules.User.email: User.email is resolved by accounts, not by the app's (reviews, users)",
      'rules.Usr: the supergraph has no type Usr',
      'rules.Account: the supergraph has no type Account',
      'cache.purge["Mutation.createOrder"]: the supergraph has no type Mutation',
      `cache.purge["Query.accounts"]: Query.accounts is resolved by accounts, not by the app's (reviews, users)`,
      'cache.purge["bad"]: a purge rule is keyed by a mutation field, like "Mutation.createOrder"',
      'cache.keyFields.Review: Review has no field sku',
      "cache.keyFields.User: User.email is resolved by accounts, not by the app's (reviews, users)",
    ]);
    expect(scoped.rules).toEqual({});
  });

  it('is computed once per supergraph', () => {
    const scope = createAppScope({ owns: OWNS, rules: { User: { email: r('email') } } });
    const sdl = supergraph(users(), reviews());
    expect(scope(sdl)).toBe(scope(sdl));
    expect(() => createAppScope({ rules: { User: { email: 'yes' as never } } })).toThrow('rules.User.email must be a graphql-shield rule');
  });
});

describe('appProblems', () => {
  const schema = buildSubgraphSchema({ typeDefs: parse(USERS_SDL) });
  it('rules with no subgraph named, an undeclared in-process subgraph, a hint for nothing', () => {
    expect(appProblems({ rules: { User: { email: r('x') } } }, [])).toEqual([
      'owns: the app has rules or cache rules but names none of its subgraphs (owns.inProcess, owns.remote), so they would apply to nothing',
    ]);
    expect(appProblems({ owns: { inProcess: ['people'] }, cache: { hints: { User: { maxAge: 5 }, 'User.email': {}, 'User.mail': {}, Nope: {} } } }, [{ name: 'users', schema }])).toEqual([
      'subgraphs: the in-process subgraph users is not named in owns.inProcess',
      'cache.hints["User.mail"]: no in-process subgraph has a field User.mail',
      'cache.hints["Nope"]: no in-process subgraph has a type Nope',
    ]);
    expect(appProblems({ owns: { inProcess: ['users'] }, rules: { User: { email: r('x') } } }, [{ name: 'users', schema }])).toEqual([]);
  });
});
