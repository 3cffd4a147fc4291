import '../../src/gateway/noTelemetry.js';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type QueryPlan } from '@apollo/query-planner';
import { OperationTypeNode, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { executionPlan, mergeFetchGroup, type ExecNode, type MergedFetchNode } from '../../src/gateway/execution/fetchMerging.js';
import { ACCOUNTS_SDL } from '../fixtures/federation/accounts.js';
import { CATALOG_SDL } from '../fixtures/federation/catalog.js';
import { INVENTORY_SDL } from '../fixtures/federation/inventory.js';
import { REVIEWS_SDL, reviewsSchema } from '../fixtures/federation/reviews.js';
import { supergraphOf } from '../helpers/supergraph.js';

const supergraph = Supergraph.build(
  supergraphOf(
    Object.entries({ accounts: ACCOUNTS_SDL, catalog: CATALOG_SDL, inventory: INVENTORY_SDL, reviews: REVIEWS_SDL }).map(([name, sdl]) => ({ name, sdl, url: `http://127.0.0.1/${name}` })),
  ),
);
const planner = new QueryPlanner(supergraph);
const planOf = (query: string): QueryPlan => planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse(query)));

function mergedNodes(node: ExecNode | undefined): MergedFetchNode[] {
  if (!node) return [];
  switch (node.kind) {
    case 'MergedFetch':
      return [node];
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(mergedNodes);
    case 'Flatten':
      return mergedNodes(node.node);
    case 'Condition':
      return [...mergedNodes(node.ifClause), ...mergedNodes(node.elseClause)];
    default:
      return [];
  }
}

describe('executionPlan', () => {
  it("merges sibling entity fetches to one subgraph into one operation the subgraph accepts", () => {
    const plan = planOf('{ me { reviews { body } } user(id: "u2") { reviews { rating } } }');
    const { node, fetches } = executionPlan(plan, true);
    expect(fetches).toEqual({ planned: 3, merged: 2 });
    const [merged, ...rest] = mergedNodes(node);
    expect(rest).toHaveLength(0);
    expect(merged!.serviceName).toBe('reviews');
    expect(merged!.parts.map((p) => [p.path.join('.'), p.alias, p.representationsVariable])).toEqual([
      ['me', '_e0', 'r0'],
      ['user', '_e1', 'r1'],
    ]);
    expect(validate(reviewsSchema(), merged!.operationDocumentNode)).toEqual([]);
    expect(validate(reviewsSchema(), parse(merged!.operation))).toEqual([]);
  });

  it('moves a lone fetch beside the last fetch of a sibling sequence to the same subgraph', () => {
    const plan = planOf('{ me { reviews { body } } reviews { id } }');
    const { node, fetches } = executionPlan(plan, true);
    expect(fetches).toEqual({ planned: 3, merged: 2 });
    // accounts, then the merged reviews fetch: one sequence, nothing left in parallel.
    expect(node?.kind).toBe('Sequence');
    const [merged] = mergedNodes(node);
    expect(merged!.parts.map((p) => p.alias)).toEqual(['_e0', undefined]);
    expect(validate(reviewsSchema(), merged!.operationDocumentNode)).toEqual([]);
  });

  it('merges the first steps of sibling sequences, then their next steps, level by level', () => {
    const plan = planOf('{ a: user(id: "u1") { reviews { product { name } } } b: user(id: "u2") { reviews { product { name } } } }');
    const { node, fetches } = executionPlan(plan, true);
    expect(fetches).toEqual({ planned: 5, merged: 3 });
    // accounts, then reviews for a and b, then catalog for both: one sequence of three requests.
    expect(node?.kind).toBe('Sequence');
    const steps = node?.kind === 'Sequence' ? node.nodes : [];
    expect(steps.map((step) => (step.kind === 'MergedFetch' ? `${step.serviceName}: ${step.parts.map((p) => p.path.join('.')).join(', ')}` : step.kind))).toEqual([
      'Fetch',
      'reviews: a, b',
      'catalog: a.reviews.@.product, b.reviews.@.product',
    ]);
  });

  it('keeps the condition of a fetch under @include or @skip on its part', () => {
    const include = mergedNodes(executionPlan(planOf('query ($x: Boolean!) { me { reviews { body } } user(id: "u2") @include(if: $x) { reviews { body } } }'), true).node);
    expect(include[0]!.parts.map((p) => p.condition)).toEqual([undefined, { variable: 'x', value: true }]);
    const skip = mergedNodes(executionPlan(planOf('query ($x: Boolean!) { me { reviews { body } } user(id: "u2") @skip(if: $x) { reviews { body } } }'), true).node);
    expect(skip[0]!.parts.map((p) => p.condition)).toEqual([undefined, { variable: 'x', value: false }]);
  });

  it('leaves mutations as planned', () => {
    const plan = planOf('mutation { a: renameUser(id: "u1", name: "A") { name } r: addReview(authorId: "u1", body: "b") { id } b: renameUser(id: "u1", name: "B") { name } }');
    const { node, fetches } = executionPlan(plan, true);
    expect(fetches.merged).toBe(fetches.planned);
    expect(mergedNodes(node)).toHaveLength(0);
    expect(JSON.stringify(node)).toBe(JSON.stringify(plan.node));
  });

  it("never changes the planner's plan, and is made once per plan", () => {
    const plan = planOf('{ me { reviews { body } } user(id: "u2") { reviews { rating } } reviews { id } }');
    const before = JSON.stringify(plan);
    const first = executionPlan(plan, true);
    expect(JSON.stringify(plan)).toBe(before);
    expect(executionPlan(plan, true)).toBe(first);
  });

  it('with merging off, runs the plan as planned and counts its fetches both ways alike', () => {
    const plan = planOf('{ me { reviews { body } } user(id: "u2") { reviews { rating } } reviews { id } }');
    const planned = executionPlan(plan, false);
    expect(planned.node).toBe(plan.node);
    expect(planned.fetches).toEqual({ planned: 4, merged: 4 });
    expect(executionPlan(plan, true).fetches).toEqual({ planned: 4, merged: 2 });
  });
});

