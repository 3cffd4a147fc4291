import {
  Kind,
  isAbstractType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { isIncluded, type Variables } from '../operation/document.js';

/**
 * The fields an object of `runtimeType` gets from these selection sets, by response key, in
 * execution order: GraphQL's CollectFields (fragments by type condition, @skip/@include).
 */
export function collectFields(
  schema: GraphQLSchema,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Variables,
  runtimeType: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  const applies = (typeName: string | undefined): boolean => {
    if (typeName === undefined || typeName === runtimeType.name) return true;
    const condition = schema.getType(typeName);
    return condition !== undefined && isAbstractType(condition) && schema.isSubType(condition, runtimeType);
  };
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (!isIncluded(selection, variables)) continue;
      switch (selection.kind) {
        case Kind.FIELD: {
          const key = selection.alias?.value ?? selection.name.value;
          const list = fields.get(key);
          if (list) list.push(selection);
          else fields.set(key, [selection]);
          break;
        }
        case Kind.INLINE_FRAGMENT:
          if (applies(selection.typeCondition?.name.value)) collect(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = fragments[name];
          if (visited.has(name) || !fragment) continue;
          visited.add(name);
          if (applies(fragment.typeCondition.name.value)) collect(fragment.selectionSet);
          break;
        }
      }
    }
  };
  for (const selectionSet of selectionSets) collect(selectionSet);
  return fields;
}
