import { LRUCache } from 'lru-cache';
import { assert, ERRORS, errorCodeDef, type FieldSelection, type Operation, operationFromDocument } from '@apollo/federation-internals';
import type { GatewayExecutionResult, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { evaluateCondition, type FetchNode, type QueryPlanSelectionNode, type ResponsePath } from '@apollo/query-planner';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  executeSync,
  GraphQLError,
  Kind,
  OperationTypeNode,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';
import { fieldError } from '../../errors/codes.js';
import { INCOMING_OPERATION } from '../incomingOperationKind.js';
import { applyRewrites, hydratedPaths, isObjectOfType } from './dataRewrites.js';
import { failedFetchPaths } from './failedFetchPaths.js';
import type { ExecNode, ExecutionPlan, MergedFetchNode, PartCondition } from './fetchMerging.js';
import { ResponseObject } from './responseObject.js';
import { computeResponse } from './resultShaping.js';

/**
 * Runs a query plan made by `@apollo/gateway`'s planner: the same steps, results and errors as the
 * gateway's `executeQueryPlan` (whose structure this follows), with the hot paths rewritten.
 * Moving into a response path walks it by index instead of copying the rest of the path for every
 * element; representations and merges allocate only what they return; the operation is made once
 * per parsed operation, not per request; shaping is compiled per selection set (resultShaping.ts);
 * response objects get hidden classes (responseObject.ts). The gateway's OpenTelemetry span names
 * are kept; usage-reporting traces are not built (Tessera never sends them), and a request that asks
 * for them runs the gateway's own executor.
 */

// The gateway's span names, so dashboards built on Apollo Gateway's spans keep working.
const tracer = trace.getTracer('tessera-gateway');
const SPANS = { EXECUTE: 'gateway.execute', FETCH: 'gateway.fetch', POST_PROCESSING: 'gateway.postprocessing' } as const;

/** As the gateway marks a span that failed: each error recorded on it, its status an error. */
function markFailed(span: Span, errors: readonly unknown[]): void {
  for (const error of errors) span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Subgraph name → data source, as the gateway hands it over for each request. */
type ServiceMap = Record<string, DataSource | undefined>;
interface DataSource {
  process(options: Record<string, unknown>): Promise<{ data?: Record<string, unknown> | null; errors?: readonly SubgraphError[]; extensions?: Record<string, unknown> }>;
}
interface SubgraphError {
  message?: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}
interface OperationContext {
  readonly schema: GraphQLSchema;
  readonly operation: { readonly operation: OperationTypeNode; readonly variableDefinitions?: readonly VariableDefinitionNode[] } & object;
  readonly fragments: Record<string, object>;
}
type Data = Record<string, unknown>;
type ApiSchema = Parameters<typeof operationFromDocument>[0];
interface Cursor {
  readonly path: ResponsePath;
  readonly data: unknown;
  readonly fullResult: Data;
}
interface ExecutionContext {
  readonly operation: Operation;
  readonly serviceMap: ServiceMap;
  readonly requestContext: GatewayGraphQLRequestContext;
  readonly supergraphSchema: GraphQLSchema;
  readonly errors: GraphQLError[];
  /** Subgraph errors past MAX_SUBGRAPH_ERRORS, counted and not kept. */
  omittedErrors: number;
}

/**
 * Subgraph errors kept per request. A subgraph that fails each of a hundred thousand entities says
 * so a hundred thousand times; an answer carrying each (with a stack trace outside production) is
 * a hundred megabytes. The first ones are kept and one more error says how many were left out.
 */
export const MAX_SUBGRAPH_ERRORS = 100;

const TYPENAME = '__typename';
const isObject = (value: unknown): value is Data => value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value);

export async function executeQueryPlan(
  plan: ExecutionPlan,
  serviceMap: ServiceMap,
  requestContext: GatewayGraphQLRequestContext,
  operationContext: OperationContext,
  supergraphSchema: GraphQLSchema,
  apiSchema: ApiSchema,
): Promise<GatewayExecutionResult> {
  const logger = requestContext.logger || console;
  return tracer.startActiveSpan(SPANS.EXECUTE, async (span: Span): Promise<GatewayExecutionResult> => {
    try {
      const errors: GraphQLError[] = [];
      let operation: Operation;
      try {
        operation = operationFor(apiSchema, operationContext);
      } catch (err) {
        if (err instanceof GraphQLError) return { errors: [err] };
        throw err;
      }
      const context: ExecutionContext = { operation, serviceMap, requestContext, supergraphSchema, errors, omittedErrors: 0 };
      const unfilteredData = new ResponseObject();
      if (plan.node) await executeNode(context, plan.node, { path: [], data: unfilteredData, fullResult: unfilteredData });
      if (context.omittedErrors > 0) {
        errors.push(
          fieldError('RESPONSE_TOO_LARGE', `${context.omittedErrors} more subgraph errors were left out; the first ${MAX_SUBGRAPH_ERRORS} are above.`, {
            limit: 'errors',
            omitted: context.omittedErrors,
          }),
        );
      }

      const result = await tracer.startActiveSpan(SPANS.POST_PROCESSING, async (postSpan: Span): Promise<GatewayExecutionResult> => {
        let data;
        try {
          const variables = requestContext.request.variables;
          let postProcessingErrors;
          ({ data, errors: postProcessingErrors } = computeResponse({
            operation,
            variables,
            input: unfilteredData,
            maxBytes: (requestContext.context as { maxResponseBytes?: number } | undefined)?.maxResponseBytes,
            introspectionHandling: (f: FieldSelection) =>
              executeIntrospection(operationContext.schema, f.expandFragments().toSelectionNode(), operationContext.operation.variableDefinitions, variables),
          }));
          if (errors.length === 0 && postProcessingErrors.length > 0) {
            markFailed(postSpan, postProcessingErrors);
            return { extensions: { valueCompletion: postProcessingErrors }, data };
          }
        } catch (error) {
          markFailed(postSpan, [error]);
          // Execution ran and its answer was cut: `data` is null (an execution error, 200), not absent
          // (a request error, 400), and the subgraphs' errors so far stay with it.
          if (error instanceof GraphQLError && error.extensions.code === 'RESPONSE_TOO_LARGE') return { errors: [...errors, error], data: null };
          if (error instanceof GraphQLError) return { errors: [error] };
          if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
          logger.error(`Unexpected error during query plan execution: ${String(error)}`);
          return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
        } finally {
          postSpan.end();
        }
        return errors.length === 0 ? { data } : { errors, data };
      });
      if (result.errors) {
        markFailed(span, result.errors);
      }
      return result;
    } catch (err) {
      markFailed(span, [err]);
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * The operation in the API schema's terms, made once per parsed operation rather than per request
 * (the gateway makes one for every request); shaping reads it and never changes it. Keyed by the
 * operation's AST node; only the most used are kept, since each holds an object graph the size of
 * the operation, which Apollo's document store does not count.
 */
const operations = new LRUCache<object, { readonly apiSchema: ApiSchema; readonly fragments: readonly object[]; readonly operation: Operation }>({ max: 256 });

function operationFor(apiSchema: ApiSchema, operationContext: OperationContext): Operation {
  const fragments = Object.values(operationContext.fragments);
  const cached = operations.get(operationContext.operation);
  if (cached && cached.apiSchema === apiSchema && cached.fragments.length === fragments.length && cached.fragments.every((f, i) => f === fragments[i])) {
    return cached.operation;
  }
  const document = { kind: Kind.DOCUMENT, definitions: [operationContext.operation, ...fragments] } as DocumentNode;
  const operation = operationFromDocument(apiSchema, document, { validate: false });
  operations.set(operationContext.operation, { apiSchema, fragments, operation });
  return operation;
}

async function executeNode(context: ExecutionContext, node: ExecNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(context, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(context, child, cursor)));
      return;
    case 'Flatten':
      await executeNode(context, node.node, moveIntoCursor(cursor, node.path));
      return;
    case 'Fetch':
      try {
        await executeFetch(context, node, cursor);
      } catch (error) {
        context.errors.push(...atFailedFetchPaths(error as GraphQLError, node, cursor));
      }
      return;
    case 'MergedFetch':
      await executeMergedFetch(context, node, cursor);
      return;
    case 'Condition': {
      const branch = conditionHolds(context, { variable: node.condition, value: true }) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(context, branch, cursor);
      return;
    }
    case 'Defer':
      assert(false, '@defer support is not available in the gateway');
      return;
    case 'Subscription':
      throw new Error('Execution of subscriptions not supported by gateway');
  }
}

/** Whether an `@include`/`@skip` variable has the value a branch runs on. */
function conditionHolds(context: ExecutionContext, condition: PartCondition): boolean {
  // Only the condition's variable is read.
  const value = evaluateCondition({ kind: 'Condition', condition: condition.variable }, context.operation.variableDefinitions, context.requestContext.request.variables);
  return value === condition.value;
}

/** One fetch made ready to send: the entities it is for and, for an entity fetch, their representations. */
interface PreparedFetch {
  readonly fetch: FetchNode;
  readonly cursor: Cursor;
  readonly entities: Data[];
  /** An entity fetch's; undefined for a root fetch. */
  readonly representations?: Representations;
}

/** The fetch ready to send, or undefined when it has nothing to fetch (no entity, no representation). */
function prepareFetch(context: ExecutionContext, fetch: FetchNode, cursor: Cursor | undefined): PreparedFetch | undefined {
  if (!cursor) return undefined;
  const entities: Data[] = [];
  if (Array.isArray(cursor.data)) {
    for (const entity of cursor.data) if (entity !== null && entity !== undefined) entities.push(entity as Data);
  } else {
    entities.push(cursor.data as Data);
  }
  if (entities.length < 1) return undefined;
  if (!fetch.requires) return { fetch, cursor, entities };
  const representations = entityRepresentations(context.supergraphSchema, fetch, entities, fetch.requires);
  return representations.representations.length < 1 ? undefined : { fetch, cursor, entities, representations };
}

/** The request's variables among `usages`. */
function requestVariables(context: ExecutionContext, usages: readonly string[] | undefined): Data {
  const variables = Object.create(null) as Data;
  const provided = context.requestContext.request.variables;
  if (usages && provided) {
    for (const name of usages) {
      if (Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
  }
  return variables;
}

/** One planned fetch on its own; `ready` when a merged fetch has prepared it already. */
async function executeFetch(context: ExecutionContext, fetch: FetchNode, cursor: Cursor, ready?: PreparedFetch): Promise<void> {
  const service = context.serviceMap[fetch.serviceName];
  return tracer.startActiveSpan(SPANS.FETCH, { attributes: { service: fetch.serviceName } }, async (span: Span) => {
    try {
      if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
      const prepared = ready ?? prepareFetch(context, fetch, cursor);
      if (!prepared) return;
      const variables = requestVariables(context, fetch.variableUsages);
      if (prepared.representations) {
        if ('representations' in variables) throw new Error(`Variables cannot contain key "representations"`);
        variables.representations = prepared.representations.representations;
      }
      const response = await send(context, service, fetch, cursor.path, variables);
      if (response.errors) for (const error of response.errors) recordError(context, error, prepared);
      applyAnswer(context, prepared, response.data, '_entities');
    } catch (err) {
      markFailed(span, [err]);
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Sends the parts of a merged fetch that have something to fetch as one request (fetchMerging.ts):
 * each entity fetch's answer under its alias, a root fetch's fields as they are. A part alone is
 * sent as its own fetch. A failed request fails every part; a bad answer fails only its part.
 */
async function executeMergedFetch(context: ExecutionContext, node: MergedFetchNode, cursor: Cursor): Promise<void> {
  const prepared: (PreparedFetch | undefined)[] = [];
  for (const part of node.parts) {
    const sharing = part.sharesWith === undefined ? undefined : prepared[part.sharesWith];
    if (sharing) {
      prepared.push({ ...sharing, fetch: part.fetch });
      continue;
    }
    const partCursor = part.condition && !conditionHolds(context, part.condition) ? undefined : moveIntoCursor(cursor, part.path);
    try {
      prepared.push(prepareFetch(context, part.fetch, partCursor));
    } catch (error) {
      // As a planned fetch that failed before it was sent: its fields get the error, the others go on.
      prepared.push(undefined);
      if (partCursor) context.errors.push(...atFailedFetchPaths(error as GraphQLError, part.fetch, partCursor));
    }
  }
  const active = prepared.filter((p) => p !== undefined);
  if (active.length === 0) return;
  if (active.length === 1) {
    const only = active[0]!;
    try {
      await executeFetch(context, only.fetch, only.cursor, only);
    } catch (error) {
      context.errors.push(...atFailedFetchPaths(error as GraphQLError, only.fetch, only.cursor));
    }
    return;
  }
  const service = context.serviceMap[node.serviceName];
  let response: SubgraphResponse;
  try {
    response = await tracer.startActiveSpan(SPANS.FETCH, { attributes: { service: node.serviceName, merged: active.length } }, async (span: Span) => {
      try {
        if (!service) throw new Error(`Couldn't find service with name "${node.serviceName}"`);
        const variables = requestVariables(context, node.variableUsages);
        for (const [index, part] of node.parts.entries()) {
          if (part.representationsVariable && part.sharesWith === undefined) variables[part.representationsVariable] = prepared[index]?.representations?.representations ?? [];
        }
        return await send(context, service, node, cursor.path, variables);
      } catch (err) {
        markFailed(span, [err]);
        throw err;
      } finally {
        span.end();
      }
    });
  } catch (error) {
    for (const part of active) context.errors.push(...atFailedFetchPaths(error as GraphQLError, part.fetch, part.cursor));
    return;
  }
  if (response.errors) {
    for (const error of response.errors) {
      // An entity fetch's error is at its alias; the rest (the root fetch's fields, no path) go to the root fetch, else the first.
      const head = error.path?.[0];
      const entityPart = typeof head === 'string' ? node.partByAlias.get(head) : undefined;
      const part = entityPart === undefined ? undefined : prepared[entityPart];
      if (part) recordError(context, { ...error, path: ['_entities', ...error.path!.slice(1)] }, part);
      else recordError(context, error, (node.rootPart === undefined ? undefined : prepared[node.rootPart]) ?? active[0]!);
    }
  }
  for (const [index, part] of node.parts.entries()) {
    const p = prepared[index];
    if (!p) continue;
    try {
      applyAnswer(context, p, part.alias ? response.data : rootFieldsOf(node, response.data), part.alias ?? '_entities');
    } catch (error) {
      context.errors.push(...atFailedFetchPaths(error as GraphQLError, p.fetch, p.cursor));
    }
  }
}

/** A merged answer without the entity fetches' aliases: what the root fetch among the parts would have been answered. */
function rootFieldsOf(node: MergedFetchNode, data: Data | null | undefined): Data | null | undefined {
  if (!data) return data;
  const own = new ResponseObject();
  for (const key in data) if (Object.hasOwn(data, key) && !node.partByAlias.has(key)) own[key] = data[key];
  return own;
}

/** Merges a fetch's answer into the entities it was for: the whole `data` of a root fetch, `data[entitiesKey]` of an entity fetch. */
function applyAnswer(context: ExecutionContext, prepared: PreparedFetch, data: Data | null | undefined, entitiesKey: string): void {
  const { fetch, entities, representations } = prepared;
  if (!representations) {
    if (data) applyRewrites(context.supergraphSchema, fetch.outputRewrites, data);
    for (const entity of entities) deepMerge(entity, data);
    return;
  }
  if (!data) return;
  const receivedEntities = data[entitiesKey];
  const { entityRepresentation, firstEntity } = representations;
  const sent = representations.representations.length;
  if (!(receivedEntities && Array.isArray(receivedEntities))) throw new Error(`Expected "data.${entitiesKey}" in response to be an array`);
  if (receivedEntities.length !== sent) throw new Error(`Expected "data.${entitiesKey}" to contain ${sent} elements`);
  for (let r = 0; r < receivedEntities.length; r++) {
    const receivedEntity = receivedEntities[r] as Data | undefined;
    if (receivedEntity && !receivedEntity[TYPENAME]) receivedEntity[TYPENAME] = entities[firstEntity[r]!]![TYPENAME];
    applyRewrites(context.supergraphSchema, fetch.outputRewrites, receivedEntity);
  }
  for (let index = 0; index < entities.length; index++) {
    const r = entityRepresentation[index]!;
    if (r >= 0) deepMerge(entities[index]!, receivedEntities[r] as Data | undefined);
  }
}

interface Representations {
  /** What the fetch sends: each distinct representation once. */
  readonly representations: Data[];
  /** Per entity, the index of its representation, or -1 when it has none (no `__typename`, a missing field). */
  readonly entityRepresentation: Int32Array;
  /** Per representation, the first entity that made it. */
  readonly firstEntity: number[];
}

/**
 * An entity fetch's representations, each distinct one sent once, as Apollo Router sends them
 * (Apollo Gateway sends one per entity). A list that names the same product twenty times asks for
 * it once, and the one answer is merged into each of the twenty. Representations are built in the
 * `requires` selection's order, so equal ones serialize equally.
 */
export function entityRepresentations(schema: GraphQLSchema, fetch: FetchNode, entities: readonly Data[], requires: readonly QueryPlanSelectionNode[]): Representations {
  const representations: Data[] = [];
  const entityRepresentation = new Int32Array(entities.length).fill(-1);
  const firstEntity: number[] = [];
  const byKey = new Map<string, number>();
  const flat = fetch.inputRewrites?.length ? null : flatRequiresOf(requires);
  const byValues: ValueTree = new Map();
  for (let index = 0; index < entities.length; index++) {
    const entity = entities[index]!;
    let representation: Data | null | undefined;
    // Read straight off the entity when the `requires` is flat; a representation is built only for a new one.
    let r = flat ? flatLookup(schema, flat, entity, byValues, representations.length) : NOT_FLAT;
    if (r === NONE) continue;
    if (r === NOT_FLAT) {
      representation = executeSelectionSet(schema, entity, requires);
      if (!representation || !representation[TYPENAME]) continue;
      applyRewrites(schema, fetch.inputRewrites, representation);
      const key = JSON.stringify(representation);
      r = byKey.get(key) ?? representations.length;
      if (r === representations.length) byKey.set(key, r);
    }
    if (r === representations.length) {
      representations.push(representation ?? executeSelectionSet(schema, entity, requires)!);
      firstEntity.push(index);
    }
    entityRepresentation[index] = r;
  }
  return { representations, entityRepresentation, firstEntity };
}

/**
 * The most common `requires`: one type condition around leaf fields (`... on Product { __typename sku }`).
 * `typenameAt` is where `__typename` is among them (-1: absent, so no entity has a representation).
 */
interface FlatRequires {
  readonly typeCondition: string;
  readonly responseNames: readonly string[];
  readonly typenameAt: number;
}

const flatRequires = new WeakMap<readonly QueryPlanSelectionNode[], FlatRequires | null>();

function flatRequiresOf(requires: readonly QueryPlanSelectionNode[]): FlatRequires | null {
  let flat = flatRequires.get(requires);
  if (flat !== undefined) return flat;
  flat = null;
  const only = requires.length === 1 ? requires[0]! : undefined;
  if (only?.kind === 'InlineFragment' && only.typeCondition !== undefined && only.selections.every((s) => s.kind === 'Field' && !s.selections)) {
    const responseNames = only.selections.map((s) => (s.kind === 'Field' ? (s.alias ?? s.name) : ''));
    // A name twice would be one property of the representation: left to the general path.
    if (new Set(responseNames).size === responseNames.length) {
      flat = { typeCondition: only.typeCondition, responseNames, typenameAt: responseNames.indexOf(TYPENAME) };
    }
  }
  flatRequires.set(requires, flat);
  return flat;
}

/** Representation indexes by field values, one level of maps per field of a flat `requires`. */
type ValueTree = Map<unknown, ValueTree | number>;

/** `flatLookup`: the entity has no representation (another type, a missing field, no `__typename`). */
const NONE = -1;
/** `flatLookup`: a field holds a structured value (a JSON scalar), for the general path to key by its JSON. */
const NOT_FLAT = -2;

/**
 * The index of the entity's flat representation: an earlier one's when their fields hold the same
 * values, else `candidate` (now registered); or NONE, or NOT_FLAT. Primitive values key maps as they
 * are, so nothing is allocated per entity. Values JSON would print alike but Map tells apart (`NaN`
 * and `null`) only cost a duplicate; no two different representations ever share an index.
 */
function flatLookup(schema: GraphQLSchema, flat: FlatRequires, entity: Data, tree: ValueTree, candidate: number): number {
  if (flat.typenameAt < 0 || !isObjectOfType(schema, entity, flat.typeCondition)) return NONE;
  const names = flat.responseNames;
  for (let i = 0; i < names.length; i++) {
    const value = Object.hasOwn(entity, names[i]!) ? entity[names[i]!] : undefined;
    if (value === undefined || (i === flat.typenameAt && !value)) return NONE;
    if (value !== null && typeof value === 'object') return NOT_FLAT;
  }
  let node = tree;
  const last = names.length - 1;
  for (let i = 0; i < last; i++) {
    const value = entity[names[i]!];
    let child = node.get(value) as ValueTree | undefined;
    if (child === undefined) node.set(value, (child = new Map()));
    node = child;
  }
  const value = entity[names[last]!];
  const found = node.get(value) as number | undefined;
  if (found !== undefined) return found;
  node.set(value, candidate);
  return candidate;
}

type SubgraphResponse = Awaited<ReturnType<DataSource['process']>>;

/** Sends one operation, a planned fetch's or a merged one's, to the subgraph. */
async function send(
  context: ExecutionContext,
  dataSource: DataSource,
  fetch: Pick<FetchNode, 'operation' | 'operationName' | 'operationDocumentNode' | 'serviceName'>,
  path: ResponsePath,
  variables: Data,
): Promise<SubgraphResponse> {
  const response = await dataSource.process({
    kind: INCOMING_OPERATION,
    request: { query: fetch.operation, variables, operationName: fetch.operationName, http: undefined },
    incomingRequestContext: context.requestContext,
    context: context.requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: path,
  });
  if (response.errors && !response.extensions?.ftv1) {
    const metrics = context.requestContext.metrics as { nonFtv1ErrorPaths?: { subgraph: string; path: unknown }[] };
    const errorPaths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
    if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...errorPaths);
    else metrics.nonFtv1ErrorPaths = errorPaths;
  }
  return response;
}

/** A subgraph error, as the fetch it is about would have been told it, kept at each path it lands on. */
function recordError(context: ExecutionContext, error: SubgraphError, prepared: PreparedFetch): void {
  for (const path of errorPathsOf(prepared)(error.path)) {
    if (context.errors.length < MAX_SUBGRAPH_ERRORS) context.errors.push(downstreamServiceError(error, prepared.fetch.serviceName, path));
    else context.omittedErrors++;
  }
}

/** Per prepared fetch, its error paths' mapping: made on its first error and reused for the rest. */
const errorPathMappings = new WeakMap<PreparedFetch, ReturnType<typeof lazyErrorPaths>>();
function errorPathsOf(prepared: PreparedFetch): ReturnType<typeof lazyErrorPaths> {
  let mapping = errorPathMappings.get(prepared);
  if (!mapping) errorPathMappings.set(prepared, (mapping = lazyErrorPaths(prepared.fetch, prepared.cursor, prepared.representations?.entityRepresentation)));
  return mapping;
}

/**
 * Where a subgraph error lands in the response. An entity fetch's error at `_entities.<i>` is
 * mapped, as the gateway maps it, from the position of the representation it names, once for
 * every position that representation stands for (see `entityRepresentations`): the gateway's list
 * had one representation per entity that made one, so an entity's position is its rank among those.
 */
function lazyErrorPaths(fetch: FetchNode, cursor: Cursor, entityRepresentation: Int32Array | undefined) {
  let hydrated: (string | number)[][] | undefined;
  let positions: number[][] | undefined;
  return (errorPath: readonly (string | number)[] | undefined): ((string | number)[] | undefined)[] => {
    const index = errorPath?.[1];
    if (fetch.requires && typeof index === 'number') {
      hydrated ??= hydratedPaths(cursor.path, cursor.fullResult);
      if (!positions && entityRepresentation) {
        positions = [];
        let position = 0;
        for (const r of entityRepresentation) if (r >= 0) (positions[r] ??= []).push(position++);
      }
      const rest = errorPath!.slice(2);
      return (positions?.[index] ?? [index]).map((position) => [...(hydrated![position] ?? []), ...rest]);
    }
    return [errorPath ? [...cursor.path, ...errorPath] : undefined];
  };
}

/** A fetch's own failure, once per field it would have filled (see failedFetchPaths); as it is when no path is known. */
function atFailedFetchPaths(error: GraphQLError, fetch: FetchNode, cursor: Cursor): GraphQLError[] {
  if (!(error instanceof GraphQLError) || error.path) return [error];
  let entityPath: (string | number)[] = cursor.path;
  if (fetch.requires) {
    const first = hydratedPaths(cursor.path, cursor.fullResult, 1)[0];
    if (!first) return [error];
    entityPath = first;
  }
  const paths = failedFetchPaths(fetch, entityPath);
  if (paths.length === 0) return [error];
  const { message, extensions, originalError } = error;
  return paths.map((path) => new GraphQLError(message, { path, extensions, originalError: originalError ?? undefined }));
}

function downstreamServiceError(original: SubgraphError, serviceName: string, path: (string | number)[] | undefined): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const { extensions } = original;
  const options = { originalError: original as Error, path, extensions: { ...extensions, serviceName } };
  const codeDef = errorCodeDef(original as GraphQLError);
  if (!codeDef && extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/**
 * The values at `path` (`@` = every element of a list), one list level spread per `@`, as the
 * gateway flattens them; after the first `@`, every value goes straight into one list.
 */
export function flattenResultsAtPath(value: unknown, path: ResponsePath, start = 0): unknown {
  if (start === path.length || value === undefined || value === null) return value;
  if (path[start] !== '@') return flattenResultsAtPath(childAt(value, path[start]), path, start + 1);
  const flat: unknown[] = [];
  for (const element of listAt(value)) collectAtPath(element, path, start + 1, flat);
  return flat;
}

/** What the rest of `path` leads to from one list element, pushed onto `into` (a list spread one level). */
function collectAtPath(value: unknown, path: ResponsePath, start: number, into: unknown[]): void {
  if (start === path.length || value === undefined || value === null) {
    if (Array.isArray(value)) for (const item of value) into.push(item);
    else into.push(value);
  } else if (path[start] !== '@') {
    collectAtPath(childAt(value, path[start]), path, start + 1, into);
  } else {
    for (const element of listAt(value)) collectAtPath(element, path, start + 1, into);
  }
}

function childAt(value: unknown, key: string | number | undefined): unknown {
  assert(typeof key === 'string', () => `Unexpected ${typeof key} found in path`);
  assert(!Array.isArray(value), () => `Unexpected array in result for path element ${key}`);
  return Object.hasOwn(value as object, key) ? (value as Data)[key] : undefined;
}

function listAt(value: unknown): readonly unknown[] {
  assert(Array.isArray(value), () => `Expected a list in result for path element @, got ${typeof value}`);
  return value;
}

function moveIntoCursor(cursor: Cursor, pathInCursor: ResponsePath): Cursor | undefined {
  const data = flattenResultsAtPath(cursor.data, pathInCursor);
  return data ? { path: cursor.path.concat(pathInCursor), data, fullResult: cursor.fullResult } : undefined;
}

/** An entity's representation: the `requires` selection read out of what is already fetched. */
export function executeSelectionSet(schema: GraphQLSchema, source: Data | null, selections: readonly QueryPlanSelectionNode[]): Data | null {
  if (source === null) return null;
  // Most `requires` are one type condition around the key: its result is the whole result (merged
  // into a fresh object it would be copied as it is; not matching, or missing a field, leaves it empty).
  if (selections.length === 1 && selections[0]!.kind === 'InlineFragment') {
    const only = selections[0]!;
    const matches = only.typeCondition !== undefined && isObjectOfType(schema, source, only.typeCondition);
    return (matches ? executeSelectionSet(schema, source, only.selections) : null) ?? new ResponseObject();
  }
  const result = new ResponseObject();
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ? selection.alias : selection.name;
      const subSelections = selection.selections;
      if (!Object.hasOwn(source, responseName) || source[responseName] === undefined) return null;
      const value = source[responseName];
      if (Array.isArray(value)) {
        const list = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) list[i] = subSelections ? executeSelectionSet(schema, value[i] as Data | null, subSelections) : value[i];
        result[responseName] = list;
      } else if (subSelections) {
        result[responseName] = executeSelectionSet(schema, value as Data | null, subSelections);
      } else {
        result[responseName] = value;
      }
    } else if (selection.kind === 'InlineFragment') {
      if (!selection.typeCondition || !source) continue;
      if (isObjectOfType(schema, source, selection.typeCondition)) deepMerge(result, executeSelectionSet(schema, source, selection.selections));
    }
  }
  return result;
}

/** Merges `source` into `target` in place, lists element by element when their lengths match. */
export function deepMerge(target: Data, source: Data | null | undefined): Data {
  if (source === undefined || source === null) return target;
  // for…in with an own check rather than Object.keys: no array per merged object.
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const value = source[key];
    if (value === undefined) continue;
    // An inherited property (`constructor`, say) is shadowed before it is read or merged into.
    if (!Object.hasOwn(target, key) && key in target) Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
    const existing = target[key];
    if (existing === value) continue;
    if (existing && isObject(value)) {
      deepMerge(existing as Data, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        if (isObject(existing[i]) && isObject(value[i])) deepMerge(existing[i] as Data, value[i] as Data);
        else existing[i] = value[i];
      }
    } else {
      target[key] = value;
    }
  }
  return target;
}

function executeIntrospection(
  schema: GraphQLSchema,
  selection: FieldNode,
  variableDefinitions: readonly VariableDefinitionNode[] | undefined,
  variableValues: Record<string, unknown> | undefined,
): unknown {
  const used = new Set<string>();
  visit(selection, { Variable: ({ name }) => void used.add(name.value) });
  const usedDefinitions = variableDefinitions?.filter((def) => used.has(def.variable.name.value));
  assert(used.size === (usedDefinitions?.length ?? 0), () => `Should have found all used variables ${[...used].join(',')} in definitions ${JSON.stringify(variableDefinitions)}`);
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        variableDefinitions: usedDefinitions,
        selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] },
      },
    ],
  };
  const { data, errors } = executeSync({ schema, document, rootValue: {}, variableValues });
  assert(!errors || errors.length === 0, () => `Introspection query for ${JSON.stringify(selection)} should not have failed but got ${JSON.stringify(errors)}`);
  assert(data, () => `Introspection query for ${JSON.stringify(selection)} should not have failed`);
  const name = selection.alias?.value ?? selection.name.value;
  return Object.hasOwn(data, name) ? data[name] : undefined;
}
