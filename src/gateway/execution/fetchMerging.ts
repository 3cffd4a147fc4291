import type { ConditionNode, FetchNode, PlanNode, QueryPlan, ResponsePath, SubscriptionNode } from '@apollo/query-planner';
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
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { representationsDefinition } from '../../operation/document.js';
import { countFetches } from '../fetchBudget.js';

/**
 * Fetch merging: fetches of one plan that go to the same subgraph and can run together are sent as
 * one subgraph request. Apollo's planner plans a fetch per subgraph per path; sibling fetches in a
 * Parallel node to one subgraph (the same products' `inStock` and `shippingEstimate`, say) cost the
 * gateway and the subgraph a request each. Here they become one operation, each entity fetch's
 * `_entities` under its own alias (`_e0`, `_e1`, …) with its own representations variable, and the
 * executor maps the answer and its errors back to each fetch (executeQueryPlan.ts).
 *
 * Two steps, both on a copy of the plan (the planner's plan stays as it is, for Apollo's executor):
 * 1. A lone fetch in a Parallel branch, which nothing waits for, moves to the end of a sibling
 *    Sequence whose last step fetches from the same subgraph, to run beside that step. The
 *    Parallel still ends when its longest branch ends, so the fetch rarely finishes later, and it
 *    shares that step's request (Hive's planner, which counts fetches, plans the same).
 * 2. The fetches to one subgraph that a Parallel starts at once (its fetch children and the first
 *    steps of its sequences) become one `MergedFetch` node.
 * Mutations are never merged or moved: a mutation plan's root fetches keep their order.
 */

/** One original fetch inside a merged request. */
export interface FetchPart {
  readonly fetch: FetchNode;
  /** Where its data is, from the merged node's cursor (its Flatten path; [] for a root fetch). */
  readonly path: ResponsePath;
  /** The response key of its `_entities` answer; undefined for a root fetch, whose fields keep their names. */
  readonly alias: string | undefined;
  /** The index of an earlier part with the same path and representations, whose representations variable it shares. */
  readonly sharesWith: number | undefined;
  /** The variable its representations are sent in (entity fetches). */
  readonly representationsVariable: string | undefined;
  /** It runs only when this Boolean variable has this value (a fetch under `@include`/`@skip`). */
  readonly condition: PartCondition | undefined;
}

export interface PartCondition {
  readonly variable: string;
  readonly value: boolean;
}

export interface MergedFetchNode {
  readonly kind: 'MergedFetch';
  readonly serviceName: string;
  readonly parts: readonly FetchPart[];
  readonly operation: string;
  readonly operationName: string | undefined;
  readonly operationDocumentNode: DocumentNode;
  /** The request's variables the merged operation uses. */
  readonly variableUsages: readonly string[];
  /** The index of the entity fetch answered under each alias. */
  readonly partByAlias: ReadonlyMap<string, number>;
  /** The index of the root fetch among the parts, if one is. */
  readonly rootPart: number | undefined;
}

export interface ExecSequenceNode {
  readonly kind: 'Sequence';
  readonly nodes: readonly ExecNode[];
}
export interface ExecParallelNode {
  readonly kind: 'Parallel';
  readonly nodes: readonly ExecNode[];
}
export interface ExecFlattenNode {
  readonly kind: 'Flatten';
  readonly path: ResponsePath;
  readonly node: ExecNode;
}
export interface ExecConditionNode {
  readonly kind: 'Condition';
  readonly condition: ConditionNode['condition'];
  readonly ifClause?: ExecNode;
  readonly elseClause?: ExecNode;
}

/** A plan node as the executor runs it: the planner's kinds, with merged fetches. */
export type ExecNode =
  | ExecSequenceNode
  | ExecParallelNode
  | ExecFlattenNode
  | ExecConditionNode
  | FetchNode
  | MergedFetchNode
  | Exclude<PlanNode, { kind: 'Sequence' | 'Parallel' | 'Flatten' | 'Condition' | 'Fetch' }>
  | SubscriptionNode;

export interface ExecutionPlan {
  readonly node: ExecNode | undefined;
  /** Subgraph requests the plan may send (every branch of a condition counted): as planned, and merged. */
  readonly fetches: { readonly planned: number; readonly merged: number };
}

const executionPlans = { merged: new WeakMap<QueryPlan, ExecutionPlan>(), planned: new WeakMap<QueryPlan, ExecutionPlan>() };