const USER_REQUIRES: FetchNode['requires'] = [
  { kind: 'InlineFragment', typeCondition: 'User', selections: [{ kind: 'Field', name: '__typename' }, { kind: 'Field', name: 'id' }] },
];

function fetchNode(operation: string, options: { requires?: boolean; variableUsages?: string[] } = {}): FetchNode {
  return {
    kind: 'Fetch',
    serviceName: 'reviews',
    operation,
    operationName: undefined,
    operationKind: OperationTypeNode.QUERY,
    requires: options.requires === false ? undefined : USER_REQUIRES,
    variableUsages: options.variableUsages ?? [],
  };
}

describe('mergeFetchGroup', () => {
  it("names the representations variables apart from the request's own", () => {
    const a = fetchNode('query ($representations: [_Any!]!, $r0: Int) { _entities(representations: $representations) { ... on User { reviews { body } } } }', { variableUsages: ['r0'] });
    const b = fetchNode('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id } } }');
    const merged = mergeFetchGroup([{ fetch: a, path: ['me'] }, { fetch: b, path: ['user'] }])!;
    expect(merged.parts.map((p) => p.representationsVariable)).toEqual(['r1', 'r2']);
    expect(merged.variableUsages).toEqual(['r0']);
    expect(merged.operation).toContain('$r0: Int');
    expect(merged.operation).toContain('_e0: _entities(representations: $r1)');
  });

  it('shares one representations variable between fetches at the same path with the same requires', () => {
    const a = fetchNode('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { reviews { body } } } }');
    const b = fetchNode('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { karma } } }');
    const merged = mergeFetchGroup([{ fetch: a, path: ['me'] }, { fetch: b, path: ['me'] }])!;
    expect(merged.parts.map((p) => [p.representationsVariable, p.sharesWith])).toEqual([['r0', undefined], ['r0', 0]]);
    expect(merged.operation.match(/\$r0: \[_Any!\]!/g)).toHaveLength(1);
  });

  it('renames a fragment another fetch defines differently, and shares one defined alike', () => {
    const a = fetchNode('query ($representations: [_Any!]!) { _entities(representations: $representations) { ...U } } fragment U on User { id } fragment R on Review { id }');
    const b = fetchNode('query ($representations: [_Any!]!) { _entities(representations: $representations) { ...U } } fragment U on User { karma } fragment R on Review { id }');
    const merged = mergeFetchGroup([{ fetch: a, path: ['me'] }, { fetch: b, path: ['user'] }])!;
    const document = parse(merged.operation);
    const fragments = document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [d.name.value] : []));
    expect(fragments.sort()).toEqual(['R', 'U', 'U_1']);
    expect(merged.operation).toMatch(/_e1: _entities\(representations: \$r1\) \{\s*\.\.\.U_1/);
  });

  it('leaves out a fetch it cannot merge: a second root fetch, a variable typed differently', () => {
    const root1 = fetchNode('{ reviews { id } }', { requires: false });
    const root2 = fetchNode('{ topAccounts { id } }', { requires: false });
    const entity = fetchNode('query ($representations: [_Any!]!, $n: Int) { _entities(representations: $representations) { ... on User { id } } }', { variableUsages: ['n'] });
    const clash = fetchNode('query ($representations: [_Any!]!, $n: String) { _entities(representations: $representations) { ... on User { karma } } }', { variableUsages: ['n'] });
    const merged = mergeFetchGroup([
      { fetch: root1, path: [] },
      { fetch: root2, path: [] },
      { fetch: entity, path: ['me'] },
      { fetch: clash, path: ['user'] },
    ])!;
    expect(merged.parts.map((p) => p.fetch)).toEqual([root1, entity]);
    expect(mergeFetchGroup([{ fetch: root1, path: [] }, { fetch: root2, path: [] }])).toBeUndefined();
  });

  it('never merges a root fetch whose fields could be taken for an alias', () => {
    const root = fetchNode('{ _e1: reviews { id } }', { requires: false });
    const a = fetchNode('query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id } } }');
    expect(mergeFetchGroup([{ fetch: root, path: [] }, { fetch: a, path: ['me'] }])).toBeUndefined();
  });
});
