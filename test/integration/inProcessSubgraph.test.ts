import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/auth/viewer.js';
import { SubgraphDataSource } from '../../src/gateway/subgraphCall/dataSource.js';
import { inProcessSubgraphCall } from '../../src/gateway/subgraphCall/hooks.js';
import { InProcessTransport } from '../../src/gateway/subgraphCall/inProcessTransport.js';
import type { TesseraContext } from '../../src/graphql/context.js';
import { useLocalSubgraphs } from '../helpers/stack.js';

const stack = useLocalSubgraphs();

const context = (): TesseraContext => ({ requestId: 'r', viewer: ANONYMOUS, log: pino({ level: 'silent' }), ip: '127.0.0.1', headers: {}, exchange: {} });
const schemaOf = (name: string) => stack.local.subgraphs.find((s) => s.name === name)!.schema;
/** What a client would see: data and each error's message, path and extensions. */
const seen = (result: { data?: unknown; errors?: readonly { message: string; path?: unknown; extensions?: unknown }[] }) =>
  JSON.parse(JSON.stringify({ data: result.data ?? null, errors: (result.errors ?? []).map((e) => ({ message: e.message, path: e.path, extensions: e.extensions ?? {} })) })) as unknown;

/** An in-process subgraph as the gateway builds it, and its transport (which says what it compiled). */
function inProcess(name: string, schema: GraphQLSchema) {
  const transport = new InProcessTransport(schema);
  return { dataSource: new SubgraphDataSource(name, inProcessSubgraphCall(transport)), isCompiled: (query: string) => transport.isCompiled(query) };
}

async function viaDataSource(source: ReturnType<typeof inProcess>, query: string, variables: Record<string, unknown>) {
  const options = { kind: 'health check', request: { query, variables }, context: context() } as unknown as GraphQLDataSourceProcessOptions<TesseraContext>;
  return seen(await source.dataSource.process(options));
}

const CASES: { name: string; subgraph: string; query: string; variables?: Record<string, unknown> }[] = [
  { name: 'a user, with aliases and __typename', subgraph: 'users', query: '{ user(id: "1") { __typename id n: name email } }' },
  { name: 'a list with an unknown id (NOT_FOUND at its position)', subgraph: 'users', query: '{ users(ids: ["2", "nope", "1"]) { id name } }' },
  {
    name: 'entities by representation, one unknown',
    subgraph: 'catalog',
    query: 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Product { sku title price } } }',
    variables: { r: [{ __typename: 'Product', sku: 'SKU-0001' }, { __typename: 'Product', sku: 'SKU-9999' }, { __typename: 'Product', sku: 'SKU-0002' }] },
  },
  { name: 'a bad argument (BAD_USER_INPUT)', subgraph: 'catalog', query: '{ searchProducts(query: "a", first: -1) { sku } }' },
  { name: 'an order with nested lists and keys', subgraph: 'orders', query: '{ order(id: "1") { id status total items { quantity unitPrice product { sku } } user { id } } }' },
  {
    name: "users' orders through entities",
    subgraph: 'orders',
    query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders(first: 2) { id status } } } }',
    variables: { r: [{ __typename: 'User', id: '1' }, { __typename: 'User', id: '2' }] },
  },
  { name: 'the dashboard across three services', subgraph: 'bff', query: '{ dashboard(userId: "1") { user { id } recentOrders { id } recommendedProducts { sku } } }' },
];

describe('in-process subgraphs: compiled execution answers as graphql-js does', () => {
  it.each(CASES)('$name', async ({ subgraph, query, variables = {} }) => {
    const schema = schemaOf(subgraph);
    const expected = seen(await execute({ schema, document: parse(query), variableValues: variables, contextValue: context() }));
    const source = inProcess(subgraph, schema);
    // First run on graphql-js, then compiled.
    expect(await viaDataSource(source, query, variables)).toEqual(expected);
    expect(source.isCompiled(query)).toBe(false);
    expect(await viaDataSource(source, query, variables)).toEqual(expected);
    expect(source.isCompiled(query)).toBe(true);
    expect(await viaDataSource(source, query, variables)).toEqual(expected);
  });

  it('a failing service gives the same error from compiled code', async () => {
    const query = '{ product(sku: "SKU-0003") { sku title } }';
    const source = inProcess('catalog', schemaOf('catalog'));
    await viaDataSource(source, query, {});
    await viaDataSource(source, query, {});
    expect(source.isCompiled(query)).toBe(true);
    stack.mocks.catalog.setFaults({ status: 503 });
    try {
      const expected = seen(await execute({ schema: schemaOf('catalog'), document: parse(query), contextValue: context() }));
      expect((expected as { errors: unknown[] }).errors.length).toBe(1);
      expect(await viaDataSource(source, query, {})).toEqual(expected);
    } finally {
      stack.mocks.catalog.clearFaults();
    }
  });

  it('an invalid query is refused without running, every time', async () => {
    const source = inProcess('users', schemaOf('users'));
    for (let i = 0; i < 3; i++) {
      const answer = (await viaDataSource(source, '{ user(id: "1") { nope } }', {})) as { errors: { message: string }[] };
      expect(answer.errors[0]!.message).toMatch(/nope/);
    }
    expect(source.isCompiled('{ user(id: "1") { nope } }')).toBe(false);
  });
});
