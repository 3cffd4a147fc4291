import type * as Hive from '@graphql-hive/router-query-planner';
import type { FetchDataRewrite, FetchNode, PlanNode, QueryPlan, QueryPlanSelectionNode } from '@apollo/query-planner';
import {
  Kind,
  OperationTypeNode,
  parse,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { fragmentsOf, fragmentsSpreadBy, representationsDefinition } from '../../operation/document.js';

/** A Hive plan holds a node this conversion does not carry over; the Apollo plan is kept. */
export class UnsupportedPlan extends Error {}

/**
 * Hive's query plan (`@graphql-hive/router-query-planner`) in `@apollo/query-planner`'s format, the
 * one Tessera's executor, fetch merging and plan hooks read. The two formats have the same nodes;
 * they differ in how paths are spelled and in one meaning:
 * - Flatten paths: `{ Field: "posts" }` is `"posts"`; a type condition in a path has no Apollo
 *   spelling (unsupported).
 * - In Hive's `requires`, a field's `name` is where its value was fetched (`_internal_qp_alias_0`)
 *   and its `alias` is the name the subgraph expects in the representation (`comments`). Apollo
 *   reads and writes a representation's fields under one name, so the field keeps its fetched name
 *   and a `KeyRenamer` input rewrite, Apollo's own device for this, renames it after.
 * - Rewrite paths: `{ TypenameEquals: ["A", "B"] }` is `... on A` (one rewrite per type), `{ Key }`
 *   the key.
 * - A batched entity fetch (`BatchFetch`: one request, an `_entities` alias per batch, each batch
 *   gathering the entities of several paths) becomes one entity fetch per batch and path, side by
 *   side; Tessera's fetch merging sends them as one request again.
 * `@defer` and subscriptions are not converted.
 */
export function apolloPlanOf(plan: Hive.QueryPlan): QueryPlan {
  return plan.node ? { kind: 'QueryPlan', node: nodeOf(plan.node) } : { kind: 'QueryPlan' };
}

function nodeOf(node: Hive.PlanNode): PlanNode {
  switch (node.kind) {
    case 'Fetch':
      return fetchOf(node);
    case 'BatchFetch':
      return batchOf(node);
    case 'Sequence':
    case 'Parallel':
      return { kind: node.kind, nodes: node.nodes.map(nodeOf) };
    case 'Flatten':
      return { kind: 'Flatten', path: node.path.map(pathSegmentOf), node: nodeOf(node.node) };
    case 'Condition':
      return {
        kind: 'Condition',
        condition: node.condition,
        ifClause: node.ifClause && nodeOf(node.ifClause),
        elseClause: node.elseClause && nodeOf(node.elseClause),
      };
    default:
      throw new UnsupportedPlan(`${node.kind} nodes are not converted`);
  }
}

function pathSegmentOf(segment: Hive.FlattenNodePathSegment): string {
  if (segment === '@') return '@';
  if ('Field' in segment) return segment.Field;
  throw new UnsupportedPlan('a type condition in a flatten path');
}

const OPERATION_KINDS = { query: OperationTypeNode.QUERY, mutation: OperationTypeNode.MUTATION, subscription: OperationTypeNode.SUBSCRIPTION } as const;

function fetchOf(node: Hive.FetchNode): FetchNode {
  const renames: FetchDataRewrite[] = [];
  const requires = node.requires && selectionsOf(node.requires, [], renames);
  const inputRewrites = [...rewritesOf(node.inputRewrites), ...renames];
  const outputRewrites = rewritesOf(node.outputRewrites);
  const operationKind = OPERATION_KINDS[node.operationKind ?? 'query'];
  return {
    kind: 'Fetch',
    serviceName: node.serviceName,
    variableUsages: node.variableUsages ?? [],
    operation: node.operation,
    operationKind,
    operationName: node.operationName,
    // Parsed once, with the plan: the in-process transport and fetch merging read the document.
    operationDocumentNode: parse(node.operation),
    ...(requires ? { requires } : {}),
    ...(inputRewrites.length ? { inputRewrites } : {}),
    ...(outputRewrites.length ? { outputRewrites } : {}),
  };
}

function batchOf(node: Hive.BatchFetchNode): PlanNode {
  const document = parse(node.operation);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new UnsupportedPlan('a batched fetch without an operation');
  const fragments = fragmentsOf(document);
  const branches: PlanNode[] = [];
  for (const batch of node.entityBatch.aliases) {
    const field = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === batch.alias);
    if (field?.name.value !== '_entities') throw new UnsupportedPlan(`no _entities field under the alias ${batch.alias}`);
    const single = entityOperation(field, batch.representationsVariableName, operation, fragments);
    for (const path of batch.paths) {
      const fetch = fetchOf({
        kind: 'Fetch',
        serviceName: node.serviceName,
        operationKind: node.operationKind,
        operation: single.operation,
        variableUsages: single.variableUsages,
        requires: batch.requires,
        inputRewrites: batch.inputRewrites,
        outputRewrites: batch.outputRewrites,
      });
      branches.push({ kind: 'Flatten', path: path.map(pathSegmentOf), node: fetch });
    }
  }
  return branches.length === 1 ? branches[0]! : { kind: 'Parallel', nodes: branches };
}

