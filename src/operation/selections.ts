import {
  Kind,
  isCompositeType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** A field `forEachField` reached. */
export interface SelectedField {
  readonly node: FieldNode;
  /** The type it is selected on: the enclosing fragment's type condition, else the selection set's type. */
  readonly parent: GraphQLCompositeType;
  readonly definition: GraphQLField<unknown, unknown>;
  /** The fragments spread on the way here; pass them on when walking the field's own selection set. */
  readonly spreads: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Every field a selection set selects on `parent`, in document order, through inline fragments and
 * fragment spreads (a fragment's fields are selected on its type condition). Introspection fields
 * (`__typename`) and fields the type does not define are passed over; `@skip`/`@include` are not
 * evaluated, so a conditional field counts as selected. It stays on one level: a visitor that wants
 * a field's own selections walks them with the `spreads` it was given, which is how a fragment
 * spread inside itself (a cycle validation would refuse) is cut, per path.
 *
 * Cache hints, response tags and the BFF's selected fields walk this way. Other walks differ in
 * what they must keep: CollectFields for one runtime type (`policy/collectFields.ts`), the policy's
 * plan (each fragment once, with the paths that reach it: `policy/operationPlan.ts`), and the two
 * cost walks (`demand/`), which memoize fragments and flatten what always applies.
 */
export function forEachField(
  schema: GraphQLSchema,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  visit: (field: SelectedField) => void,
  spreads: ReadonlySet<string> = NONE,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name.startsWith('__') || !('getFields' in parent)) continue;
      const definition = parent.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
      if (definition) visit({ node: selection, parent, definition, spreads });
      continue;
    }
    let inner = spreads;
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
    if (!fragment) continue;
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      if (spreads.has(selection.name.value)) continue;
      inner = new Set(spreads).add(selection.name.value);
    }
    const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
    if (condition && isCompositeType(condition)) forEachField(schema, fragments, fragment.selectionSet, condition, visit, inner);
  }
}
