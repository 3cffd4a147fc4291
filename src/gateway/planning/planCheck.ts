import type { Supergraph } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, QueryPlanSelectionNode } from '@apollo/query-planner';
import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from '../../operation/document.js';

/**
 * Plans `@apollo/query-planner` is known to get wrong, recognized in the plan itself (each is a
 * case of the conformance suite, test/federation/):
 * - `requires-arguments`: a fetch asks for a field whose `@requires` selects a field with arguments.
 *   The planner drops the arguments and fetches the field once by its name, so the representation
 *   carries the client's `comments(limit: 2)`, or another requirement's, instead of `limit: 3`.
 * - `unresolvable-key`: an entity fetch sends representations that hold none of the subgraph's
 *   resolvable keys (it picked a key the subgraph declares `resolvable: false`); the subgraph
 *   cannot find the entities and their fields come back null.
 * - `unplanned-root-field`: a root field of the operation that no fetch asks for, so it would be
 *   null without an error (an entity interface its subgraph has no implementation of).
 */
export type Misplan = 'requires-arguments' | 'unresolvable-key' | 'unplanned-root-field';

/** A key's field set as a tree: each field, and the key's selection under it (null for a leaf). */
type KeyTree = ReadonlyMap<string, KeyTree | null>;

/** What the check needs of a supergraph, read once per served graph. */
export interface PlanFacts {
  /** Per subgraph, `Type.field` of each field whose `@requires` selects a field with arguments. */
  readonly requiresWithArguments: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per subgraph and type, its resolvable keys. */
  readonly resolvableKeys: ReadonlyMap<string, ReadonlyMap<string, readonly KeyTree[]>>;
}

export function planFactsOf(supergraph: Supergraph): PlanFacts {
  const requiresWithArguments = new Map<string, Set<string>>();
  const resolvableKeys = new Map<string, Map<string, KeyTree[]>>();
  for (const subgraph of supergraph.subgraphs()) {
    const metadata = subgraph.metadata();
    const key = metadata.keyDirective();
    const requires = metadata.requiresDirective();
    const keys = new Map<string, KeyTree[]>();
    const withArguments = new Set<string>();
    for (const type of subgraph.schema.types()) {
      if (type.kind !== 'ObjectType' && type.kind !== 'InterfaceType') continue;
      const applications = type.appliedDirectivesOf(key);
      if (applications.length) {
        keys.set(
          type.name,
          applications.filter((a) => a.arguments().resolvable !== false).map((a) => keyTree(String(a.arguments().fields))),
        );
      }
      for (const field of type.fields()) {
        for (const application of field.appliedDirectivesOf(requires)) {
          if (String(application.arguments().fields).includes('(')) withArguments.add(`${type.name}.${field.name}`);
        }
      }
    }
    resolvableKeys.set(subgraph.name, keys);
    if (withArguments.size) requiresWithArguments.set(subgraph.name, withArguments);
  }
  return { requiresWithArguments, resolvableKeys };
}

function keyTree(fields: string): KeyTree {
  const operation = parse(`{ ${fields} }`).definitions[0] as OperationDefinitionNode;
  const tree = (set: SelectionSetNode): KeyTree =>
    new Map(set.selections.flatMap((s) => (s.kind === Kind.FIELD ? [[s.name.value, s.selectionSet ? tree(s.selectionSet) : null] as const] : [])));
  return tree(operation.selectionSet);
}

/** Why the plan is known to be wrong, or undefined. `operation` is the client's, with its fragments. */
export function misplanned(plan: QueryPlan, operation: OperationDefinitionNode, fragments: Readonly<Record<string, FragmentDefinitionNode>>, facts: PlanFacts): Misplan | undefined {
  const fetches: { fetch: FetchNode; root: boolean }[] = [];
  let deferred = false;
  const walk = (node: PlanNode | undefined, root: boolean): void => {
    if (!node) return;
    switch (node.kind) {
      case 'Fetch':
        fetches.push({ fetch: node, root });
        return;
      case 'Flatten':
        return walk(node.node, false);
      case 'Sequence':
      case 'Parallel':
        return node.nodes.forEach((child) => walk(child, root));
      case 'Condition':
        walk(node.ifClause, root);
        return walk(node.elseClause, root);
      case 'Defer':
        deferred = true;
        walk(node.primary.node, root);
        return node.deferred.forEach((d) => walk(d.node, false));
      default:
        return;
    }
  };
  // Subscription plans are left as they are.
  if (plan.node?.kind === 'Subscription') return undefined;
  walk(plan.node, true);

  for (const { fetch } of fetches) {
    const withArguments = facts.requiresWithArguments.get(fetch.serviceName);
    if (withArguments && entityFieldsOf(fetch).some((coordinate) => withArguments.has(coordinate))) return 'requires-arguments';
    if (fetch.requires && !holdsResolvableKeys(fetch.requires, facts.resolvableKeys.get(fetch.serviceName))) return 'unresolvable-key';
  }
  // With @defer, root fields may be answered by deferred fetches; those plans are left as they are.
  if (!deferred) {
    const fetched = new Set(fetches.filter((f) => f.root).flatMap(({ fetch }) => rootKeysOf(fetch)));
    for (const key of responseKeys(operation.selectionSet, fragments)) {
      if (!fetched.has(key)) return 'unplanned-root-field';
    }
  }
  return undefined;
}

