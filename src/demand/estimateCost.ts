import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputObjectType,
  isListType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { isIncluded, type Variables } from '../operation/document.js';
import type { CostModel, ListSize } from './costDirectives.js';

/**
 * Static cost as Apollo Router's demand control and the IBM GraphQL cost specification define it:
 * - an object, interface or union field costs 1, a scalar or enum field 0, unless `@cost(weight:)`
 *   on the field, or on the type it returns, says otherwise; a mutation adds 10;
 * - a list field's cost is multiplied by its size: the largest slicing argument given (or its
 *   default), else `@listSize(assumedSize:)`, else the configured default; `sizedFields` pass that
 *   size to child lists (a connection's `edges`);
 * - sizes multiply down each path, so `user { orders { user { orders } } } }` grows with every level;
 * - arguments add their weights: an input object 1 (or its `@cost`) plus its fields'.
 * Pure: schema, operation and (coerced) variables in, a number out.
 */

export interface CostOptions {
  readonly model: CostModel;
  /** The size of a list field that has no `@listSize`. */
  readonly defaultListSize: number;
}

export interface CostEstimate {
  readonly cost: number;
  /** `@listSize(requireOneSlicingArgument: true)` fields called without exactly one slicing argument. */
  readonly problems: readonly string[];
}

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/** A `@listSize(sizedFields:)` in force over a selection set: the size its named children get. */
interface Sized {
  readonly fields: readonly string[];
  readonly size: number;
}

/** What every mutation costs before its fields, as Apollo Router counts it. */
export const MUTATION_COST = 10;

/** What a field of a given type costs by itself, before its size and children. */
export function typeCost(model: CostModel, coordinate: string, named: GraphQLNamedType): number {
  return model.fieldWeights.get(coordinate) ?? model.typeWeights.get(named.name) ?? (isCompositeType(named) ? 1 : 0);
}

/** An argument's cost: an input object 1 (or its `@cost`) plus its fields', a list its elements', a scalar its `@cost`. */
function inputCost(model: CostModel, value: unknown, type: GraphQLInputType, weightKey: string): number {
  if (value === null || value === undefined) return 0;
  const weight = model.inputWeights.get(weightKey);
  const nullable = getNullableType(type);
  if (Array.isArray(value)) {
    const item = isListType(nullable) ? (nullable.ofType as GraphQLInputType) : type;
    let cost = weight ?? 0;
    for (const element of value) cost += inputCost(model, element, item, weightKey);
    return cost;
  }
  if (isInputObjectType(nullable) && typeof value === 'object') {
    let cost = weight ?? 1;
    const fields = nullable.getFields();
    for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (field) cost += inputCost(model, fieldValue, field.type, `${nullable.name}.${name}`);
    }
    return cost;
  }
  return weight ?? 0;
}

/** What a field's arguments add, as given in the operation (variables read). */
export function argumentsCost(model: CostModel, node: FieldNode, definition: GraphQLField<unknown, unknown>, coordinate: string, variables: Variables): number {
  let cost = 0;
  for (const arg of node.arguments ?? []) {
    const argDefinition = definition.args.find((a) => a.name === arg.name.value);
    if (argDefinition) cost += inputCost(model, valueFromASTUntyped(arg.value, variables), argDefinition.type, `${coordinate}(${arg.name.value}:)`);
  }
  return cost;
}

function sliceValue(value: ValueNode | undefined, variables: Variables): number | undefined {
  if (!value) return undefined;
  const resolved = valueFromASTUntyped(value, variables);
  return typeof resolved === 'number' && Number.isFinite(resolved) ? Math.max(0, Math.trunc(resolved)) : undefined;
}

/** A list field's expected size from `@listSize`: the largest slicing argument, else `assumedSize`. */
function expectedSize(
  listSize: ListSize,
  node: FieldNode,
  definition: GraphQLField<unknown, unknown>,
  coordinate: string,
  variables: Variables,
  problems: string[],
): number | undefined {
  const slicing = listSize.slicingArguments;
  if (!slicing || slicing.length === 0) return listSize.assumedSize;
  const sizes: number[] = [];
  for (const name of slicing) {
    const given = node.arguments?.find((a) => a.name.value === name);
    const size = given ? sliceValue(given.value, variables) : sliceValue(definition.args.find((a) => a.name === name)?.astNode?.defaultValue, variables);
    if (size !== undefined) sizes.push(size);
  }
  if (listSize.requireOneSlicingArgument && sizes.length !== 1) {
    problems.push(`${coordinate} needs exactly one of its slicing arguments (${slicing.join(', ')}); it got ${sizes.length}.`);
  }
  return sizes.length > 0 ? Math.max(...sizes) : listSize.assumedSize;
}

export function estimateCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Variables,
  { model, defaultListSize }: CostOptions,
): CostEstimate {
  const problems: string[] = [];
  // A fragment spread many times is costed once per size context: a spread bomb costs no more to estimate.
  const fragmentCosts = new Map<string, number>();

  const selectionSetCost = (set: SelectionSetNode, parent: GraphQLCompositeType, sized: Sized | undefined): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (!isIncluded(selection, variables)) continue;
      switch (selection.kind) {
        case Kind.FIELD: {
          const upstream = sized?.fields.includes(selection.name.value) ? sized.size : undefined;
          cost += fieldCost(selection, parent, upstream);
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
          if (type && isCompositeType(type)) cost += selectionSetCost(selection.selectionSet, type, sized);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const key = sized ? `${name}\n${sized.fields.join(',')}\n${sized.size}` : name;
          let fragmentCost = fragmentCosts.get(key);
          if (fragmentCost === undefined) {
            const fragment = fragments[name];
            const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
            // Set before the walk: a cycle (which validation refuses anyway) costs nothing more.
            fragmentCosts.set(key, 0);
            fragmentCost = fragment && type && isCompositeType(type) ? selectionSetCost(fragment.selectionSet, type, sized) : 0;
            fragmentCosts.set(key, fragmentCost);
          }
          cost += fragmentCost;
          break;
        }
      }
    }
    return cost;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType, upstreamSize: number | undefined): number => {
    const name = node.name.value;
    // Introspection (`__typename`, `__schema`, `__type`) is answered by the gateway itself.
    if (name.startsWith('__') || !('getFields' in parent)) return 0;
    const definition = (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
    if (!definition) return 0;
    const coordinate = `${parent.name}.${name}`;
    const named = getNamedType(definition.type);
    const listSize = model.listSizes.get(coordinate);
    const expected = listSize ? expectedSize(listSize, node, definition, coordinate, variables, problems) : undefined;
    const count = isListType(getNullableType(definition.type)) ? (upstreamSize ?? expected ?? defaultListSize) : 1;
    const sized = listSize?.sizedFields && expected !== undefined ? { fields: listSize.sizedFields, size: expected } : undefined;
    const args = argumentsCost(model, node, definition, coordinate, variables);
    // An empty list costs its arguments only; 0 × an infinite subtree would be NaN, which no limit refuses.
    if (count === 0) return args;
    const children = node.selectionSet && isCompositeType(named) ? selectionSetCost(node.selectionSet, named, sized) : 0;
    return count * (typeCost(model, coordinate, named) + children) + args;
  };

  const root = schema.getRootType(operation.operation);
  if (!root) return { cost: 0, problems };
  const cost = (operation.operation === 'mutation' ? MUTATION_COST : 0) + selectionSetCost(operation.selectionSet, root, undefined);
  return { cost, problems };
}
