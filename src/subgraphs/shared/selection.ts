import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Names of the fields selected directly under the current field, through inline fragments and
 * fragment spreads. `@skip`/`@include` are not evaluated: a conditional field counts as selected,
 * so the worst case is a read nobody uses, never a missing one.
 */
export function selectedFieldNames(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      switch (selection.kind) {
        case Kind.FIELD:
          names.add(selection.name.value);
          break;
        case Kind.INLINE_FRAGMENT:
          visit(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          if (seen.has(name)) break;
          seen.add(name);
          visit(info.fragments[name]?.selectionSet);
          break;
        }
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return names;
}