/** `Type.field` of every field an entity fetch asks for directly of its entities. */
function entityFieldsOf(fetch: FetchNode): string[] {
  if (!fetch.requires) return [];
  const document = documentOf(fetch);
  const fragments = fragmentsOf(document);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const entities = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (entities?.kind !== Kind.FIELD || !entities.selectionSet) return [];
  const coordinates: string[] = [];
  const collect = (set: SelectionSetNode, type: string | undefined): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (type) coordinates.push(`${type}.${selection.name.value}`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, selection.typeCondition?.name.value ?? type);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment) collect(fragment.selectionSet, fragment.typeCondition.name.value);
      }
    }
  };
  collect(entities.selectionSet, undefined);
  return coordinates;
}

/** Whether each type condition of `requires` holds all fields of one of the subgraph's resolvable keys for it. */
function holdsResolvableKeys(requires: readonly QueryPlanSelectionNode[], keys: ReadonlyMap<string, readonly KeyTree[]> | undefined): boolean {
  for (const selection of requires) {
    if (selection.kind !== 'InlineFragment' || !selection.typeCondition) continue;
    // A type the subgraph declares no key for (an implementation of its @interfaceObject) is not judged.
    const candidates = keys?.get(selection.typeCondition);
    if (!candidates?.length) continue;
    if (!candidates.some((key) => covers(selection.selections, key))) return false;
  }
  return true;
}

function covers(selections: readonly QueryPlanSelectionNode[], key: KeyTree): boolean {
  for (const [name, sub] of key) {
    const field = selections.find((s) => s.kind === 'Field' && s.name === name);
    if (!field || field.kind !== 'Field') return false;
    if (sub && !covers(field.selections ?? [], sub)) return false;
  }
  return true;
}

/** The response keys a root fetch asks for. */
function rootKeysOf(fetch: FetchNode): string[] {
  const document = documentOf(fetch);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operation ? [...responseKeys(operation.selectionSet, fragmentsOf(document))] : [];
}

/** The fetch's operation as a document; parsed here when the planner did not keep it (plans are cached, so once). */
function documentOf(fetch: FetchNode): DocumentNode {
  return fetch.operationDocumentNode ?? parse(fetch.operation);
}


const META_FIELDS = new Set(['__typename', '__schema', '__type']);

/** Whether a literal `@skip(if: true)` or `@include(if: false)` leaves the selection out of every request. */
function neverAsked(selection: SelectionNode): boolean {
  return (selection.directives ?? []).some(
    (d) => (d.name.value === 'skip' || d.name.value === 'include') &&
      d.arguments?.some((a) => a.name.value === 'if' && a.value.kind === Kind.BOOLEAN && a.value.value === (d.name.value === 'skip')),
  );
}

/** The response keys of a selection set's fields, through fragments; meta fields left out. */
function responseKeys(set: SelectionSetNode, fragments: Readonly<Record<string, FragmentDefinitionNode>>, into = new Set<string>()): Set<string> {
  for (const selection of set.selections as readonly SelectionNode[]) {
    if (neverAsked(selection)) continue;
    if (selection.kind === Kind.FIELD) {
      if (!META_FIELDS.has(selection.name.value)) into.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      responseKeys(selection.selectionSet, fragments, into);
    } else {
      const fragment = fragments[selection.name.value];
      if (fragment) responseKeys(fragment.selectionSet, fragments, into);
    }
  }
  return into;
}
