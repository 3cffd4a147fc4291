import type * as Hive from '@graphql-hive/router-query-planner';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apolloPlanOf, UnsupportedPlan } from '../../src/gateway/planning/hivePlan.js';

const entityFetch = (extra: Partial<Hive.FetchNode> = {}): Hive.FetchNode => ({
  kind: 'Fetch',
  serviceName: 'audience',
  operationKind: 'query',
  operation: 'query($representations:[_Any!]!){_entities(representations: $representations){...on Post{recentCommenters}}}',
  requires: [
    {
      kind: 'InlineFragment',
      typeCondition: 'Post',
      selections: [
        { kind: 'Field', name: '__typename' },
        { kind: 'Field', name: '_internal_qp_alias_0', alias: 'comments', selections: [{ kind: 'Field', name: 'authorId' }] },
        { kind: 'Field', name: 'id' },
      ],
    },
  ],
  ...extra,
});

const flatten = (node: Hive.PlanNode, path: Hive.FlattenNodePathSegment[] = [{ Field: 'posts' }, '@']): Hive.PlanNode => ({ kind: 'Flatten', path, node });

describe("Hive's plans in Apollo's format", () => {
  it('converts nodes, paths and operations', () => {
    const plan = apolloPlanOf({
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [
          { kind: 'Fetch', serviceName: 'blog', operationKind: 'query', operation: '{posts{__typename id}}' },
          { kind: 'Parallel', nodes: [flatten(entityFetch())] },
          { kind: 'Condition', condition: 'yes', ifClause: { kind: 'Fetch', serviceName: 'blog', operation: 'query($yes:Boolean!){version}', variableUsages: ['yes'] } },
        ],
      },
    });
    expect(plan.node?.kind).toBe('Sequence');
    const [root, parallel, condition] = (plan.node as { nodes: unknown[] }).nodes as [Record<string, unknown>, { nodes: Record<string, unknown>[] }, Record<string, unknown>];
    expect(root).toMatchObject({ kind: 'Fetch', serviceName: 'blog', operationKind: 'query', variableUsages: [], operation: '{posts{__typename id}}' });
    expect(print(root.operationDocumentNode as never)).toContain('posts');
    expect(parallel.nodes[0]).toMatchObject({ kind: 'Flatten', path: ['posts', '@'], node: { kind: 'Fetch', serviceName: 'audience' } });
    expect(condition).toMatchObject({ kind: 'Condition', condition: 'yes', ifClause: { variableUsages: ['yes'] } });
    expect(condition.elseClause).toBeUndefined();
    expect(apolloPlanOf({ kind: 'QueryPlan' })).toEqual({ kind: 'QueryPlan' });
  });

  it('reads an aliased requirement where it was fetched and renames it to what the subgraph expects', () => {
    const plan = apolloPlanOf({ kind: 'QueryPlan', node: entityFetch() });
    expect(plan.node).toMatchObject({
      requires: [
        {
          kind: 'InlineFragment',
          typeCondition: 'Post',
          selections: [
            { kind: 'Field', name: '__typename' },
            { kind: 'Field', name: '_internal_qp_alias_0', selections: [{ kind: 'Field', name: 'authorId' }] },
            { kind: 'Field', name: 'id' },
          ],
        },
      ],
      inputRewrites: [{ kind: 'KeyRenamer', path: ['... on Post', '_internal_qp_alias_0'], renameKeyTo: 'comments' }],
    });
  });

  it('spells rewrite paths as Apollo does, one per type a type condition names', () => {
    const plan = apolloPlanOf({
      kind: 'QueryPlan',
      node: entityFetch({
        requires: [{ kind: 'InlineFragment', typeCondition: 'Media', selections: [{ kind: 'Field', name: 'id' }] }],
        inputRewrites: [{ ValueSetter: { path: [{ TypenameEquals: ['Book', 'Movie'] }, { Key: '__typename' }], setValueTo: 'Media' } }],
        outputRewrites: [{ KeyRenamer: { path: [{ TypenameEquals: ['Media'] }, { Key: 'a' }], renameKeyTo: 'b' } }],
      }),
    });
    expect(plan.node).toMatchObject({
      inputRewrites: [
        { kind: 'ValueSetter', path: ['... on Book', '__typename'], setValueTo: 'Media' },
        { kind: 'ValueSetter', path: ['... on Movie', '__typename'], setValueTo: 'Media' },
      ],
      outputRewrites: [{ kind: 'KeyRenamer', path: ['... on Media', 'a'], renameKeyTo: 'b' }],
    });
  });

  it('refuses what it does not carry over, so the Apollo plan is kept', () => {
    const unsupported: Hive.PlanNode[] = [
      { kind: 'BatchFetch', serviceName: 'a', operation: '{a}', entityBatch: { aliases: [] } },
      flatten(entityFetch(), [{ Field: 'posts' }, '@', { TypeCondition: ['Post'] }]),
      entityFetch({ requires: [{ kind: 'FragmentSpread', value: 'F' }] }),
      entityFetch({ requires: [{ kind: 'InlineFragment', typeCondition: 'Post', includeIf: 'x', selections: [] }] }),
      { kind: 'Defer', primary: {}, deferred: [] },
    ];
    for (const node of unsupported) expect(() => apolloPlanOf({ kind: 'QueryPlan', node }), node.kind).toThrow(UnsupportedPlan);
  });
});