/** The plan as the executor runs it, its fetches merged or as planned; made once per cached plan. */
export function executionPlan(plan: QueryPlan, merge: boolean): ExecutionPlan {
  const cache = merge ? executionPlans.merged : executionPlans.planned;
  let execution = cache.get(plan);
  if (!execution) {
    const node = merge && plan.node ? mergeNode(plan.node) : plan.node;
    execution = { node, fetches: { planned: countFetches(plan.node), merged: countFetches(node) } };
    cache.set(plan, execution);
  }
  return execution;
}

function mergeNode(node: ExecNode): ExecNode {
  switch (node.kind) {
    case 'Sequence':
      // A Parallel that merging turned into a sequence is spliced into the one around it.
      return { kind: 'Sequence', nodes: node.nodes.map(mergeNode).flatMap((child) => (child.kind === 'Sequence' ? child.nodes : [child])) };
    case 'Parallel':
      return mergeParallel(node.nodes);
    case 'Flatten':
      return { kind: 'Flatten', path: node.path, node: mergeNode(node.node) };
    case 'Condition':
      return {
        kind: 'Condition',
        condition: node.condition,
        ifClause: node.ifClause && mergeNode(node.ifClause),
        elseClause: node.elseClause && mergeNode(node.elseClause),
      };
    default:
      // Fetches stand as they are; @defer and subscriptions are not run by this executor.
      return node;
  }
}

/** A fetch that may be merged or moved, with the path of the Flatten nodes around it and the condition it runs under. */
interface Candidate {
  readonly fetch: FetchNode;
  readonly path: ResponsePath;
  readonly condition?: PartCondition;
}

function candidateOf(node: ExecNode): Candidate | undefined {
  // A lone fetch under one branch of a condition: a part that runs when the condition says so.
  if (node.kind === 'Condition') {
    const branch = node.ifClause && !node.elseClause ? node.ifClause : !node.ifClause && node.elseClause ? node.elseClause : undefined;
    const inner = branch && candidateOf(branch);
    return inner && !inner.condition ? { ...inner, condition: { variable: node.condition, value: !!node.ifClause } } : undefined;
  }
  let path: ResponsePath = [];
  let inner: ExecNode = node;
  while (inner.kind === 'Flatten') {
    path = path.concat(inner.path);
    inner = inner.node;
  }
  if (inner.kind !== 'Fetch' || inner.operationKind !== OperationTypeNode.QUERY || inner.hasDefers || inner.contextRewrites?.length) return undefined;
  return { fetch: inner, path };
}

/** A Parallel child that may join a merged fetch: a fetch, or a sequence whose first step is one. */
interface Member {
  readonly index: number;
  readonly candidate: Candidate;
  /** A sequence's steps after its first; undefined for a fetch. */
  readonly rest: readonly ExecNode[] | undefined;
}

function memberOf(node: ExecNode, index: number): Member | undefined {
  const candidate = candidateOf(node);
  if (candidate) return { index, candidate, rest: undefined };
  if (node.kind !== 'Sequence' || node.nodes.length < 2) return undefined;
  const head = candidateOf(node.nodes[0]!);
  return head && { index, candidate: head, rest: node.nodes.slice(1) };
}

/**
 * A Parallel node's children with their fetches to one subgraph merged: the fetches among them, and
 * the first steps of sibling sequences (which become ready at the same time). Sequences whose first
 * steps were merged continue, side by side, after the merged fetch, and their next steps are merged
 * in turn: four aliases of the same nested selection send one request per level, not four.
 */
