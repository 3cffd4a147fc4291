import {
  TypeInfo,
  isAbstractType,
  isCompositeType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { and } from 'graphql-shield';
import { fragmentsOf } from '../operation/document.js';
import type { RuleLookup } from './ruleTree.js';
import { countsOccurrences, isContextOnly, type ShieldRule } from './rules.js';

/** One field of the operation that has a rule to pass. */
export interface FieldCheck {
  readonly node: FieldNode;
  readonly coordinate: string;
  readonly rule: ShieldRule;
  /** Decided once per request, whatever the arguments (graphql-shield `cache: 'contextual'`). */
  readonly contextOnly: boolean;
  readonly parentType: GraphQLCompositeType;
  readonly fieldDef: GraphQLField<unknown, unknown>;
  /** Response keys of the first path that reaches the field (a fragment field may have several). */
  readonly path: readonly string[];
  /**
   * How many times a rule that counts occurrences (a rate limit) is decided: the number of paths
   * that reach the field through named fragments; 1 for every other rule.
   */
  readonly occurrences: number;
}

/** More paths than any budget: beyond this a field is simply decided this many times. */
const MAX_OCCURRENCES = 1_000;

/** What the edge needs to know about one operation, computed once per (operation, composition). */
export interface OperationPlan {
  readonly checks: readonly FieldCheck[];
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
}

/** Fields no rule applies to: introspection and federation's own entry points. */
function isExempt(parentType: GraphQLCompositeType, fieldName: string, schema: GraphQLSchema): boolean {
  if (fieldName.startsWith('__') || parentType.name.startsWith('__')) return true;
  return parentType === schema.getQueryType() && (fieldName === '_entities' || fieldName === '_service');
}

/**
 * Collects the rule checks of an operation by walking it with `TypeInfo`, following fragment
 * spreads (each fragment once: a field's rule does not depend on where the fragment is spread).
 * A field selected through an interface must pass the interface's rule and the rule of every
 * type that implements it, since the edge does not know the runtime type yet.
 */
export function planOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  lookup: RuleLookup,
): OperationPlan {
  const fragments = fragmentsOf(document);
  const checks: FieldCheck[] = [];
  const seen = new Set<string>();
  // Where each check was found (a fragment name, or undefined for the operation) and which
  // fragments each place spreads: a fragment is walked once but may be reached by many paths.
  const foundIn = new Map<FieldCheck, string>();
  const spreadsOf = new Map<string | undefined, string[]>();

  const ruleFor = (parentType: GraphQLCompositeType, fieldName: string): ShieldRule | undefined => {
    if (!isAbstractType(parentType)) return lookup(parentType.name, fieldName);
    const found = new Set<ShieldRule>();
    const own = lookup(parentType.name, fieldName);
    if (own) found.add(own);
    for (const type of schema.getPossibleTypes(parentType)) {
      const rule = lookup(type.name, fieldName);
      if (rule) found.add(rule);
    }
    if (found.size <= 1) return found.values().next().value;
    return and(...found);
  };

  const walk = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, prefix: readonly string[], inFragment?: string) => {
    const typeInfo = new TypeInfo(schema, type);
    const keys: string[] = [];
    visit(
      selectionSet,
      visitWithTypeInfo(typeInfo, {
        Field: {
          enter(node) {
            keys.push(node.alias?.value ?? node.name.value);
            const parentType = typeInfo.getParentType();
            const fieldDef = typeInfo.getFieldDef();
            if (!parentType || !fieldDef || isExempt(parentType, node.name.value, schema)) return;
            const rule = ruleFor(parentType, node.name.value);
            if (!rule) return;
            const check: FieldCheck = {
              node,
              coordinate: `${parentType.name}.${node.name.value}`,
              rule,
              contextOnly: isContextOnly(rule),
              parentType,
              fieldDef,
              path: [...prefix, ...keys],
              occurrences: 1,
            };
            checks.push(check);
            if (inFragment !== undefined && countsOccurrences(rule)) foundIn.set(check, inFragment);
          },
          leave() {
            keys.pop();
          },
        },
        FragmentSpread(node) {
          const name = node.name.value;
          const fragment = fragments[name];
          if (!fragment) return;
          let spreads = spreadsOf.get(inFragment);
          if (!spreads) spreadsOf.set(inFragment, (spreads = []));
          spreads.push(name);
          if (seen.has(name)) return;
          seen.add(name);
          const fragmentType = schema.getType(fragment.typeCondition.name.value);
          if (isCompositeType(fragmentType)) walk(fragment.selectionSet, fragmentType, [...prefix, ...keys], name);
        },
      }),
    );
  };

  const rootType = schema.getRootType(operation.operation);
  if (rootType) walk(operation.selectionSet, rootType, []);
  if (foundIn.size === 0) return { checks, fragments };
  const paths = pathCounts(spreadsOf);
  const counted = checks.map((check) => {
    const fragment = foundIn.get(check);
    return fragment === undefined ? check : { ...check, occurrences: Math.min(MAX_OCCURRENCES, paths(fragment)) };
  });
  return { checks: counted, fragments };
}

/** Paths from the operation to each fragment, over the spreads (validation rules out cycles). */
function pathCounts(spreadsOf: ReadonlyMap<string | undefined, readonly string[]>): (fragment: string) => number {
  const memo = new Map<string | undefined, Map<string, number>>();
  // Counts per place: the operation spreads F twice, F spreads G three times → G has 6 paths.
  const reachedFrom = (place: string | undefined, depth: number): Map<string, number> => {
    const known = memo.get(place);
    if (known) return known;
    const counts = new Map<string, number>();
    if (depth <= 64) {
      for (const spread of spreadsOf.get(place) ?? []) {
        counts.set(spread, Math.min(MAX_OCCURRENCES, (counts.get(spread) ?? 0) + 1));
        for (const [below, n] of reachedFrom(spread, depth + 1)) counts.set(below, Math.min(MAX_OCCURRENCES, (counts.get(below) ?? 0) + n));
      }
    }
    memo.set(place, counts);
    return counts;
  };
  return (fragment) => reachedFrom(undefined, 0).get(fragment) ?? 1;
}
