import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { buildOperationContext, executeQueryPlan as apolloExecuteQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan, type QueryPlannerConfig } from '@apollo/query-planner';
import type {
  GatewayExecutor,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
  GatewayUnsubscriber,
} from '@apollo/server-gateway-interface';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { print, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { coercedVariables } from '../operation/document.js';
import { markEnforcedAtEdge } from '../composition/edgeAuthorization.js';
import { executeQueryPlan } from './execution/executeQueryPlan.js';
import { executionPlan, type ExecutionPlan } from './execution/fetchMerging.js';
import { overrideLabels, overrideLabelsIn, type OverrideLabels } from './overrideLabels.js';
import { conditionVariables, withConditionsApplied } from './planning/conditions.js';
import { misplanned, planFactsOf, type Misplan, type PlanFacts } from './planning/planCheck.js';
import { secondPlannerFor, type SecondPlanner } from './planning/secondPlanner.js';

/** Looks at a query plan before its first fetch; throwing refuses the operation. */
export type PlanHook = (queryPlan: QueryPlan) => void;

/** What the gateway needs of the supergraph's owner (src/composition/supergraphManager.ts). */
export interface SupergraphSource {
  initialize(hooks: {
    /** Builds and serves a new supergraph; resolves once it is served, rejects (old graph kept) if it does not build. */
    update: (supergraphSdl: string) => Promise<void>;
  }): Promise<{ supergraphSdl: string; cleanup?: () => Promise<void> }>;
}

export interface TesseraGatewayOptions {
  readonly source: SupergraphSource;
  /** A data source per subgraph; kept across graphs while the subgraph's URL stays the same. */
  readonly buildService: (subgraph: { name: string; url: string }) => GraphQLDataSource;
  readonly queryPlannerConfig?: QueryPlannerConfig;
  /** Progressive-override labels that are on (`percent(N)` labels are drawn per request: overrideLabels.ts). */
  readonly overrideLabels?: ReadonlySet<string>;
  /** Plans Apollo's planner is known to get wrong are planned again by Hive's (planning/); default on. */
  readonly planCorrection?: boolean;
  /** Hears each plan found wrong, and whether it was planned again or kept. */
  readonly onPlanCorrection?: (reason: Misplan, outcome: 'replanned' | 'kept') => void;
  /** One plan cache per served graph (a new graph plans anew). */
  readonly planCache: () => InMemoryLRUCache<QueryPlan>;
  /** Run in order after planning and before any fetch (subgraphCall/hooks.ts); throwing refuses the operation. */
  readonly planHooks?: readonly PlanHook[];
  /** Hears which executor ran each plan: Tessera's, or Apollo's for a request that wants usage traces. */
  readonly onRun?: (executor: 'tessera' | 'apollo') => void;
  /** Sends fetches to one subgraph that can run together as one request (execution/fetchMerging.ts); default on. */
  readonly fetchMerging?: boolean;
  /** Hears, for each plan Tessera's executor runs, its subgraph requests as planned and as merged. */
  readonly onPlanFetches?: (fetches: ExecutionPlan['fetches']) => void;
}

/** Everything built from one supergraph; requests take the one served when they start. */
interface Served {
  readonly apiSchema: Schema;
  /** The API schema as graphql-js, what Apollo Server validates against. */
  readonly schema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  readonly planner: QueryPlanner;
  readonly overrides: OverrideLabels;
  readonly planFacts: PlanFacts;
  /** Hive's planner over this graph, built the first time a plan needs correcting. */
  readonly secondPlanner: () => Promise<SecondPlanner | undefined>;
  /** Cached plans to correct per combination of their `@skip`/`@include` variables (planning/conditions.ts). */
  readonly correctByConditions: WeakMap<QueryPlan, { readonly reason: Misplan; readonly variables: readonly string[] }>;
  readonly serviceMap: ServiceMap;
  readonly plans: InMemoryLRUCache<QueryPlan>;
}

const tracer = trace.getTracer('tessera-gateway');

type TesseraExecutorArgs = Parameters<typeof executeQueryPlan>;
/** Apollo's executor, typed against its own copy of the gateway interface's types. */
type ApolloExecutor = (queryPlan: QueryPlan, ...rest: [...(TesseraExecutorArgs extends [unknown, ...infer Rest] ? Rest : never), undefined]) => ReturnType<typeof executeQueryPlan>;
/**
 * Apollo Server and its plugins read the gateway's version from the schema's extensions: the version
 * of the planner that plans. Read from the planner's package.json when a future `exports` map still
 * lets it be read, 'unknown' otherwise; nothing else depends on it.
 */
const PLANNER_VERSION = ((): string => {
  try {
    return (createRequire(import.meta.url)('@apollo/query-planner/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/**
 * Tessera's gateway, behind Apollo Server's public gateway contract: it builds each supergraph's
 * schemas and query planner, plans operations with `@apollo/query-planner` and runs the plans with
 * Tessera's executor. Building a graph yields to the event loop between its steps (the supergraph,
 * the API schema, the graphql-js schemas, the query planner), so answers keep flowing while a new
 * graph is built instead of waiting for the whole of it; requests keep the old graph until the
 * new one is complete.
 */
export class TesseraGateway implements GatewayInterface {
  readonly #o: TesseraGatewayOptions;
  readonly #listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  readonly #dataSources = new Map<string, { url: string; dataSource: GraphQLDataSource }>();
  #served: Served | undefined;
  #cleanup: (() => Promise<void>) | undefined;

  constructor(options: TesseraGatewayOptions) {
    this.#o = options;
  }

  async load(): Promise<GatewayLoadResult> {
    const { supergraphSdl, cleanup } = await this.#o.source.initialize({ update: (sdl) => this.#serve(sdl) });
    this.#cleanup = cleanup;
    await this.#serve(supergraphSdl);
    return { executor: this.#execute };
  }

  /** The query plans kept for the served graph. */
  get planCache(): InMemoryLRUCache<QueryPlan> | undefined {
    return this.#served?.plans;
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): GatewayUnsubscriber {
    this.#listeners.add(callback);
    return () => this.#listeners.delete(callback);
  }

  async stop(): Promise<void> {
    const cleanup = this.#cleanup;
    this.#cleanup = undefined;
    await cleanup?.();
  }

  /** Builds a supergraph step by step, a turn of the event loop between steps, then serves it. */
  async #serve(rawSdl: string): Promise<void> {
    // Authorization links are marked as enforced at the edge (src/composition/edgeAuthorization.ts).
    const supergraphSdl = markEnforcedAtEdge(rawSdl);
    // Validated already: composed, or checked in the composition worker.
    const supergraph = Supergraph.build(supergraphSdl, { validateSupergraph: false });
    await nextTurn();
    const apiSchema = supergraph.apiSchema();
    await nextTurn();
    const schema = apiSchema.toGraphQLJSSchema();
    schema.extensions = { ...schema.extensions, apollo: { gateway: { version: PLANNER_VERSION } } };
    await nextTurn();
    const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    await nextTurn();
    const planner = new QueryPlanner(supergraph, this.#o.queryPlannerConfig);
    const overrides = overrideLabels(overrideLabelsIn(supergraph), this.#o.overrideLabels ?? new Set());
    const planFacts = planFactsOf(supergraph);
    let secondPlanner: Promise<SecondPlanner | undefined> | undefined;
    await nextTurn();
    const serviceMap: ServiceMap = Object.create(null) as ServiceMap;
    for (const { name, url } of supergraph.subgraphsMetadata()) {
      if (!url) throw new Error(`Subgraph "${name}" has no routing URL.`);
      serviceMap[name] = this.#dataSource(name, url);
    }
    this.#served = {
      apiSchema,
      schema,
      supergraphSchema,
      planner,
      overrides,
      planFacts,
      secondPlanner: () => (secondPlanner ??= secondPlannerFor(supergraphSdl).catch(() => undefined)),
      correctByConditions: new WeakMap(),
      serviceMap,
      plans: this.#o.planCache(),
    };
    for (const listener of this.#listeners) listener({ apiSchema: schema, coreSupergraphSdl: supergraphSdl });
  }

  #dataSource(name: string, url: string): GraphQLDataSource {
    const known = this.#dataSources.get(name);
    if (known?.url === url) return known.dataSource;
    const dataSource = this.#o.buildService({ name, url });
    this.#dataSources.set(name, { url, dataSource });
    return dataSource;
  }

  readonly #execute: GatewayExecutor = (requestContext) =>
    tracer.startActiveSpan('gateway.request', async (span) => {
      try {
        const served = this.#served;
        if (!served) throw new Error('The gateway has not loaded a supergraph yet.');
        const { request, document, queryHash } = requestContext;
        const operationContext = buildOperationContext({ schema: served.schema, operationDocument: document, operationName: request.operationName });
        // Apollo Server leaves variable coercion to the gateway; a plugin that read the variables
        // (demand control, policy) has coerced them for this request already.
        if (operationContext.operation.variableDefinitions?.length) {
          try {
            coercedVariables(served.schema, operationContext.operation, request);
          } catch (error) {
            return { errors: [error as GraphQLError] };
          }
        }
        // Which moved fields their new subgraphs serve this time; each outcome has its own plan.
        const override = served.overrides.labels.length ? served.overrides.draw() : undefined;
        // queryHash is already a digest of the document; the operation name only has to be told apart.
        const operationKey = request.operationName ? `${queryHash}:${request.operationName}` : queryHash;
        const planKey = override?.key ? `${operationKey}|override:${override.key}` : operationKey;
        let queryPlan = await served.plans.get(planKey);
        if (!queryPlan) {
          queryPlan = tracer.startActiveSpan('gateway.plan', (planSpan) => {
            try {
              const operation = operationFromDocument(served.apiSchema, document, { operationName: request.operationName });
              return served.planner.buildQueryPlan(operation, override && { overrideConditions: override.conditions });
            } finally {
              planSpan.end();
            }
          });
          const reason = this.#o.planCorrection === false ? undefined : misplanned(queryPlan, operationContext.operation, operationContext.fragments, served.planFacts);
          const conditions = reason ? conditionVariables(document) : [];
          // The document as planned, not the request's text: plugins may have changed it (policy prunes denied fields).
          if (reason && !conditions.length) queryPlan = await this.#replanned(queryPlan, reason, served, () => print(document), request.operationName, override);
          else if (reason) served.correctByConditions.set(queryPlan, { reason, variables: conditions });
          await served.plans.set(planKey, queryPlan);
        }
        const byConditions = served.correctByConditions.get(queryPlan);
        if (byConditions) {
          const variables = coercedVariables(served.schema, operationContext.operation, request);
          const conditionKey = `${planKey}|if:${byConditions.variables.map((name) => (variables[name] === true ? 1 : 0)).join('')}`;
          let decided = await served.plans.get(conditionKey);
          if (!decided) {
            const query = () => print(withConditionsApplied(document, variables));
            decided = await this.#replanned(queryPlan, byConditions.reason, served, query, request.operationName, override);
            await served.plans.set(conditionKey, decided);
          }
          queryPlan = decided;
        }
        for (const hook of this.#o.planHooks ?? []) hook(queryPlan);
        // Usage-reporting traces are built by Apollo's executor only.
        const wantsTraces = !!requestContext.metrics?.captureTraces;
        this.#o.onRun?.(wantsTraces ? 'apollo' : 'tessera');
        const response = wantsTraces
          ? await (apolloExecuteQueryPlan as unknown as ApolloExecutor)(
              queryPlan, served.serviceMap, requestContext, operationContext, served.supergraphSchema, served.apiSchema, undefined)
          : await this.#executeTessera(queryPlan, served, requestContext, operationContext);
        if (response.errors) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });

  /** Hive's plan for an operation Apollo's planner got wrong; Apollo's if Hive's cannot be had. */
  async #replanned(
    plan: QueryPlan,
    reason: Misplan,
    served: Served,
    query: () => string,
    operationName: string | undefined,
    override: { active: ReadonlySet<string>; percentage: number } | undefined,
  ): Promise<QueryPlan> {
    try {
      const second = await served.secondPlanner();
      if (second) {
        const replanned = await second.plan(query(), operationName, override);
        this.#o.onPlanCorrection?.(reason, 'replanned');
        return replanned;
      }
    } catch {
      // Unplannable or not convertible (hivePlan.ts): Apollo's plan is still the best there is.
    }
    this.#o.onPlanCorrection?.(reason, 'kept');
    return plan;
  }

  #executeTessera(queryPlan: QueryPlan, served: Served, requestContext: Parameters<GatewayExecutor>[0], operationContext: ReturnType<typeof buildOperationContext>) {
    const plan = executionPlan(queryPlan, this.#o.fetchMerging !== false);
    this.#o.onPlanFetches?.(plan.fetches);
    return executeQueryPlan(plan, served.serviceMap, requestContext, operationContext, served.supergraphSchema, served.apiSchema);
  }
}
