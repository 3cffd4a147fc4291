import {
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isIncluded, type Variables } from '../operation/document.js';
import type { CostModel } from './costDirectives.js';
import { argumentsCost, MUTATION_COST, typeCost } from './estimateCost.js';

type Data = Record<string, unknown>;

/** A field of a selection set, with what its values cost worked out once. */
interface FieldPlan {
  readonly node: FieldNode;
  readonly key: string;
  /** What each value of it costs by itself (1 an object, 0 a scalar, or its `@cost`). */
  readonly weight: number;
  /** Its selection set, for object values; compiled on first use. */
  readonly children: (() => SetPlan) | undefined;
  readonly definition: GraphQLField<unknown, unknown>;
  readonly coordinate: string;
}

/**
 * A fragment that does not always apply: its type condition is narrower than the selection set's
 * type (decided by the value's `__typename`), or `@skip`/`@include` decide it per request.
 */
interface FragmentPlan {
  readonly condition: GraphQLCompositeType;
  readonly set: SetPlan;
  readonly node: InlineFragmentNode | FragmentSpreadNode;
}

interface SetPlan {
  readonly fields: readonly FieldPlan[];
  readonly fragments: readonly FragmentPlan[];
}

/** Plans by model (a new supergraph, new weights), selection set and type. */
const plans = new WeakMap<CostModel, WeakMap<SelectionSetNode, Map<GraphQLCompositeType, SetPlan>>>();

const hasConditions = (node: InlineFragmentNode | FragmentSpreadNode) => !!node.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include');

function compile(
  schema: GraphQLSchema,
  model: CostModel,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  set: SelectionSetNode,
  parent: GraphQLCompositeType,
): SetPlan {
  let byModel = plans.get(model);
  if (!byModel) plans.set(model, (byModel = new WeakMap()));
  let byType = byModel.get(set);
  if (!byType) byModel.set(set, (byType = new Map()));
  const cached = byType.get(parent);
  if (cached) return cached;

  const fields: FieldPlan[] = [];
  const fragmentPlans: FragmentPlan[] = [];
  const seen = new Set<FieldNode>();
  // A named fragment flattened once is all there is to flatten: spread ten times in each of ten
  // nested fragments, it is still walked once, not ten to the power of the nesting.
  const flattened = new Set<string>();
  // A fragment the parent always meets (and no @skip/@include decides) is flattened into it; the
  // same field node reached twice (one fragment spread twice) counts once, as the answer holds it once.
  const collect = (selections: SelectionSetNode, type: GraphQLCompositeType) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__') || !('getFields' in type) || seen.has(selection)) continue;
        const definition = type.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
        if (!definition) continue;
        seen.add(selection);
        const named = getNamedType(definition.type);
        const coordinate = `${type.name}.${name}`;
        const childSet = selection.selectionSet;
        let childPlan: SetPlan | undefined;
        fields.push({
          node: selection,
          key: selection.alias?.value ?? name,
          weight: typeCost(model, coordinate, named),
          children: childSet && isCompositeType(named) ? () => (childPlan ??= compile(schema, model, fragments, childSet, named)) : undefined,
          definition,
          coordinate,
        });
        continue;
      }
      const conditionName = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition?.name.value : fragments[selection.name.value]?.typeCondition.name.value;
      const body = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments[selection.name.value]?.selectionSet;
      if (!body) continue;
      const condition = conditionName ? schema.getType(conditionName) : type;
      if (!condition || !isCompositeType(condition)) continue;
      // Met by every value of `type`: the condition is the type itself or one of its supertypes.
      const always = condition === type || (!isObjectType(condition) && isObjectType(type) && schema.isSubType(condition, type));
      if (always && !hasConditions(selection)) {
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          if (flattened.has(selection.name.value)) continue;
          flattened.add(selection.name.value);
        }
        collect(body, type);
      } else fragmentPlans.push({ condition, set: compile(schema, model, fragments, body, condition), node: selection });
    }
  };
  collect(set, parent);
  const plan = { fields, fragments: fragmentPlans };
  byType.set(parent, plan);
  return plan;
}

/**
 * The cost of an answer as it came back: the static cost's weights, with each list counted at the
 * length it had instead of its estimate, and nothing counted for a field that is null or absent.
 * Operators compare it with the estimate (both are histograms) to tune `@listSize` and the limit.
 * A narrower type condition applies by `__typename` when the answer has it, else always, so without
 * `__typename` the cost is an upper bound. The walk is planned once per selection set and type
 * (a list of fields with their weights), so each value of the answer costs a property read.
 */
export function actualCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Variables,
  data: Data | null | undefined,
  model: CostModel,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root || !data) return 0;

  const applies = (condition: GraphQLCompositeType, value: Data): boolean => {
    const typename = value.__typename;
    if (typeof typename !== 'string') return true;
    const concrete = schema.getType(typename);
    if (!concrete || !isObjectType(concrete)) return true;
    return condition === concrete || (!isObjectType(condition) && schema.isSubType(condition, concrete));
  };

  const valueCost = (field: FieldPlan, value: unknown): number => {
    if (value === null || value === undefined) return 0;
    if (Array.isArray(value)) {
      let sum = 0;
      for (let i = 0; i < value.length; i++) sum += valueCost(field, value[i]);
      return sum;
    }
    return field.children && typeof value === 'object' ? field.weight + setCost(field.children(), value as Data) : field.weight;
  };

  const setCost = (plan: SetPlan, value: Data): number => {
    let cost = 0;
    const fields = plan.fields;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (!isIncluded(field.node, variables)) continue;
      const result = value[field.key];
      if (result === undefined) continue;
      cost += valueCost(field, result);
      if (field.node.arguments?.length) cost += argumentsCost(model, field.node, field.definition, field.coordinate, variables);
    }
    for (const fragment of plan.fragments) {
      if (!isIncluded(fragment.node, variables)) continue;
      if (applies(fragment.condition, value)) cost += setCost(fragment.set, value);
    }
    return cost;
  };

  return (operation.operation === 'mutation' ? MUTATION_COST : 0) + setCost(compile(schema, model, fragments, operation.selectionSet, root), data);
}
