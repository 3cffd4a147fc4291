import {
  Kind,
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
import type { RuleLookup } from './ruleTree.js';
import { isContextOnly, type ShieldRule } from './rules.js';

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
}

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
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const checks: FieldCheck[] = [];
  const seen = new Set<string>();

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

  const walk = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, prefix: readonly string[]) => {
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
            checks.push({
              node,
              coordinate: `${parentType.name}.${node.name.value}`,
              rule,
              contextOnly: isContextOnly(rule),
              parentType,
              fieldDef,
              path: [...prefix, ...keys],
            });
          },
          leave() {
            keys.pop();
          },
        },
        FragmentSpread(node) {
          const name = node.name.value;
          const fragment = fragments[name];
          if (!fragment || seen.has(name)) return;
          seen.add(name);
          const fragmentType = schema.getType(fragment.typeCondition.name.value);
          if (isCompositeType(fragmentType)) walk(fragment.selectionSet, fragmentType, [...prefix, ...keys]);
        },
      }),
    );
  };

  const rootType = schema.getRootType(operation.operation);
  if (rootType) walk(operation.selectionSet, rootType, []);
  return { checks, fragments };
}
