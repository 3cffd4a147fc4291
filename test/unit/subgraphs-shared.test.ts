import { buildSchema, parse, type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode, type GraphQLObjectType, GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/auth/viewer.js';
import type { TesseraContext } from '../../src/graphql/context.js';
import { RestError } from '../../src/subgraphs/rest/restClient.js';
import { fromRestError } from '../../src/subgraphs/shared/errors.js';
import { perRequest } from '../../src/subgraphs/shared/perRequest.js';
import { keyList } from '../../src/subgraphs/shared/restCall.js';
import { selectedFieldNames } from '../../src/subgraphs/shared/selection.js';

const context = (): TesseraContext => ({
  requestId: 'req-1',
  viewer: ANONYMOUS,
  log: pino({ level: 'silent' }),
  ip: '127.0.0.1',
  headers: {},
  exchange: {},
});

describe('selectedFieldNames', () => {
  it('follows inline fragments and fragment spreads', () => {
    const doc = parse(`
      query { dashboard(userId: "1") { user { id } ...F ... on Dashboard { recentOrders { id } } } }
      fragment F on Dashboard { recommendedProducts { sku } ...F }
    `);
    const op = doc.definitions[0] as OperationDefinitionNode;
    const field = op.selectionSet.selections[0] as FieldNode;
    const fragments = Object.fromEntries(
      doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((d) => [d.name.value, d]),
    );
    const schema = buildSchema(`
      type Query { dashboard(userId: ID!): Dashboard }
      type Dashboard { user: User recentOrders: [Order] recommendedProducts: [Product] }
      type User { id: ID } type Order { id: ID } type Product { sku: ID }
    `);
    const info = { fieldNodes: [field], fragments, schema, returnType: schema.getType('Dashboard') as GraphQLObjectType };
    expect(selectedFieldNames(info)).toEqual(new Set(['user', 'recentOrders', 'recommendedProducts']));
  });
});

describe('perRequest', () => {
  it('creates once per context, and each use keeps its own values', () => {
    const a = context();
    let created = 0;
    const countersOf = perRequest(() => ({ n: ++created }));
    expect(countersOf(a)).toBe(countersOf(a));
    expect(countersOf(context())).toEqual({ n: 2 });
    expect(perRequest(() => 'other')(a)).toBe('other');
    expect(countersOf(a)).toEqual({ n: 1 });
  });
});

describe('keyList', () => {
  it('sorts, so one set of keys gives one URL', () => {
    expect(keyList(['3', '1', '2'])).toBe(keyList(['2', '3', '1']));
  });
});

describe('fromRestError', () => {
  const base = { service: 'orders', method: 'POST', path: '/orders' } as const;

  it('turns a 400 into BAD_USER_INPUT naming the field', () => {
    const err = fromRestError(
      context(),
      new RestError({ ...base, kind: 'status', status: 400, body: { error: 'invalid order', field: 'items[0].quantity', message: 'must be a positive integer' } }),
      'Order',
    );
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'items[0].quantity' });
    expect(err.message).toBe('items[0].quantity must be a positive integer');
  });

  it('names the service of a 5xx, a refused connection or a bad body, without the detail', () => {
    for (const cause of [
      new RestError({ ...base, kind: 'status', status: 503, body: { error: 'x' } }),
      new RestError({ ...base, kind: 'network' }),
      new RestError({ ...base, kind: 'invalid_body', status: 200 }),
    ]) {
      const err = fromRestError(context(), cause, 'Order') as GraphQLError;
      expect(err.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', service: 'orders' });
      expect(err.message).toBe('The orders service is unavailable.');
    }
  });

  it('gives SUBGRAPH_TIMEOUT for a timeout, and NOT_FOUND for a 404 of a known key', () => {
    expect((fromRestError(context(), new RestError({ ...base, kind: 'timeout' }), 'Order') as GraphQLError).extensions).toEqual({
      code: 'SUBGRAPH_TIMEOUT',
      service: 'orders',
    });
    expect((fromRestError(context(), new RestError({ ...base, kind: 'status', status: 404 }), 'Order', '9') as GraphQLError).extensions).toMatchObject({
      code: 'NOT_FOUND',
      key: '9',
    });
  });

  it('passes other errors through', () => {
    const bug = new TypeError('bug');
    expect(fromRestError(context(), bug, 'Order')).toBe(bug);
  });
});
