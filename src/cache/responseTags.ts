import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from '../operation/document.js';
import { forEachField } from '../operation/selections.js';

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

  // Each object of the answer is walked afresh: the data is finite, so no spread guard is carried down.
  const walk = (selectionSet: SelectionSetNode, declared: GraphQLCompositeType, value: Record<string, unknown>) => {
    const typename = value['__typename'];
    const runtime = typeof typename === 'string' ? schema.getType(typename) : undefined;
    const types = runtime && isObjectType(runtime) ? [runtime] : isAbstractType(declared) ? schema.getPossibleTypes(declared) : [declared];
    for (const type of types) tags.add(type.name);
    // A fragment whose condition may not apply to this object still only adds tags: an over-approximation.
    forEachField(schema, fragments, selectionSet, types.length === 1 ? types[0]! : declared, ({ node, parent, definition }) => {
      const name = node.name.value;
      const child = value[node.alias?.value ?? name];
      if (name === keyOf(parent.name) && (typeof child === 'string' || typeof child === 'number') && isObjectType(parent)) {
        tags.add(`${parent.name}:${child}`);
      }
      const target = getNamedType(definition.type);
      if (!isCompositeType(target)) return;
      argumentKey(node, target);
      if (node.selectionSet) forEachObject(child, (object) => walk(node.selectionSet!, target, object));
    });
  };

  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, data);
  return tags;
}

function forEachObject(value: unknown, fn: (object: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) for (const item of value) forEachObject(item, fn);
  else if (value !== null && typeof value === 'object') fn(value as Record<string, unknown>);
}