/**
 * One batch of a batched fetch as an operation of its own, as Apollo plans an entity fetch:
 * `_entities(representations: $representations)`, the variables and fragments it uses.
 */
function entityOperation(
  field: FieldNode,
  representationsVariable: string,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): { operation: string; variableUsages: string[] } {
  const renamed: FieldNode = visit({ ...field, alias: undefined }, {
    Variable: (variable) =>
      variable.name.value === representationsVariable ? { ...variable, name: { ...variable.name, value: 'representations' } } : undefined,
  });
  // The fragments it spreads, and theirs, and the variables all of them use.
  const spread = fragmentsSpreadBy([renamed], fragments);
  const variables = new Set<string>();
  for (const node of [renamed, ...spread]) {
    visit(node, { Variable: ({ name }) => void (name.value !== 'representations' && variables.add(name.value)) });
  }
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: operation.operation,
        variableDefinitions: [
          representationsDefinition('representations'),
          ...(operation.variableDefinitions ?? []).filter((d) => variables.has(d.variable.name.value)),
        ],
        selectionSet: { kind: Kind.SELECTION_SET, selections: [renamed] },
      },
      ...spread,
    ],
  };
  return { operation: print(document), variableUsages: [...variables] };
}

function selectionsOf(selections: readonly Hive.RequiresSelection[], path: readonly string[], renames: FetchDataRewrite[]): QueryPlanSelectionNode[] {
  return selections.map((selection): QueryPlanSelectionNode => {
    if (selection.kind === 'InlineFragment') {
      if (selection.skipIf || selection.includeIf) throw new UnsupportedPlan('a condition in requires');
      const inner = [...path, `... on ${selection.typeCondition}`];
      return { kind: 'InlineFragment', typeCondition: selection.typeCondition, selections: selectionsOf(selection.selections, inner, renames) };
    }
    if (selection.kind === 'Field') {
      const inner = [...path, selection.name];
      if (selection.alias && selection.alias !== selection.name) renames.push({ kind: 'KeyRenamer', path: inner, renameKeyTo: selection.alias });
      return selection.selections
        ? { kind: 'Field', name: selection.name, selections: selectionsOf(selection.selections, inner, renames) }
        : { kind: 'Field', name: selection.name };
    }
    throw new UnsupportedPlan('a fragment spread in requires');
  });
}

function rewritesOf(rewrites: readonly Hive.FetchRewrite[] | undefined): FetchDataRewrite[] {
  const result: FetchDataRewrite[] = [];
  for (const rewrite of rewrites ?? []) {
    if ('KeyRenamer' in rewrite) {
      for (const path of pathsOf(rewrite.KeyRenamer.path)) result.push({ kind: 'KeyRenamer', path, renameKeyTo: rewrite.KeyRenamer.renameKeyTo });
    } else {
      const setter = 'ValueSetter' in rewrite ? rewrite.ValueSetter : rewrite;
      for (const path of pathsOf(setter.path)) result.push({ kind: 'ValueSetter', path, setValueTo: setter.setValueTo });
    }
  }
  return result;
}

/** A Hive rewrite path as Apollo paths: one per combination of the types its type conditions name. */
function pathsOf(segments: readonly Hive.FetchNodePathSegment[]): string[][] {
  let paths: string[][] = [[]];
  for (const segment of segments) {
    if ('Key' in segment) paths = paths.map((p) => [...p, segment.Key]);
    else paths = paths.flatMap((p) => segment.TypenameEquals.map((type) => [...p, `... on ${type}`]));
  }
  return paths;
}
