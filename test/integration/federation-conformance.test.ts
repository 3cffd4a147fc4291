import '../../src/gateway/noTelemetry.js';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { rule } from 'graphql-shield';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { metrics } from '../../src/observability/metrics.js';
import { policyError, type RuleTree } from '../../src/policy/rules.js';
import { fixtureUsers, receivedRepresentations, refusals, resetData, startFederationFixture, type FederationFixture } from '../fixtures/federation/index.js';
import { supergraphOf } from '../helpers/supergraph.js';
import { appServing, supergraphFiles } from '../helpers/supergraphApp.js';

/**
 * Differential conformance: every operation below is sent to stock `@apollo/gateway` (in a plain
 * ApolloServer) and to Tessera, both over HTTP and over the same supergraph and subgraph servers,
 * and the answers must be equal: `data`, and each error's message, path and `extensions.code`.
 * Other extensions (Tessera adds `serviceName` and more) are not compared, nor `locations`.
 *
 * Where stock Apollo answers wrongly (a `@requires` with arguments beside the same field asked with
 * others, progressive `@override` labels), Tessera does not match it: those cases are in
 * test/federation/ with their correct answers.
 *
 * Differences, asserted as such where they occur (`differs`):
 * - a subgraph that is down: stock Apollo reports `INTERNAL_SERVER_ERROR` with the raw HTTP status
 *   line ("503: Service Unavailable") and no path; Tessera reports `SUBGRAPH_UNAVAILABLE` with the
 *   subgraph's name (its error table, src/errors/codes.ts), at the path of each field the failed
 *   fetch would have filled. `data` and the null it leaves are the same.
 * - a subgraph that answers HTTP 500 with a GraphQL body: stock reports "500: Internal Server
 *   Error"; Tessera passes on the subgraph's own errors (message and code).
 * - an `operationName` the document does not define: stock answers 500 `INVALID_GRAPHQL`;
 *   Tessera answers 400 `OPERATION_RESOLUTION_FAILURE` (src/graphql/plugins/useRequestErrors.ts).
 * - (edge policy, below) an error on an entity that is only one of a list's items: stock puts it at
 *   the entity's index among the fetched entities, Tessera at the item's position in the list.
 */

interface Case {
  readonly name: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
  readonly method?: 'GET' | 'POST';
  /** What stock Apollo answers, so a case that fails the same way on both sides cannot pass unnoticed. */
  readonly expect: 'data' | 'data+errors' | 'errors' | 'null-data';
  /** A known difference (listed above): each side's errors, as normalized; data (and status unless given) must still match. */
  readonly differs?: { readonly stock: ErrorShape[]; readonly tessera: ErrorShape[]; readonly status?: { stock: number; tessera: number } };
}

interface ErrorShape {
  message: string;
  path?: unknown[];
  code?: unknown;
}

interface Wire {
  status: number;
  body: {
    data?: unknown;
    errors?: { message: string; path?: unknown[]; extensions?: { code?: unknown } }[];
    extensions?: { valueCompletion?: { message: string; path?: unknown[]; extensions?: { code?: unknown } }[] };
  };
}

const errorsOf = ({ body }: Wire): ErrorShape[] | undefined =>
  body.errors?.map(({ message, path, extensions }) => ({ message, path, code: extensions?.code }));
const normalize = (wire: Wire) => ({
  status: wire.status,
  data: wire.body.data,
  errors: errorsOf(wire),
  // The gateway's report of values it had to null (e.g. a subgraph returned the wrong type).
  valueCompletion: wire.body.extensions?.valueCompletion?.map(({ message, path, extensions }) => ({ message, path, code: extensions?.code })),
});

/** Asserts the kind of answer stock Apollo gave, so a case cannot pass by failing the same way on both sides. */
function expectShape(wire: Wire, shape: Case['expect']) {
  if (shape === 'errors' || shape === 'null-data') {
    expect(wire.body.data ?? null).toBeNull();
  } else {
    expect(wire.body.data).toBeTypeOf('object');
    expect(wire.body.data).not.toBeNull();
  }
  if (shape === 'data' || shape === 'null-data') expect(wire.body.errors).toBeUndefined();
  else expect(wire.body.errors?.length).toBeGreaterThan(0);
}

