import type { FetchDataRewrite, ResponsePath } from '@apollo/query-planner';
import { isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

/**
 * What a query plan asks of the data between fetches, as `@apollo/query-planner` documents it in
 * its plan types: rewrites of representations and answers (`FetchDataRewrite`), type conditions
 * on `__typename`, and the response paths a flattened path stands for. The gateway package has
 * the same logic in modules it does not export; this is Tessera's, read against the plan format.
 */

type Data = Record<string, unknown>;

const FRAGMENT_PREFIX = '... on ';

/**
 * Whether `obj` is of `typeCondition`: its `__typename` names the type, or an object or interface
 * type within the abstract type it names. An object without `__typename` is `unknownType`.
 */
export function isObjectOfType(schema: GraphQLSchema, obj: Data, typeCondition: string, unknownType = false): boolean {
  const typename = obj.__typename;
  if (!typename) return unknownType;
  if (typename === typeCondition) return true;
  const type = schema.getType(typename as string);
  const condition = schema.getType(typeCondition);
  if (!type || !condition || !isAbstractType(condition)) return false;
  return (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type);
}

/** Applies each rewrite to `value` in place: a value set at a path, or a key renamed. */
export function applyRewrites(schema: GraphQLSchema, rewrites: readonly FetchDataRewrite[] | undefined, value: Data | null | undefined): void {
  if (!rewrites || !value) return;
  for (const rewrite of rewrites) {
    const { path } = rewrite;
    if (path.length === 0) continue;
    const last = path[path.length - 1]!;
    if (last.startsWith(FRAGMENT_PREFIX)) throw new Error(`Unexpected fragment as last element of ${path.join('.')}`);
    applyAt(schema, path, 0, path.length - 1, value, (obj) => {
      if (rewrite.kind === 'ValueSetter') {
        shadowInherited(obj, last);
        obj[last] = rewrite.setValueTo;
      } else {
        const found = Object.hasOwn(obj, last) ? obj[last] : undefined;
        if (!found) return;
        shadowInherited(obj, rewrite.renameKeyTo);
        obj[rewrite.renameKeyTo] = found;
        obj[last] = undefined;
      }
    });
  }
}

/** Calls `apply` on every object `path[start..end)` leads to, through lists and type conditions. */
function applyAt(schema: GraphQLSchema, path: readonly string[], start: number, end: number, value: unknown, apply: (obj: Data) => void): void {
  if (Array.isArray(value)) {
    for (const element of value) applyAt(schema, path, start, end, element, apply);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const obj = value as Data;
  if (start === end) {
    apply(obj);
    return;
  }
  const element = path[start]!;
  if (element.startsWith(FRAGMENT_PREFIX)) {
    // As the gateway applies rewrites: an object that does not say its type is taken to be of it.
    if (isObjectOfType(schema, obj, element.slice(FRAGMENT_PREFIX.length), true)) applyAt(schema, path, start + 1, end, obj, apply);
  } else {
    applyAt(schema, path, start + 1, end, Object.hasOwn(obj, element) ? obj[element] : undefined, apply);
  }
}

/** An inherited property (`constructor`, say) is shadowed before it is written. */
function shadowInherited(obj: Data, key: string): void {
  if (!Object.hasOwn(obj, key) && key in obj) Object.defineProperty(obj, key, { configurable: true, enumerable: true, value: undefined, writable: true });
}

/**
 * The response path of every value `path` leads to from `data` (`@` = each element of a list; a
 * list met where a field is expected is walked element by element), in document order; the first
 * `limit` only.
 */
export function hydratedPaths(path: ResponsePath, data: unknown, limit = Infinity): (string | number)[][] {
  const result: (string | number)[][] = [];
  collectPaths([], path, 0, data, result, limit);
  return result;
}

function collectPaths(parent: (string | number)[], path: ResponsePath, start: number, data: unknown, result: (string | number)[][], limit: number): void {
  if (data === null || data === undefined || result.length >= limit) return;
  if (start === path.length) {
    result.push(parent.slice());
    return;
  }
  const head = path[start];
  if (head === '@' || (typeof head === 'string' && Array.isArray(data))) {
    if (!Array.isArray(data)) throw new Error('Expected a list in the result at path element @.');
    // `@` moves on in the path; a field name met at a list stays to be read off each element.
    const next = head === '@' ? start + 1 : start;
    for (let i = 0; i < data.length; i++) {
      parent.push(i);
      collectPaths(parent, path, next, data[i], result, limit);
      parent.pop();
    }
  } else if (typeof head === 'string') {
    if (!Object.hasOwn(data as object, head)) return;
    parent.push(head);
    collectPaths(parent, path, start + 1, (data as Data)[head], result, limit);
    parent.pop();
  } else {
    throw new Error(`Unknown path element "${String(head)}".`);
  }
}
