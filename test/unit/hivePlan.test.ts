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

  it('turns a batched fetch into one entity fetch per batch and path, side by side', () => {
    const plan = apolloPlanOf({
      kind: 'QueryPlan',
      node: {
        kind: 'BatchFetch',
        serviceName: 'people',
        operationKind: 'query',
        variableUsages: ['lang', 'unit'],
        operation:
          'query($__batch_reps_0:[_Any!]!,$__batch_reps_1:[_Any!]!,$lang:String,$unit:String){' +
          '_e0: _entities(representations: $__batch_reps_0){...on Person{name(lang: $lang)}} ' +
          '_e1: _entities(representations: $__batch_reps_1){...on Shelf{...S}}} fragment S on Shelf {size(unit: $unit) ...T} fragment T on Shelf {label} fragment U on Person {id}',
        entityBatch: {
          aliases: [
            {
              alias: '_e0',
              representationsVariableName: '__batch_reps_0',
              paths: [[{ Field: 'team' }, { Field: 'members' }, '@'], [{ Field: 'alumni' }, '@']],
              requires: [{ kind: 'InlineFragment', typeCondition: 'Person', selections: [{ kind: 'Field', name: 'id' }] }],
            },
            {
              alias: '_e1',
              representationsVariableName: '__batch_reps_1',
              paths: [[{ Field: 'shelves' }, '@']],
              requires: [{ kind: 'InlineFragment', typeCondition: 'Shelf', selections: [{ kind: 'Field', name: 'position' }] }],
            },
          ],
        },
      },
    });
    const branches = plan.node as unknown as { kind: string; nodes: { path: string[]; node: Record<string, unknown> }[] };
    expect(branches.kind).toBe('Parallel');
    expect(branches.nodes.map((b) => b.path)).toEqual([['team', 'members', '@'], ['alumni', '@'], ['shelves', '@']]);
    const [members, alumni, shelves] = branches.nodes.map((b) => b.node);
    expect(members!.operation).toBe(alumni!.operation);
    expect(members).toMatchObject({ kind: 'Fetch', serviceName: 'people', variableUsages: ['lang'], requires: [{ typeCondition: 'Person' }] });
    expect(String(members!.operation).replace(/\s+/g, ' ')).toBe(
      'query ($representations: [_Any!]!, $lang: String) { _entities(representations: $representations) { ... on Person { name(lang: $lang) } } }',
    );
    // Only the fragments it spreads, theirs too, and the variables they use.
    expect(shelves).toMatchObject({ variableUsages: ['unit'], requires: [{ typeCondition: 'Shelf' }] });
    expect(String(shelves!.operation)).toContain('fragment S on Shelf');
    expect(String(shelves!.operation)).toContain('fragment T on Shelf');
    expect(String(shelves!.operation)).not.toContain('fragment U');
    expect(String(shelves!.operation)).toContain('$unit: String');
  });

  it('refuses what it does not carry over, so the Apollo plan is kept', () => {
    const unsupported: Hive.PlanNode[] = [
      { kind: 'BatchFetch', serviceName: 'a', operation: 'query($b:[_Any!]!){_e0: _entities(representations: $b){__typename}}', entityBatch: { aliases: [{ alias: '_e9', representationsVariableName: 'b', paths: [], requires: [] }] } },
      flatten(entityFetch(), [{ Field: 'posts' }, '@', { TypeCondition: ['Post'] }]),
      entityFetch({ requires: [{ kind: 'FragmentSpread', value: 'F' }] }),
      entityFetch({ requires: [{ kind: 'InlineFragment', typeCondition: 'Post', includeIf: 'x', selections: [] }] }),
      { kind: 'Defer', primary: {}, deferred: [] },
    ];
    for (const node of unsupported) expect(() => apolloPlanOf({ kind: 'QueryPlan', node }), node.kind).toThrow(UnsupportedPlan);
  });
});