async function send(url: string, c: Case): Promise<Wire> {
  const accept = 'application/graphql-response+json, application/json;q=0.9';
  const res =
    c.method === 'GET'
      ? await fetch(`${url}?${new URLSearchParams({ query: c.query, ...(c.variables ? { variables: JSON.stringify(c.variables) } : {}) })}`, {
          headers: { accept, 'apollo-require-preflight': 'true' },
        })
      : await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify({ query: c.query, variables: c.variables, operationName: c.operationName }),
        });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new Error(`Not JSON (${res.status}): ${text.slice(0, 300)}`);
  }
}

const CASES: Case[] = [
  { name: 'root __typename', query: '{ __typename }', expect: 'data' },
  { name: 'one subgraph', query: '{ me { id name email tier city __typename } }', expect: 'data' },
  { name: 'entity fetch by the second key (email)', query: '{ topProducts(first: 2) { upc createdBy { __typename email name tier city } } }', expect: 'data' },
  { name: 'entity fields from another subgraph', query: '{ topProducts(first: 3) { upc name price inStock } }', expect: 'data' },
  {
    name: 'entity chain over four subgraphs (compound key, null key part)',
    query: '{ me { name reviews { body product { __typename sku region name price inStock warehouse { name } } } } }',
    expect: 'data+errors',
  },
  {
    name: '@requires with a field argument and a nested selection',
    query: '{ topProducts(first: 3) { name shippingEstimate intl: shippingEstimate(zone: "intl") } }',
    expect: 'data',
  },
  {
    name: '@requires next to other fields of the same subgraph',
    query: '{ topProducts(first: 2) { kg: weight(unit: KILOGRAM) dimensions { weightKg } shippingEstimate } }',
    expect: 'data',
  },
  { name: '@provides served by the providing subgraph', query: '{ reviews { id author { name } } }', expect: 'data' },
  { name: '@provides plus a field only the owner has (and an unknown entity)', query: '{ reviews { id author { id name tier } } }', expect: 'data' },
  { name: '@shareable root field in two subgraphs', query: '{ serverInfo { version } me { id } }', expect: 'data' },
  { name: '@override', query: '{ me { reviewCount } users { id reviewCount } }', expect: 'data' },
  { name: '@inaccessible field', query: '{ me { id secret } }', expect: 'errors' },
  { name: '@inaccessible field of another subgraph', query: '{ product(upc: "p1") { internalCode } }', expect: 'errors' },
  {
    name: '@inaccessible parts hidden from introspection; enum values intersected',
    query:
      '{ user: __type(name: "User") { fields { name } } audit: __type(name: "Audit") { name } region: __type(name: "Region") { enumValues { name } } }',
    expect: 'data',
  },
  {
    name: 'interface with entity implementations across subgraphs',
    query: '{ items { __typename upc name ... on Product { price inStock } ... on Book { pages inStock } } }',
    expect: 'data',
  },
  {
    name: 'interface declared in two subgraphs, field from the other one',
    query: '{ itemsInStock { __typename upc name ... on Book { pages } ... on Product { price } } }',
    expect: 'data',
  },
  {
    name: 'entity interface, fields from the @interfaceObject subgraph',
    query: '{ accounts { __typename id handle trustScore ... on BusinessAccount { company } ... on PersonalAccount { displayName } } }',
    expect: 'data',
  },
  {
    name: '@interfaceObject root list, typename and fields from the interface owner',
    query: '{ topAccounts { __typename id trustScore handle ... on BusinessAccount { company } } }',
    expect: 'data',
  },
  {
    name: 'union whose members live in other subgraphs',
    query: '{ search(term: "a") { __typename ... on User { name reviews { rating } } ... on Product { title: name inStock } } }',
    expect: 'data',
  },
  {
    name: 'union across subgraphs (review or user)',
    query: '{ feed { __typename ... on Review { body author { name } } ... on User { id name email } } }',
    expect: 'data',
  },
  {
    name: 'named fragments on abstract types, nested',
    query: `query Frags { items { ...ItemParts } itemsInStock { ...ItemParts } }
      fragment ItemParts on Item { __typename upc ... on Book { ...BookParts } ... on Product { ...ProductParts } }
      fragment BookParts on Book { pages name inStock }
      fragment ProductParts on Product { price reviews { rating } }`,
    expect: 'data',
  },
  {
    name: 'aliases that collide with field names',
    query: '{ topProducts(first: 2) { inStock: name name: inStock weight: price price: weight } me { name: email email: name tier: __typename } }',
    expect: 'data',
  },
  {
    // A known @apollo/gateway limitation: an alias named like a key field the plan needs clashes
    // with it, and stock answers `data: null` with `extensions.valueCompletion`. Tessera must match.
    name: 'an alias that shadows a key field',
    query: '{ topProducts(first: 2) { upc: price inStock } }',
    expect: 'null-data',
  },
  {
    name: 'aliases of the same field with different arguments',
    query: '{ a: product(upc: "p1") { name inStock } b: product(upc: "p3") { name inStock } none: product(upc: "zz") { name } }',
    expect: 'data',
  },
  {
    name: '@skip/@include with variables (all on)',
    query: `query Flags($stock: Boolean!, $noPrice: Boolean!, $who: Boolean = true) {
      topProducts(first: 2) { name inStock @include(if: $stock) price @skip(if: $noPrice) ... on Product @include(if: $who) { createdBy { name tier } } }
    }`,
    variables: { stock: true, noPrice: false },
    expect: 'data',
  },
  {
    name: '@skip/@include with variables (all off)',
    query: `query Flags($stock: Boolean!, $noPrice: Boolean!, $who: Boolean = true) {
      topProducts(first: 2) { name inStock @include(if: $stock) price @skip(if: $noPrice) ... on Product @include(if: $who) { createdBy { name tier } } }
    }`,
    variables: { stock: false, noPrice: true, who: false },
    expect: 'data',
  },
  { name: 'lists with nulls', query: '{ users { id name reviews { id } } product(upc: "p1") { tags } p3: product(upc: "p3") { tags } }', expect: 'data' },
  {
    name: 'non-null field failing on one entity nulls that entity only',
    query: '{ products(upcs: ["p1", "p-broken", "p2"]) { upc name inStock } }',
    expect: 'data+errors',
  },
  {
    name: 'the same entities several times in a list, with errors on the repeated ones',
    query: '{ products(upcs: ["p1", "p2", "p1", "p-broken", "p2", "zz", "p-broken", "p1"]) { upc name inStock warehouse { id name } } }',
    expect: 'data+errors',
  },
  {
    name: 'repeated entities several levels deep (reviews → authors → their reviews)',
    query: '{ reviews { id author { id name reviews { id product { upc name inStock } } } } }',
    expect: 'data',
  },
  {
    name: 'non-null field failing on the one entity a root field returns',
    query: '{ product(upc: "p-broken") { upc name inStock } me { id } }',
    expect: 'data+errors',
  },
  {
    name: 'subgraph error on an entity field: path and extensions',
    query: '{ topProducts(first: 3) { upc warehouse { id name } } }',
    expect: 'data+errors',
  },
  { name: 'root field error next to a good one', query: '{ boom me { id } }', expect: 'data+errors' },
  { name: 'subgraph error without a code', query: '{ plainFailure serverInfo { version } }', expect: 'data+errors' },
  {
    name: 'introspection of the API schema',
    query: '{ __schema { queryType { name } mutationType { name } subscriptionType { name } types { name kind possibleTypes { name } } } }',
    expect: 'data',
  },
  { name: 'a query over GET', query: 'query Get($n: Int) { topProducts(first: $n) { upc inStock } }', variables: { n: 2 }, method: 'GET', expect: 'data' },
  {
    name: 'mutations run in order across subgraphs, input object variables',
    query: `mutation Seq($input: NewUserInput!) {
      first: createUser(input: $input) { __typename id name tier city reviewCount }
      addReview(authorId: "u100", body: "Hello", rating: 4) { id body author { id name tier } }
      renameUser(id: "u100", name: "Renamed") { id name reviews { body } }
    }`,
    variables: { input: { name: 'New', email: 'new@example.com', address: { city: 'Oslo' } } },
    expect: 'data',
  },
  {
    name: 'mutation that fails halfway',
    query: 'mutation { addReview(authorId: "nobody", body: "x") { id } createUser(input: { name: "B", email: "b@example.com", tier: PRO }) { id tier } }',
    expect: 'errors',
  },
  { name: 'mutation __typename', query: 'mutation { __typename }', expect: 'data' },
  {
    name: 'input object variable in a query',
    query: 'query Filter($f: UserFilter!) { usersMatching(filter: $f) { id name } }',
    variables: { f: { tiers: ['FREE'], nameContains: 'a' } },
    expect: 'data',
  },
  { name: 'enum value in the intersection', query: '{ productsIn(region: EU) { name } usersIn(region: US) { name } }', expect: 'data' },
  { name: 'enum value dropped by the intersection (literal)', query: '{ productsIn(region: LATAM) { name } }', expect: 'errors' },
  {
    name: 'enum value dropped by the intersection (variable)',
    query: 'query R($r: Region!) { usersIn(region: $r) { name } }',
    variables: { r: 'APAC' },
    expect: 'errors',
  },
  {
    name: 'null entity and a null key part',
    query: '{ reviews { id product { sku region name reviews { id } } } }',
    expect: 'data',
  },
  { name: '__typename everywhere', query: '{ __typename me { __typename reviews { __typename product { __typename } author { __typename } } } }', expect: 'data' },
  {
    name: 'operationName picks one of several operations',
    query: 'query A { me { id } } query B { serverInfo { version } }',
    operationName: 'B',
    expect: 'data',
  },
  { name: 'variable of the wrong type', query: 'query N($n: Int) { topProducts(first: $n) { upc } }', variables: { n: 'x' }, expect: 'errors' },
  { name: 'validation error', query: '{ me { nope } }', expect: 'errors' },
  {
    name: 'subgraph down',
    query: '{ me { id } legacyNote }',
    expect: 'data+errors',
    differs: {
      stock: [{ message: '503: Service Unavailable', path: undefined, code: 'INTERNAL_SERVER_ERROR' }],
      tessera: [{ message: 'Subgraph "legacy" answered HTTP 503.', path: ['legacyNote'], code: 'SUBGRAPH_UNAVAILABLE' }],
    },
  },
  {
    // A 5xx whose body is a GraphQL response: stock Apollo reports the HTTP status line; Tessera
    // passes on what the subgraph said (src/gateway/subgraphCall/useFailureErrors.ts).
    name: 'subgraph answers 500 with a GraphQL error body',
    query: '{ me { id } legacyStatus }',
    expect: 'data+errors',
    differs: {
      stock: [{ message: '500: Internal Server Error', path: undefined, code: 'INTERNAL_SERVER_ERROR' }],
      tessera: [{ message: 'legacy exploded', path: undefined, code: 'LEGACY_DOWN' }],
    },
  },
  {
    name: 'unknown operationName',
    query: 'query A { me { id } }',
    operationName: 'Nope',
    expect: 'errors',
    differs: {
      stock: [{ message: 'Unknown operation named "Nope".', path: undefined, code: 'INVALID_GRAPHQL' }],
      tessera: [{ message: 'Unknown operation named "Nope".', path: undefined, code: 'OPERATION_RESOLUTION_FAILURE' }],
      status: { stock: 500, tessera: 400 },
    },
  },
];

