import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from '../operation/document.js';

/** The tag every entry of an operation carries, so an admin can purge by operation name. */
export const operationTag = (operationName: string): string => `op:${operationName}`;

export interface TagOptions {
  /** The field that identifies an object of a type, by type name. Default `id`. */
  readonly keyFields?: Readonly<Record<string, string>>;
}

/**
 * The tags of a response: every object type whose data it holds (`Product`), and `Type:<key>`
 * for each object whose key field was selected (`User:1`) or that a field argument named after
 * the key picked (`user(id: "1")` tags `User:1` even when `id` is not selected). Where the runtime
 * type of an abstract field is unknown (no `__typename`), every possible type is tagged: a purge
 * may drop a little more than needed, never less.
 */
export function responseTags(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  data: Record<string, unknown>,
  variables: Readonly<Record<string, unknown>>,
  options: TagOptions = {},
): Set<string> {
  const keyFields = options.keyFields ?? {};
  const keyOf = (type: string) => keyFields[type] ?? 'id';
  const tags = new Set<string>();
  const fragments = fragmentsOf(document);

  const argumentKey = (node: FieldNode, type: GraphQLCompositeType) => {
    const names = isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name];
    for (const name of names) {
      const arg = node.arguments?.find((a) => a.name.value === keyOf(name));
      if (!arg) continue;
      const value = valueFromASTUntyped(arg.value, variables as Record<string, unknown>);
      if (typeof value === 'string' || typeof value === 'number') tags.add(`${name}:${value}`);
    }
  };

  const walk = (selectionSet: SelectionSetNode, declared: GraphQLCompositeType, value: Record<string, unknown>) => {
    const typename = value['__typename'];
    const runtime = typeof typename === 'string' ? schema.getType(typename) : undefined;
    const types = runtime && isObjectType(runtime) ? [runtime] : isAbstractType(declared) ? schema.getPossibleTypes(declared) : [declared];
    for (const type of types) tags.add(type.name);
    visit(selectionSet, types.length === 1 ? types[0]! : declared, value, new Set());
  };

  const visit = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, value: Record<string, unknown>, spread: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
        if (!fragment) continue;
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          if (spread.has(selection.name.value)) continue;
          spread = new Set(spread).add(selection.name.value);
        }
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        // Over-approximate: a fragment whose condition may not apply still only adds tags.
        visit(fragment.selectionSet, condition && isCompositeType(condition) ? condition : parent, value, spread);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__') || !('getFields' in parent)) continue;
      const field = parent.getFields()[name];
      const child = value[selection.alias?.value ?? name];
      if (!field) continue;
      const target = getNamedType(field.type);
      if (name === keyOf(parent.name) && (typeof child === 'string' || typeof child === 'number') && isObjectType(parent)) {
        tags.add(`${parent.name}:${child}`);
      }
      if (!isCompositeType(target)) continue;
      argumentKey(selection, target);
      if (selection.selectionSet) forEachObject(child, (object) => walk(selection.selectionSet!, target, object));
    }
  };

  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, data);
  return tags;
}

function forEachObject(value: unknown, fn: (object: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) for (const item of value) forEachObject(item, fn);
  else if (value !== null && typeof value === 'object') fn(value as Record<string, unknown>);
}
