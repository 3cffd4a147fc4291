import {
  Kind,
  isAbstractType,
  isCompositeType,
  getNamedType,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/** The operation as the gateway will plan it for one set of denied fields. */
export interface PrunedOperation {
  /** Undefined when nothing is left to run (`rootEmpty`). */
  readonly document: DocumentNode | undefined;
  readonly operation: OperationDefinitionNode | undefined;
  /** Denied fields taken out, each with the denied field that caused it (itself). */
  readonly removed: ReadonlyMap<FieldNode, FieldNode>;
  /** Fields kept whose selections lost something: the response is walked below these only. */
  readonly touched: ReadonlySet<FieldNode>;
  readonly rootEmpty: boolean;
}

interface Pruned {
  /** Null when nothing is left. */
  readonly set: SelectionSetNode | null;
  readonly changed: boolean;
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };
const ONLY_TYPENAME: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [TYPENAME] };

const hasOwnTypename = (selections: readonly SelectionNode[]) =>
  selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename' && !s.directives?.length);

/**
 * Removes denied fields from an operation, fragments nobody spreads any more, and variable
 * definitions nobody uses (the gateway validates what it plans). A field whose selections were
 * all denied is kept, selecting only `__typename`: it still runs (a mutation still takes effect)
 * and the denied fields are put back below it, as if their own resolvers had failed — and an
 * object that turns out null stays null without an error, as it would have. Where something was removed under an abstract type, `__typename` is
 * selected so the response can be matched to fragments by runtime type; the splice strips it
 * unless the client asked for it. Pure: the same inputs give the same document.
 */
export function pruneOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  denied: ReadonlySet<FieldNode>,
): PrunedOperation {
  const removed = new Map<FieldNode, FieldNode>();
  const touched = new Set<FieldNode>();
  const prunedFragments = new Map<string, Pruned>();

  const pruneFragment = (name: string): Pruned => {
    const done = prunedFragments.get(name);
    if (done) return done;
    const fragment = fragments[name];
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    // Unknown fragments cannot occur in a validated document; leave them to the gateway.
    const result: Pruned =
      fragment && isCompositeType(type) ? pruneSet(fragment.selectionSet, type) : { set: fragment?.selectionSet ?? null, changed: false };
    prunedFragments.set(name, result);
    return result;
  };

  const pruneSet = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType): Pruned => {
    const kept: SelectionNode[] = [];
    let changed = false;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          if (denied.has(selection)) {
            removed.set(selection, selection);
            changed = true;
            break;
          }
          const fieldType = selection.selectionSet && 'getFields' in parentType ? parentType.getFields()[selection.name.value]?.type : undefined;
          const childType = fieldType && getNamedType(fieldType);
          if (!selection.selectionSet || !isCompositeType(childType)) {
            kept.push(selection);
            break;
          }
          const child = pruneSet(selection.selectionSet, childType);
          if (child.changed) {
            touched.add(selection);
            kept.push({ ...selection, selectionSet: child.set ?? ONLY_TYPENAME });
            changed = true;
          } else {
            kept.push(selection);
          }
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const conditionType = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
          if (!isCompositeType(conditionType)) {
            kept.push(selection);
            break;
          }
          const child = pruneSet(selection.selectionSet, conditionType);
          if (child.set === null) changed = true;
          else if (child.changed) {
            kept.push({ ...selection, selectionSet: child.set });
            changed = true;
          } else kept.push(selection);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const child = pruneFragment(selection.name.value);
          if (child.set === null) changed = true;
          else {
            kept.push(selection);
            if (child.changed) changed = true;
          }
          break;
        }
      }
    }
    if (kept.length === 0) return { set: null, changed: true };
    if (!changed) return { set: selectionSet, changed: false };
    if (isAbstractType(parentType) && !hasOwnTypename(kept)) kept.push(TYPENAME);
    return { set: { ...selectionSet, selections: kept }, changed: true };
  };

  const rootType = schema.getRootType(operation.operation);
  const root = rootType ? pruneSet(operation.selectionSet, rootType) : { set: operation.selectionSet, changed: false };
  if (root.set === null) return { document: undefined, operation: undefined, removed, touched, rootEmpty: true };

  // Fragments still spread from what is left, and the variables they and the operation use.
  const usedFragments = new Map<string, FragmentDefinitionNode>();
  const usedVariables = new Set<string>();
  const collect = (node: SelectionSetNode) =>
    visit(node, {
      Variable(variable) {
        usedVariables.add(variable.name.value);
      },
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments[name];
        const pruned = prunedFragments.get(name);
        if (!fragment || usedFragments.has(name)) return;
        const selectionSet = pruned?.set ?? fragment.selectionSet;
        usedFragments.set(name, selectionSet === fragment.selectionSet ? fragment : { ...fragment, selectionSet });
        collect(selectionSet);
      },
    });
  collect(root.set);
  for (const directive of operation.directives ?? []) visit(directive, { Variable: (v) => void usedVariables.add(v.name.value) });

  const prunedOperation: OperationDefinitionNode = {
    ...operation,
    selectionSet: root.set,
    variableDefinitions: operation.variableDefinitions?.filter((d) => usedVariables.has(d.variable.name.value)),
  };
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [prunedOperation, ...usedFragments.values()] };
  return { document, operation: prunedOperation, removed, touched, rootEmpty: false };
}