/**
 * The edge policy, checked the same way: Tessera with rules denying these fields must answer like
 * stock Apollo over subgraphs that refuse the same fields themselves (their resolvers throw
 * FORBIDDEN with the same message) — the answer GraphQL gives when a field's own resolver fails.
 * This exercises pruning, null propagation and error splicing (src/policy/) against the
 * gateway's own null propagation. Errors are compared as a set: Tessera appends its denials after
 * the subgraphs' errors, and GraphQL gives the order of errors no meaning.
 */
const DENIED = [
  'Query.serverInfo',
  'Mutation.renameUser',
  'User.tier',
  'Product.inStock',
  'Review.rating',
  'Book.pages',
  // Rules are per object type, as with graphql-shield; the interface object's field in its subgraph is `Account.trustScore`.
  'Account.trustScore',
  'PersonalAccount.trustScore',
  'BusinessAccount.trustScore',
];

function denyingRules(coordinates: readonly string[]): RuleTree {
  const denied = rule('conformanceDenied', { cache: 'contextual' })(() => policyError('FORBIDDEN', refusals.message));
  const tree: Record<string, Record<string, typeof denied>> = {};
  for (const coordinate of coordinates) {
    const [type, field] = coordinate.split('.') as [string, string];
    (tree[type] ??= {})[field] = denied;
  }
  return tree;
}

