import {
  assert,
  ERRORS,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  Variable,
  type CompositeType,
  type Directive,
  type EnumType,
  type FieldSelection,
  type NamedType,
  type Operation,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';
import { responseTooLarge } from '../answerSize.js';
import { ResponseObject } from './responseObject.js';

/**
 * The gateway's last step, `computeResponse`: the merged subgraph answers shaped to the operation
 * (aliases, `__typename`, type conditions, `@skip`/`@include`, non-null bubbling, leaf checks).
 * Same rules and same errors as `@apollo/gateway`'s, but each selection set is read once into a
 * flat list of what to do, and walking a value allocates nothing but the output itself. Apollo's
 * walk re-reads the directives of every selection for every object and returns a result object per
 * value, which made shaping a tenth of a heavy read's CPU and a share of its garbage.
 */

/** A directive's `if` as written: a literal, or a variable read per request. */
type IfDirective = Directive<never, { if: boolean | Variable }>;
type IfValue = boolean | { readonly variable: Variable; readonly directive: IfDirective };

/** A scalar or enum field, the most common value: shaped without the general walk. */
interface LeafShape {
  readonly nonNull: boolean;
  /** Built-in scalars by name; any other scalar is `custom` (every value valid). */
  readonly kind: 'Int' | 'Float' | 'String' | 'Boolean' | 'ID' | 'custom' | 'enum';
  readonly type: NamedType;
}

interface FieldStep {
  readonly kind: 'field';
  readonly skip: IfValue | undefined;
  readonly include: IfValue | undefined;
  readonly selection: FieldSelection;
  readonly responseName: string;
  readonly isTypename: boolean;
  readonly isIntrospection: boolean;
  readonly type: Type;
  readonly selectionSet: SelectionSet | undefined;
  readonly leaf: LeafShape | undefined;
}

interface FragmentStep {
  readonly kind: 'fragment';
  readonly skip: IfValue | undefined;
  readonly include: IfValue | undefined;
  readonly typeCondition: CompositeType | undefined;
  readonly selectionSet: SelectionSet;
  /** Whether the condition applies to an object of that `__typename`. */
  readonly applies: Map<string, boolean>;
}

type Step = FieldStep | FragmentStep;

interface ShapingParameters {
  readonly schema: Schema;
  readonly variables: Record<string, unknown>;
  readonly errors: GraphQLError[];
  readonly introspectionHandling: (selection: FieldSelection) => unknown;
  /** What the answer may still grow by, in JSON bytes (roughly: names, quotes and values; escapes not counted). */
  bytesLeft: number;
  readonly maxBytes: number;
}

export interface ComputeResponseArgs {
  readonly operation: Operation;
  readonly variables: Record<string, unknown> | undefined;
  readonly input: Record<string, unknown> | null | undefined;
  readonly introspectionHandling: (selection: FieldSelection) => unknown;
  /** The answer's size limit, checked while it is shaped; past it shaping stops with RESPONSE_TOO_LARGE. Absent: none. */
  readonly maxBytes?: number;
}

const TYPENAME = '__typename';
const OK = 0;
const NULL_BUBBLE_UP = 1;

// Set by every updateOutputValue call for its caller to read at once: a walk is synchronous, so
// nothing else runs in between, and no result object is made per value.
let isInvalid = false;
let hasErrors = false;

const compiled = new WeakMap<SelectionSet, readonly Step[]>();

const BUILT_IN_SCALARS = new Set(['Int', 'Float', 'String', 'Boolean', 'ID']);
/**
 * Whether `String(value)` is an integer's digits, as federation-internals tests it with a regular
 * expression, without making the string: integers print as digits below 1e21, in exponent form above.
 */
const isIntegerString = (value: number): boolean => Number.isInteger(value) && Math.abs(value) < 1e21;

function leafShapeOf(type: Type): LeafShape | undefined {
  const nonNull = isNonNullType(type);
  const inner = nonNull ? type.ofType : type;
  if (inner.kind === 'ScalarType') return { nonNull, type: inner, kind: BUILT_IN_SCALARS.has(inner.name) ? (inner.name as LeafShape['kind']) : 'custom' };
  if (inner.kind === 'EnumType') return { nonNull, type: inner, kind: 'enum' };
  return undefined;
}

/** `isValidLeafValue` of federation-internals, with the type's kind worked out once. */
function isValidLeaf(leaf: LeafShape, value: unknown): boolean {
  switch (leaf.kind) {
    case 'custom':
      return true;
    case 'enum':
      return typeof value === 'string' && (leaf.type as EnumType).value(value) !== undefined;
    default:
      if (typeof value === 'boolean') return leaf.kind === 'Boolean';
      if (typeof value === 'number' && isFinite(value)) return leaf.kind === 'Int' || leaf.kind === 'ID' ? isIntegerString(value) : leaf.kind === 'Float';
      if (typeof value === 'string') return leaf.kind === 'String' || leaf.kind === 'ID';
      return false;
  }
}

function ifValueOf(directive: IfDirective | undefined): IfValue | undefined {
  if (!directive) return undefined;
  const arg = directive.arguments().if;
  return arg instanceof Variable ? { variable: arg, directive } : arg;
}

function stepsOf(selectionSet: SelectionSet, schema: Schema): readonly Step[] {
  let steps = compiled.get(selectionSet);
  if (steps) return steps;
  const skipDirective = schema.skipDirective();
  const includeDirective = schema.includeDirective();
  steps = selectionSet.selections().map((selection: Selection): Step => {
    const skip = ifValueOf(selection.element.appliedDirectivesOf(skipDirective)[0] as IfDirective | undefined);
    const include = ifValueOf(selection.element.appliedDirectivesOf(includeDirective)[0] as IfDirective | undefined);
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      return {
        kind: 'field',
        skip,
        include,
        selection,
        responseName: field.responseName(),
        isTypename: field.name === TYPENAME,
        isIntrospection: field.definition.isSchemaIntrospectionField(),
        type: field.definition.type!,
        selectionSet: selection.selectionSet,
        leaf: selection.selectionSet ? undefined : leafShapeOf(field.definition.type!),
      };
    }
    return { kind: 'fragment', skip, include, typeCondition: selection.element.typeCondition, selectionSet: selection.selectionSet, applies: new Map() };
  });
  compiled.set(selectionSet, steps);
  return steps;
}

