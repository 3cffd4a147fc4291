import { getNullableType, isListType, isObjectType, Kind, type FieldNode, type GraphQLError, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { TesseraError } from '../errors/codes.js';
import type { TesseraContext } from '../graphql/context.js';

/** A leaf value, or a field's name and value, in JSON: about this many bytes besides the name. */
const VALUE_BYTES = 8;

const elementBytes = new WeakMap<FieldNode, number>();

function selectionBytes(set: SelectionSetNode): number {
  let bytes = 2;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) bytes += (selection.alias ?? selection.name).value.length + VALUE_BYTES;
    else if (selection.kind === Kind.INLINE_FRAGMENT) bytes += selectionBytes(selection.selectionSet);
    else bytes += 2 * VALUE_BYTES;
  }
  return bytes;
}

/**
 * Building one element of an answer in process takes a kilobyte or more of memory however small
 * its JSON (the result object, and the promises, closures and generators of its fields' resolvers
 * and rules, all alive until its level resolves): measured at 1-3 KiB per element of a nested
 * list. Each element counts at least this much, so the tally bounds memory, not only the text.
 */
const ELEMENT_FLOOR_BYTES = 1024;

/** One element of this list field's answer: its selected fields' names and values, or the floor. */
function bytesPerElement(node: FieldNode): number {
  let bytes = elementBytes.get(node);
  if (bytes === undefined) {
    bytes = Math.max(ELEMENT_FLOOR_BYTES, node.selectionSet ? selectionBytes(node.selectionSet) : VALUE_BYTES);
    elementBytes.set(node, bytes);
  }
  return bytes;
}

/** The error of an answer cut off at `maxBytes`: the same wherever it is noticed. */
export function responseTooLarge(maxBytes: number): GraphQLError {
  return new TesseraError('RESPONSE_TOO_LARGE', `The answer grew past ${maxBytes} bytes; the rest of it was cut off.`, {
    limit: 'responseBytes',
    maxBytes,
  }).toGraphQLError();
}

/** An error: its JSON is a few hundred bytes, its object with a captured stack about this much. */
const ERROR_BYTES = 1024;

/** The tally of one request, and once it is over, the one error every further field fails with. */
interface Tally {
  spent: number;
  error?: GraphQLError;
}

/** What the in-process subgraphs have built for each operation (its context) so far, in estimated bytes. */
const tallies = new WeakMap<TesseraContext, Tally>();

/**
 * Adds `bytes` to the request's tally; past the limit, throws RESPONSE_TOO_LARGE. A level of a
 * nested answer resolves at once (DataLoader batches it), so thousands of fields may fail in one
 * go: they share one error object rather than each capturing a stack.
 */
function spend(context: TesseraContext, bytes: number): void {
  let tally = tallies.get(context);
  if (!tally) tallies.set(context, (tally = { spent: 0 }));
  if (tally.error) throw tally.error;
  tally.spent += bytes;
  if (tally.spent > context.maxResponseBytes!) throw (tally.error = responseTooLarge(context.maxResponseBytes!));
}

/** What a resolved value adds: a list its elements, an error (returned or thrown) its own weight. */
function settle(value: unknown, context: TesseraContext, info: GraphQLResolveInfo): unknown {
  if (Array.isArray(value)) {
    if (value.length > 0) spend(context, value.length * bytesPerElement(info.fieldNodes[0]!));
  } else if (value instanceof Error) {
    spend(context, ERROR_BYTES);
  }
  return value;
}

type Resolve = (parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => unknown;

function metered(resolve: Resolve, parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo): unknown {
  const ctx = context as TesseraContext | undefined;
  if (!ctx?.maxResponseBytes) return resolve(parent, args, context, info);
  let result: unknown;
  try {
    result = resolve(parent, args, context, info);
  } catch (error) {
    spend(ctx, ERROR_BYTES);
    throw error;
  }
  if (!(result instanceof Promise)) return settle(result, ctx, info);
  return result.then(
    (value) => settle(value, ctx, info),
    (error: unknown) => {
      spend(ctx, ERROR_BYTES);
      throw error;
    },
  );
}

/**
 * An in-process subgraph's execution builds its whole answer before the gateway sees any of it,
 * so it is counted as it resolves: every list field adds its length times its elements' selected
 * fields (an estimate of their JSON) to the request's tally, and every error a resolver returns or
 * throws (a denial by a subgraph rule, say) adds its own. Once the tally passes `maxResponseBytes`
 * each further list or resolver fails with RESPONSE_TOO_LARGE, so the answer stops growing where
 * it is: a nested query whose lists are longer than its `@listSize` says is cut there. Only list
 * fields and fields with resolvers of their own are wrapped: a scalar field read off its parent
 * keeps graphql-jit's inlined default resolver.
 */
export function meterInProcessAnswers(schema: GraphQLSchema): GraphQLSchema {
  const middleware: Record<string, Record<string, typeof metered>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve || isListType(getNullableType(field.type))) (middleware[type.name] ??= {})[field.name] = metered;
    }
  }
  return Object.keys(middleware).length === 0 ? schema : applyMiddleware(schema, middleware as never);
}