const POLICY_CASES: Case[] = [
  { name: 'a denied field of the root subgraph', query: '{ me { id name tier } }', expect: 'data+errors' },
  { name: 'a denied field reached through an entity fetch', query: '{ topProducts(first: 2) { upc createdBy { name tier } } }', expect: 'data+errors' },
  { name: 'a denied nullable field in a list', query: '{ reviews { id rating author { name } } }', expect: 'data+errors' },
  { name: 'a denied non-null field in a non-null list nulls the root', query: '{ topProducts(first: 3) { upc inStock } }', expect: 'errors' },
  { name: 'a denied non-null field in a nullable list', query: '{ products(upcs: ["p1", "zz", "p2"]) { upc inStock } me { id } }', expect: 'data+errors' },
  {
    name: 'a denied non-null field under a nullable entity, deep',
    query: '{ me { name reviews { body rating product { name inStock } } } }',
    expect: 'data+errors',
  },
  {
    name: 'denied fields in inline fragments on an interface',
    query: '{ items { __typename upc ... on Product { inStock price } ... on Book { pages inStock } } }',
    expect: 'errors',
  },
  {
    name: 'denied fields of an entity interface and its @interfaceObject',
    query: '{ accounts { __typename handle trustScore } topAccounts { id ... on BusinessAccount { trustScore company } } }',
    expect: 'data+errors',
  },
  {
    name: 'a denied field in a named fragment spread at several paths',
    query: 'query Frag { me { ...U } users { ...U } } fragment U on User { id name tier }',
    expect: 'data+errors',
  },
  {
    // Stock Apollo misplaces a subgraph error from an entity fetch when the entities are only some
    // of a list's items: it reports the entity's index among the fetched entities (0), not its
    // position in the list (1). Tessera puts its denial where the null is.
    name: 'a denied entity field on one member of a union list',
    query: '{ feed { __typename ... on User { id tier } ... on Review { id } } }',
    expect: 'data+errors',
    differs: {
      stock: [{ message: 'Denied by policy.', path: ['feed', 0, 'tier'], code: 'FORBIDDEN' }],
      tessera: [{ message: 'Denied by policy.', path: ['feed', 1, 'tier'], code: 'FORBIDDEN' }],
    },
  },
  { name: 'a denied field under aliases', query: '{ a: me { t: tier n: name } b: me { tier } }', expect: 'data+errors' },
  {
    name: 'a denied field behind @include (excluded)',
    query: 'query Inc($yes: Boolean!) { me { id tier @include(if: $yes) } }',
    variables: { yes: false },
    expect: 'data',
  },
  {
    name: 'a denied field behind @include (included)',
    query: 'query Inc($yes: Boolean!) { me { id tier @include(if: $yes) } }',
    variables: { yes: true },
    expect: 'data+errors',
  },
  { name: 'a denied non-null root field next to a good one', query: '{ serverInfo { version } me { id } }', expect: 'errors' },
  { name: 'only a denied non-null root field', query: '{ serverInfo { version } }', expect: 'errors' },
  {
    name: 'a denied mutation between allowed ones',
    query: `mutation Three {
      createUser(input: { name: "N", email: "n@example.com" }) { id name tier }
      renameUser(id: "u1", name: "Renamed") { id name }
      again: createUser(input: { name: "M", email: "m@example.com" }) { id }
    }`,
    expect: 'data+errors',
  },
  { name: 'only a denied nullable mutation', query: 'mutation { renameUser(id: "u1", name: "Renamed") { id name } }', expect: 'data+errors' },
];

