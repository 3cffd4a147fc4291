import {
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ErrorCode } from '../errors/codes.js';
import type { Variables } from '../operation/document.js';
import { collectFields } from './collectFields.js';

/** Why a field was denied, as the client sees it. */
export interface Denial {
  readonly code: ErrorCode;
  readonly message: string;
  /** More for the client beside the code, e.g. `retryAfter` of a rate limit. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

export interface SpliceInput {
  readonly schema: GraphQLSchema;
  /** The operation as the client sent it (not the pruned one). */
  readonly operation: OperationDefinitionNode;
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  readonly variables: Variables;
  /** Removed (denied) field → the denied field that caused it. */
  readonly removed: ReadonlyMap<FieldNode, FieldNode>;
  /** Kept fields with something removed below them. */
  readonly touched: ReadonlySet<FieldNode>;
  readonly denialOf: (cause: FieldNode) => Denial;
}

export type ResponseData = Record<string, unknown>;

/** The position must become null, and it is non-null: its parent has to be null instead. */
const PROPAGATE = Symbol('propagate');
type Completed = unknown | typeof PROPAGATE;
type Path = readonly (string | number)[];

/**
 * Puts `null` and an error at every path where a removed field would have been, walking the
 * response along the client's own selections (a fragment field may sit under several paths, and
 * fragments on abstract types apply per object by `__typename`). A null in a non-null position
 * nulls the nearest nullable ancestor, exactly as a failed resolver would. Objects are rebuilt in
 * the client's selection order, which also drops `__typename` selected only for this walk.
 * Subtrees with nothing removed are left as they are.
 */
export function spliceDenials(
  data: ResponseData | null | undefined,
  input: SpliceInput,
): { data: ResponseData | null; errors: GraphQLFormattedError[] } {
  const { schema, fragments, variables, removed, touched, denialOf } = input;
  const errors: GraphQLFormattedError[] = [];
  // Per response: the same selections meet many objects of a list; collect their fields once per type.
  const collected = new Map<readonly FieldNode[] | OperationDefinitionNode, Map<string, Map<string, FieldNode[]>>>();

  const fieldsOf = (key: readonly FieldNode[] | OperationDefinitionNode, type: GraphQLObjectType, sets: readonly SelectionSetNode[]) => {
    let byType = collected.get(key);
    if (!byType) collected.set(key, (byType = new Map()));
    let fields = byType.get(type.name);
    if (!fields) byType.set(type.name, (fields = collectFields(schema, fragments, variables, type, sets)));
    return fields;
  };

  const completeObject = (
    object: ResponseData,
    type: GraphQLObjectType,
    key: readonly FieldNode[] | OperationDefinitionNode,
    sets: readonly SelectionSetNode[],
    path: Path,
  ): ResponseData | typeof PROPAGATE => {
    const out: ResponseData = {};
    let propagate = false;
    const definitions = type.getFields();
    for (const [responseKey, nodes] of fieldsOf(key, type, sets)) {
      const name = nodes[0]!.name.value;
      if (name === '__typename') {
        out[responseKey] = responseKey in object ? object[responseKey] : type.name;
        continue;
      }
      const fieldType = definitions[name]?.type;
      let cause: FieldNode | undefined;
      for (const node of nodes) if ((cause = removed.get(node))) break;
      if (cause) {
        const denial = denialOf(cause);
        errors.push({ message: denial.message, path: [...path, responseKey], extensions: { ...denial.extensions, code: denial.code } });
        out[responseKey] = null;
        if (fieldType && isNonNullType(fieldType)) propagate = true;
        continue;
      }
      if (!(responseKey in object)) continue;
      let value = object[responseKey];
      if (value !== null && fieldType && nodes.some((n) => touched.has(n))) {
        const completed = completeValue(value, fieldType, nodes, [...path, responseKey]);
        if (completed === PROPAGATE) {
          value = null;
          if (isNonNullType(fieldType)) propagate = true;
        } else value = completed;
      }
      out[responseKey] = value;
    }
    return propagate ? PROPAGATE : out;
  };

  /** Returns the completed value, or PROPAGATE when it must be null (the caller checks its own nullability). */
  const completeValue = (value: unknown, type: GraphQLOutputType, nodes: readonly FieldNode[], path: Path): Completed => {
    if (value === null || value === undefined) return value;
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return value;
      const itemType = nullable.ofType as GraphQLOutputType;
      let propagate = false;
      // Every item is walked even once the list must be null: each denied position reports its
      // error, as it does when subgraphs refuse the field on each entity.
      for (let i = 0; i < value.length; i++) {
        const completed = completeValue(value[i], itemType, nodes, [...path, i]);
        if (completed === PROPAGATE) {
          if (isNonNullType(itemType)) propagate = true;
          value[i] = null;
        } else value[i] = completed;
      }
      return propagate ? PROPAGATE : value;
    }
    if (typeof value !== 'object') return value;
    const object = value as ResponseData;
    const runtimeType = isAbstractType(nullable) ? schema.getType(String(object.__typename)) : nullable;
    if (!isObjectType(runtimeType)) return value;
    const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    return completeObject(object, runtimeType, nodes, sets, path);
  };

  const rootType = schema.getRootType(input.operation.operation);
  if (!rootType) return { data: data ?? null, errors };
  const completed = completeObject(data ?? {}, rootType, input.operation, [input.operation.selectionSet], []);
  if (data === null || data === undefined || completed === PROPAGATE) return { data: null, errors };
  return { data: completed, errors };
}