function mergeParallel(children: readonly ExecNode[]): ExecNode {
  const nodes = hoistLoneFetches(children).map(mergeNode);
  const groups = new Map<string, Member[]>();
  nodes.forEach((node, index) => {
    const member = memberOf(node, index);
    if (!member) return;
    const group = groups.get(member.candidate.fetch.serviceName);
    if (group) group.push(member);
    else groups.set(member.candidate.fetch.serviceName, [member]);
  });
  const replaced = new Map<number, ExecNode | null>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const merged = mergeFetchGroup(group.map((member) => member.candidate));
    if (!merged) continue;
    // The merged node takes the first member's place; members it left out stay as they were.
    const taken = new Set(merged.parts.map((part) => part.fetch));
    const members = group.filter((member) => taken.has(member.candidate.fetch));
    const rests = members.flatMap((member) => (member.rest ? [member.rest.length === 1 ? member.rest[0]! : { kind: 'Sequence' as const, nodes: member.rest }] : []));
    const then = rests.length === 0 ? undefined : rests.length === 1 ? rests[0]! : mergeParallel(rests);
    replaced.set(members[0]!.index, then ? { kind: 'Sequence', nodes: [merged, ...(then.kind === 'Sequence' ? then.nodes : [then])] } : merged);
    for (const member of members.slice(1)) replaced.set(member.index, null);
  }
  const result: ExecNode[] = [];
  nodes.forEach((node, index) => {
    const replacement = replaced.get(index);
    if (replacement === undefined) result.push(node);
    else if (replacement) result.push(replacement);
  });
  return result.length === 1 ? result[0]! : { kind: 'Parallel', nodes: result };
}

/**
 * Moves each branch that is one fetch to the end of a sibling Sequence whose last step fetches from
 * the same subgraph, as a Parallel with that step. Nothing in the Parallel depends on the moved
 * fetch (siblings never do), and its inputs were complete when the Parallel began.
 */
function hoistLoneFetches(children: readonly ExecNode[]): ExecNode[] {
  const nodes = [...children];
  for (let index = 0; index < nodes.length; index++) {
    const lone = candidateOf(nodes[index]!);
    if (!lone) continue;
    const target = nodes.findIndex((node, i) => i !== index && node.kind === 'Sequence' && lastStepFetchesFrom(node, lone.fetch.serviceName));
    if (target < 0) continue;
    const sequence = nodes[target] as ExecSequenceNode;
    const last = sequence.nodes[sequence.nodes.length - 1]!;
    const joined: ExecNode = last.kind === 'Parallel' ? { kind: 'Parallel', nodes: [...last.nodes, nodes[index]!] } : { kind: 'Parallel', nodes: [last, nodes[index]!] };
    nodes[target] = { kind: 'Sequence', nodes: [...sequence.nodes.slice(0, -1), joined] };
    nodes.splice(index, 1);
    index--;
  }
  return nodes;
}

function lastStepFetchesFrom(sequence: ExecSequenceNode, serviceName: string): boolean {
  const last = sequence.nodes[sequence.nodes.length - 1];
  if (!last) return false;
  const steps = last.kind === 'Parallel' ? last.nodes : [last];
  return steps.some((step) => candidateOf(step)?.fetch.serviceName === serviceName);
}

/** An alias for a merged `_entities` field; a root fetch whose fields could be taken for one is never merged. */
const ENTITY_ALIAS = /^_e\d+$/;

/**
 * One operation for a group of fetches to one subgraph, or undefined when fewer than two can share
 * one (a second root fetch, a variable typed differently, an operation of an unexpected shape).
 */