const sortedErrors = (wire: Wire) => errorsOf(wire)?.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('federation conformance: Tessera answers like stock @apollo/gateway', () => {
  let fixture: FederationFixture;
  let removeFiles: (() => Promise<void>) | undefined;
  let stock: { server: ApolloServer; url: string } | undefined;
  let tessera: App | undefined;
  let guarded: App | undefined;

  beforeAll(async () => {
    fixture = await startFederationFixture();
    const supergraphSdl = supergraphOf(fixture.subgraphs);
    const { files, remove } = await supergraphFiles({ supergraph: supergraphSdl });
    removeFiles = remove;

    const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    stock = { server, url };

    tessera = appServing(files.supergraph);
    // An app over these subgraphs, as if they were its own (its rules apply to their fields only).
    const owns = { remote: fixture.subgraphs.map((s) => s.name) };
    guarded = appServing(files.supergraph, {}, { app: { owns, rules: denyingRules(DENIED) } });
    await Promise.all([tessera.start(), guarded.start()]);
  });

  afterAll(async () => {
    refusals.fields.clear();
    await tessera?.stop();
    await guarded?.stop();
    await stock?.server.stop();
    await fixture?.close();
    await removeFiles?.();
  });

  it('Tessera runs plans with its own executor (stock, in the same process, with Apollo\'s)', async () => {
    const tesseraRuns = async () => (await metrics.queryPlans.get()).values.find((v) => v.labels.executor === 'tessera')?.value ?? 0;
    const before = await tesseraRuns();
    await send(stock!.url, CASES[0]!);
    expect(await tesseraRuns()).toBe(before);
    await send(`${tessera!.url}/graphql`, CASES[0]!);
    expect(await tesseraRuns()).toBe(before + 1);
  });

  it('sends each distinct representation once, where stock sends one per entity', async () => {
    const c: Case = { name: 'repeats', query: '{ products(upcs: ["p1", "p2", "p1", "p1", "p2"]) { upc inStock } }', expect: 'data' };
    receivedRepresentations.clear();
    const expected = await send(stock!.url, c);
    const stockSent = receivedRepresentations.get('inventory');
    receivedRepresentations.clear();
    const actual = await send(`${tessera!.url}/graphql`, c);
    const tesseraSent = receivedRepresentations.get('inventory');
    expect(stockSent?.map((r) => r.length)).toEqual([5]);
    expect(tesseraSent?.map((r) => r.length)).toEqual([2]);
    expect(new Set(tesseraSent![0]!.map((r) => JSON.stringify(r)))).toEqual(new Set(stockSent![0]!.map((r) => JSON.stringify(r))));
    expect(normalize(actual)).toEqual(normalize(expected));
    expect((actual.body.data as { products: { upc: string }[] }).products.map((p) => p.upc)).toEqual(['p1', 'p2', 'p1', 'p1', 'p2']);
  });

  it.each(CASES)('$name', async (c) => {
    resetData();
    const expected = await send(stock!.url, c);
    resetData();
    const actual = await send(`${tessera!.url}/graphql`, c);
    expectShape(expected, c.expect);
    if (!c.differs) {
      expect(normalize(actual)).toEqual(normalize(expected));
      return;
    }
    expect(errorsOf(expected)).toEqual(c.differs.stock);
    expect(errorsOf(actual)).toEqual(c.differs.tessera);
    expect(actual.body.data).toEqual(expected.body.data);
    expect(actual.status).toBe(c.differs.status?.tessera ?? expected.status);
    expect(expected.status).toBe(c.differs.status?.stock ?? actual.status);
  });

  describe('edge policy: a denied field answers like a subgraph refusing it', () => {
    it.each(POLICY_CASES)('$name', async (c) => {
      resetData();
      refusals.fields = new Set(DENIED);
      let expected: Wire;
      try {
        expected = await send(stock!.url, c);
      } finally {
        refusals.fields = new Set();
      }
      const stockUsers = JSON.stringify([...fixtureUsers()]);
      resetData();
      const actual = await send(`${guarded!.url}/graphql`, c);
      expectShape(expected, c.expect);
      expect((expected.body.errors ?? []).every((e) => e.extensions?.code !== 'FORBIDDEN' || e.message === refusals.message)).toBe(true);
      if (c.differs) {
        expect(sortedErrors(expected)).toEqual(c.differs.stock);
        expect(sortedErrors(actual)).toEqual(c.differs.tessera);
        expect(actual.body.data).toEqual(expected.body.data);
        expect(actual.status).toBe(expected.status);
      } else {
        expect({ ...normalize(actual), errors: sortedErrors(actual) }).toEqual({ ...normalize(expected), errors: sortedErrors(expected) });
      }
      // What a denied mutation would have changed, it did not change on either side.
      expect(JSON.stringify([...fixtureUsers()])).toBe(stockUsers);
    });
  });
});
