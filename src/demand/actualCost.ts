import {
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CostModel } from './costDirectives.js';
import { argumentsCost, isIncluded, MUTATION_COST, typeCost } from './estimateCost.js';

type Data = Record<string, unknown>;

/**
 * The cost of an answer as it came back: the static cost's weights, with each list counted at the
 * length it had instead of its estimate, and nothing counted for a field that is null or absent.
 * Operators compare it with the estimate (both are histograms) to tune `@listSize` and the limit.
 * An abstract field's type conditions apply by `__typename` when the answer has it, else all of
 * them, so without `__typename` the cost is an upper bound.
 */
export function actualCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
  data: Data | null | undefined,
  model: CostModel,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root || !data) return 0;

  const applies = (condition: NamedTypeNode | undefined, parent: GraphQLCompositeType, value: Data): boolean => {
    if (!condition) return true;
    const type = schema.getType(condition.name.value);
    if (!type || !isCompositeType(type)) return false;
    const typename = value.__typename;
    const concrete = typeof typename === 'string' ? schema.getType(typename) : isObjectType(parent) ? parent : undefined;
    if (!concrete || !isObjectType(concrete)) return true;
    return type === concrete || (!isObjectType(type) && schema.isSubType(type, concrete));
  };

  const selectionSetCost = (set: SelectionSetNode, parent: GraphQLCompositeType, value: Data): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (!isIncluded(selection, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        cost += fieldCost(selection, parent, value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!applies(selection.typeCondition, parent, value)) continue;
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) cost += selectionSetCost(selection.selectionSet, type, value);
      } else {
        const fragment = fragments[selection.name.value];
        if (!fragment || !applies(fragment.typeCondition, parent, value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) cost += selectionSetCost(fragment.selectionSet, type, value);
      }
    }
    return cost;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType, value: Data): number => {
    const name = node.name.value;
    if (name.startsWith('__') || !('getFields' in parent)) return 0;
    const definition = (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name];
    const result = value[node.alias?.value ?? name];
    if (!definition || result === undefined) return 0;
    const coordinate = `${parent.name}.${name}`;
    const named = getNamedType(definition.type);
    const each = typeCost(model, coordinate, named);
    const valueCost = (item: unknown): number => {
      if (item === null || item === undefined) return 0;
      if (Array.isArray(item)) {
        let sum = 0;
        for (const element of item) sum += valueCost(element);
        return sum;
      }
      if (node.selectionSet && isCompositeType(named) && typeof item === 'object') return each + selectionSetCost(node.selectionSet, named, item as Data);
      return each;
    };
    return valueCost(result) + argumentsCost(model, node, definition, coordinate, variables);
  };

  return (operation.operation === 'mutation' ? MUTATION_COST : 0) + selectionSetCost(operation.selectionSet, root, data);
}
