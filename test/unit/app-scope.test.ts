import { parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { rule } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/appDefinition.js';
import { appProblems, createAppScope, ownedSubgraphs, scopeApp } from '../../src/appScope.js';
import { compose, type SubgraphSdl } from '../../src/composition/compose.js';
import { fieldOwners } from '../../src/composition/fieldOwners.js';

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

function supergraph(...subgraphs: SubgraphSdl[]): string {
  const composed = compose(subgraphs);
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return composed.supergraphSdl;
}
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
});

describe('ownedSubgraphs', () => {
  it('the app’s in-process subgraphs by their local:// route, its remote ones by name', () => {
    expect(ownedSubgraphs(OWNS, ownersOf(users(), reviews(), accounts())).sort()).toEqual(['reviews', 'users']);
  });

  it('a foreign graph with subgraphs named like the app’s is not the app’s', () => {
    // `users` served over HTTP is someone else's users; without the app's in-process subgraph,
    // a `reviews` there is not the app's either.
    expect(ownedSubgraphs(OWNS, ownersOf(users('http://127.0.0.1:9/graphql'), reviews()))).toEqual([]);
    expect(ownedSubgraphs(undefined, ownersOf(users(), reviews()))).toEqual([]);
  });

  it('an app without in-process subgraphs is known by its remote names', () => {
    expect(ownedSubgraphs({ remote: ['reviews'] }, ownersOf(users('http://127.0.0.1:9/graphql'), reviews()))).toEqual(['reviews']);
  });
});

describe('scopeApp', () => {
  it('keeps each rule on the fields the app’s subgraphs resolve, and spells out type rules and `*`', () => {
    const [email, whole, root, name] = [r('email'), r('whole'), r('root'), r('name')];
    const app: AppDefinition = { owns: OWNS, rules: { User: { email, name }, Review: whole, Query: { '*': root } } };
    const scoped = scopeApp(app, ownersOf(users(), reviews(), accounts()));
    expect(scoped.problems).toEqual([]);
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
    expect(scoped).toEqual({ owned: [], rules: {}, purge: {}, keyFields: {}, problems: [], missing: [], waiting: [] });
  });

  it('while one of the app’s subgraphs is missing, what matches nothing waits for it', () => {
    const author = r('author');
    const app: AppDefinition = { owns: OWNS, rules: { Review: { author }, User: { emial: r('x') } } };
    const early = scopeApp(app, ownersOf(users()));
    expect(early).toMatchObject({ owned: ['users'], rules: {}, problems: [], missing: ['reviews'] });
    expect(early.waiting).toEqual(['rules.Review: the supergraph has no type Review', 'rules.User.emial: User has no field emial']);
    // reviews registered: the rule applies, and the typo is a problem.
    const later = scopeApp(app, ownersOf(users(), reviews()));
    expect(later).toMatchObject({ rules: { Review: { author } }, problems: ['rules.User.emial: User has no field emial'], missing: [], waiting: [] });
  });

  it('names every entry that matches nothing the app resolves', () => {
    const app: AppDefinition = {
      owns: OWNS,
      rules: { User: { emial: r('a'), nickname: r('b'), email: r('c') }, Usr: r('d'), Account: { '*': r('e') } },
      cache: { purge: { 'Mutation.createOrder': () => [], 'Query.accounts': () => [], bad: () => [] }, keyFields: { Review: 'sku', User: 'email' } },
    };
    const scoped = scopeApp(app, ownersOf(users(), reviews(), accounts('email: String! @shareable @override(from: "users")')));
    expect(scoped.problems).toEqual([
      'rules.User.emial: User has no field emial',
      "rules.User.nickname: User.nickname is resolved by accounts, not by the app's (users, reviews)",
      "rules.User.email: User.email is resolved by accounts, not by the app's (users, reviews)",
      'rules.Usr: the supergraph has no type Usr',
      'rules.Account: the supergraph has no type Account',
      'cache.purge["Mutation.createOrder"]: the supergraph has no type Mutation',
      `cache.purge["Query.accounts"]: Query.accounts is resolved by accounts, not by the app's (users, reviews)`,
      'cache.purge["bad"]: a purge rule is keyed by a mutation field, like "Mutation.createOrder"',
      'cache.keyFields.Review: Review has no field sku',
      "cache.keyFields.User: User.email is resolved by accounts, not by the app's (users, reviews)",
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
