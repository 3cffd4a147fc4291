import { getNamedType, isCompositeType, type GraphQLResolveInfo } from 'graphql';
import { forEachField } from '../../operation/selections.js';

/**
 * Names of the fields selected directly under the current field, through inline fragments and
 * fragment spreads. `@skip`/`@include` are not evaluated: a conditional field counts as selected,
 * so the worst case is a read nobody uses, never a missing one.
 */
export function selectedFieldNames(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'schema' | 'returnType'>): Set<string> {
  const names = new Set<string>();
  const type = getNamedType(info.returnType);
  if (!isCompositeType(type)) return names;
  for (const node of info.fieldNodes) {
    if (node.selectionSet) forEachField(info.schema, info.fragments, node.selectionSet, type, ({ node: field }) => names.add(field.name.value));
  }
  return names;
}