function ifValue(value: IfValue, variables: Record<string, unknown>): boolean {
  if (typeof value === 'boolean') return value;
  const resolved = variables[value.variable.name];
  assert(resolved !== undefined && typeof resolved === 'boolean', () => `Unexpected value ${String(resolved)} for variable ${value.variable} of ${value.directive}`);
  return resolved;
}

function shouldSkip(step: Step, variables: Record<string, unknown>): boolean {
  return (step.skip !== undefined && ifValue(step.skip, variables)) || (step.include !== undefined && !ifValue(step.include, variables));
}

function typeConditionApplies(step: FragmentStep, schema: Schema, typename: string | undefined, parentType: CompositeType): boolean {
  const condition = step.typeCondition;
  if (!condition) return true;
  if (!typename) return isSubtype(condition, parentType);
  let applies = step.applies.get(typename);
  if (applies === undefined) {
    const type = schema.type(typename);
    applies = !!type && isSubtype(condition, type as CompositeType);
    step.applies.set(typename, applies);
  }
  return applies;
}

/** A key in JSON: its quotes, colon and comma besides the name. */
const KEY_BYTES = 4;
/** A number, boolean or null in JSON, about. */
const VALUE_BYTES = 8;

const leafBytes = (value: unknown): number => (typeof value === 'string' ? value.length + 2 : VALUE_BYTES);

/** Counts `bytes` against the answer's limit; throws when the answer has outgrown it. */
function spend(parameters: ShapingParameters, bytes: number): void {
  if ((parameters.bytesLeft -= bytes) < 0) throw responseTooLarge(parameters.maxBytes);
}

export function computeResponse({ operation, variables, input, introspectionHandling, maxBytes }: ComputeResponseArgs): {
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
} {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const parameters: ShapingParameters = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
    bytesLeft: maxBytes ?? Infinity,
    maxBytes: maxBytes ?? Infinity,
  };
  const data = new ResponseObject();
  const result = applySelectionSet(input, operation.selectionSet, data, parameters, [], schema.schemaDefinition.rootType(operation.rootKind)!);
  return { data: result === NULL_BUBBLE_UP ? null : data, errors: parameters.errors };
}

function applySelectionSet(
  input: Record<string, unknown>,
  selectionSet: SelectionSet,
  output: Record<string, unknown>,
  parameters: ShapingParameters,
  path: (string | number)[],
  parentType: CompositeType,
): number {
  const { schema, variables } = parameters;
  for (const step of stepsOf(selectionSet, schema)) {
    if ((step.skip !== undefined || step.include !== undefined) && shouldSkip(step, variables)) continue;
    if (step.kind === 'field') {
      const responseName = step.responseName;
      const outputValue = output[responseName];
      if (step.isIntrospection) {
        if (outputValue === undefined) output[responseName] = parameters.introspectionHandling(step.selection);
        continue;
      }
      let inputValue = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
      if (step.isTypename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== TYPENAME) inputValue = input[TYPENAME] ?? null;
          const type = inputValue !== null && typeof inputValue === 'string' ? (schema.type(inputValue) ?? parentType) : parentType;
          if (!isObjectType(type)) return NULL_BUBBLE_UP;
          output[responseName] = type.name;
        }
        continue;
      }
      if (step.leaf) {
        const value = updateLeafValue(outputValue, step.leaf, inputValue, path, responseName, parameters, parentType);
        output[responseName] = value;
        spend(parameters, responseName.length + KEY_BYTES + leafBytes(value));
      } else {
        spend(parameters, responseName.length + KEY_BYTES + 2);
        path.push(responseName);
        output[responseName] = updateOutputValue(outputValue, step.type, inputValue, step.selectionSet, path, parameters, parentType);
        path.pop();
      }
      if (isInvalid) return NULL_BUBBLE_UP;
    } else {
      const typename = input[TYPENAME];
      assert(!typename || typeof typename === 'string', () => `Got unexpected value for __typename: ${String(typename)}`);
      if (typeConditionApplies(step, schema, typename as string | undefined, parentType)) {
        if (applySelectionSet(input, step.selectionSet, output, parameters, path, step.typeCondition ?? parentType) === NULL_BUBBLE_UP) {
          return NULL_BUBBLE_UP;
        }
      }
    }
  }
  return OK;
}