export function mergeFetchGroup(candidates: readonly Candidate[]): MergedFetchNode | undefined {
  const parts: FetchPart[] = [];
  const selections: SelectionNode[] = [];
  const variables = new Map<string, VariableDefinitionNode>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  const shared = new Map<string, number>();
  let hasRoot = false;
  const documents = candidates.map(({ fetch }) => fetch.operationDocumentNode ?? parse(fetch.operation, { noLocation: true }));
  // Representations variables are named apart from every variable the fetches use.
  const usedNames = new Set(documents.flatMap((d) => d.definitions.flatMap((def) => (def.kind === Kind.OPERATION_DEFINITION ? (def.variableDefinitions ?? []) : []).map((v) => v.variable.name.value))));
  let nextVariable = 0;
  const newVariableName = (): string => {
    while (usedNames.has(`r${nextVariable}`)) nextVariable++;
    return `r${nextVariable++}`;
  };
  for (const [c, candidate] of candidates.entries()) {
    const { fetch, path, condition } = candidate;
    const document = documents[c]!;
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation) continue;
    const ownVariables = (operation.variableDefinitions ?? []).filter((d) => !(fetch.requires && d.variable.name.value === 'representations'));
    if (ownVariables.some((d) => variables.has(d.variable.name.value) && print(variables.get(d.variable.name.value)!) !== print(d))) continue;
    const renamed = renameFragments(document, fragments, parts.length);
    const selectionSet = renamed.operation.selectionSet;
    const index = parts.length;
    if (fetch.requires) {
      const entities = selectionSet.selections.length === 1 ? selectionSet.selections[0] : undefined;
      if (entities?.kind !== Kind.FIELD || entities.name.value !== '_entities' || !usesOnlyRepresentations(entities)) continue;
      const key = JSON.stringify([path, fetch.requires, fetch.inputRewrites ?? null, condition ?? null]);
      const sharesWith = shared.get(key);
      const representationsVariable = sharesWith === undefined ? newVariableName() : parts[sharesWith]!.representationsVariable!;
      if (sharesWith === undefined) {
        shared.set(key, index);
        variables.set(representationsVariable, representationsDefinition(representationsVariable));
      }
      const alias = `_e${index}`;
      selections.push({
        ...entities,
        alias: { kind: Kind.NAME, value: alias },
        arguments: [{ ...entities.arguments![0]!, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: representationsVariable } } }],
      });
      parts.push({ fetch, path, alias, sharesWith, representationsVariable, condition });
    } else {
      if (hasRoot || path.length > 0) continue;
      if (selectionSet.selections.some((s) => s.kind !== Kind.FIELD || ENTITY_ALIAS.test(s.alias?.value ?? s.name.value))) continue;
      hasRoot = true;
      selections.push(...selectionSet.selections);
      parts.push({ fetch, path, alias: undefined, sharesWith: undefined, representationsVariable: undefined, condition });
    }
    for (const d of ownVariables) variables.set(d.variable.name.value, d);
    for (const f of renamed.fragments) fragments.set(f.name.value, f);
  }
  if (parts.length < 2) return undefined;
  const first = parts[0]!.fetch;
  const operationDocumentNode: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: first.operationName ? { kind: Kind.NAME, value: first.operationName } : undefined,
        variableDefinitions: [...variables.values()],
        selectionSet: { kind: Kind.SELECTION_SET, selections },
      },
      ...fragments.values(),
    ],
  };
  const variableUsages = [...new Set(parts.flatMap((part) => part.fetch.variableUsages ?? []))];
  const rootPart = parts.findIndex((part) => part.alias === undefined);
  return {
    partByAlias: new Map(parts.flatMap((part, index) => (part.alias === undefined ? [] : [[part.alias, index] as const]))),
    rootPart: rootPart < 0 ? undefined : rootPart,
    kind: 'MergedFetch',
    serviceName: first.serviceName,
    parts,
    operation: print(operationDocumentNode),
    operationName: first.operationName,
    operationDocumentNode,
    variableUsages,
  };
}

/** `_entities(representations: $representations)`, nothing else: the only argument is rewritten. */
function usesOnlyRepresentations(field: FieldNode): boolean {
  const [argument, ...rest] = field.arguments ?? [];
  return rest.length === 0 && argument?.name.value === 'representations' && argument.value.kind === Kind.VARIABLE && argument.value.name.value === 'representations';
}

/**
 * The fetch's operation and fragments, its fragments renamed where an earlier part holds a
 * different fragment of the same name (the same one is shared).
 */
function renameFragments(
  document: DocumentNode,
  taken: ReadonlyMap<string, FragmentDefinitionNode>,
  part: number,
): { operation: OperationDefinitionNode; fragments: FragmentDefinitionNode[] } {
  const own = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const names = new Map<string, string>();
  const used = new Set([...taken.keys(), ...own.map((f) => f.name.value)]);
  for (const fragment of own) {
    const name = fragment.name.value;
    const existing = taken.get(name);
    if (!existing || print(existing) === print(fragment)) continue;
    let next = `${name}_${part}`;
    for (let n = 2; used.has(next); n++) next = `${name}_${part}_${n}`;
    used.add(next);
    names.set(name, next);
  }
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  if (names.size === 0) return { operation, fragments: own };
  const rename = <T extends OperationDefinitionNode | FragmentDefinitionNode>(node: T): T =>
    visit(node, {
      FragmentSpread: (spread) => (names.has(spread.name.value) ? { ...spread, name: { ...spread.name, value: names.get(spread.name.value)! } } : undefined),
      FragmentDefinition: (definition) =>
        names.has(definition.name.value) ? { ...definition, name: { ...definition.name, value: names.get(definition.name.value)! } } : undefined,
    });
  return { operation: rename(operation), fragments: own.map(rename) };
}