function pathLastElementDescription(path: readonly (string | number)[], currentType: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

/**
 * updateOutputValue for a scalar or enum field (nullable or not): the same value, errors and flags,
 * without the walk through the type's wrappers.
 */
function updateLeafValue(
  outputValue: unknown,
  leaf: LeafShape,
  inputValue: unknown,
  path: readonly (string | number)[],
  responseName: string,
  parameters: ShapingParameters,
  parentType: CompositeType,
): unknown {
  isInvalid = false;
  hasErrors = false;
  // A leaf has no selection set: a value already there stays.
  if (outputValue !== undefined) return outputValue;
  if (inputValue === null) {
    if (!leaf.nonNull) return null;
    parameters.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable field ${parentType}.${responseName}.`, { path: [...path, responseName] }));
    isInvalid = true;
    hasErrors = true;
    return null;
  }
  if (isValidLeaf(leaf, inputValue)) return inputValue;
  parameters.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for field ${parentType}.${responseName}.`, { path: [...path, responseName] }));
  isInvalid = leaf.nonNull;
  hasErrors = true;
  return null;
}

/** The updated value; sets `isInvalid` and `hasErrors` as Apollo's returns them. */
function updateOutputValue(
  outputValue: unknown,
  type: Type,
  inputValue: unknown,
  selectionSet: SelectionSet | undefined,
  path: (string | number)[],
  parameters: ShapingParameters,
  parentType: CompositeType,
): unknown {
  assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  isInvalid = false;
  hasErrors = false;
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) return outputValue;

  if (isNonNullType(type)) {
    const updated = updateOutputValue(outputValue, type.ofType, inputValue, selectionSet, path, parameters, parentType);
    if (updated === null) {
      if (!hasErrors) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${pathLastElementDescription(path, type.ofType, parentType)}.`, { path: Array.from(path) }),
        );
      }
      isInvalid = true;
      hasErrors = true;
      return null;
    }
    isInvalid = false;
    hasErrors = false;
    return updated;
  }

  if (inputValue === null) return null;

  if (isListType(type)) {
    assert(Array.isArray(inputValue), () => `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${type}`);
    assert(outputValue === undefined || Array.isArray(outputValue), () => `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${type}`);
    const length = inputValue.length;
    const outputList = outputValue as unknown[] | undefined;
    assert(
      outputList === undefined || length === outputList.length,
      () => `[${String(inputValue)}].length (${length}) !== [${String(outputList)}].length (${outputList!.length})`,
    );
    let shouldNullify = false;
    let listHasErrors = false;
    const updated = new Array<unknown>(length);
    for (let idx = 0; idx < length; idx++) {
      path.push(idx);
      updated[idx] = updateOutputValue(outputList?.[idx], type.ofType, inputValue[idx], selectionSet, path, parameters, parentType);
      path.pop();
      shouldNullify ||= isInvalid;
      listHasErrors ||= hasErrors;
    }
    isInvalid = false;
    hasErrors = listHasErrors;
    return shouldNullify ? null : updated;
  }

  if (isCompositeType(type)) {
    assert(selectionSet, () => `Invalid empty selection set for composite type ${type}`);
    assert(typeof inputValue === 'object', () => `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type}`);
    assert(outputValue === undefined || typeof outputValue === 'object', () => `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type}`);
    const inputObject = inputValue as Record<string, unknown>;
    const inputTypename = inputObject[TYPENAME];
    assert(inputTypename === undefined || typeof inputTypename === 'string', () => `Invalid non-string value ${String(inputTypename)} for __typename at ${path}`);
    let objType: CompositeType = type;
    if (inputTypename) {
      const typenameType: NamedType | undefined = parameters.schema.type(inputTypename);
      if (!typenameType || !isCompositeType(typenameType)) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }),
        );
        isInvalid = false;
        hasErrors = true;
        return null;
      }
      objType = typenameType;
    }
    const outputObject = outputValue === undefined ? new ResponseObject() : (outputValue as Record<string, unknown>);
    const bubbled = applySelectionSet(inputObject, selectionSet, outputObject, parameters, path, objType) === NULL_BUBBLE_UP;
    isInvalid = false;
    hasErrors = bubbled;
    return bubbled ? null : outputObject;
  }

  assert(outputValue === undefined, () => `Excepted output to be undefined but got ${type} for type ${type}`);
  // A leaf of an output type: a scalar or an enum (in a list, or of a custom scalar).
  spend(parameters, leafBytes(inputValue));
  const isValidValue = isValidLeafValue(parameters.schema, inputValue, type as Parameters<typeof isValidLeafValue>[2]);
  if (!isValidValue) {
    parameters.errors.push(
      ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }),
    );
  }
  isInvalid = false;
  hasErrors = !isValidValue;
  return isValidValue ? inputValue : null;
}
