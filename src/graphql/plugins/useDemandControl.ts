import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { actualCost } from '../../demand/actualCost.js';
import { costModel, EMPTY_COST_MODEL, type CostModel } from '../../demand/costDirectives.js';
import { estimateCost } from '../../demand/estimateCost.js';
import { HeavyOperationGate, type HeavyGateOptions } from '../../demand/heavyOperations.js';
import { requestError } from '../../errors/codes.js';
import { metrics as defaultMetrics, type Metrics } from '../../observability/metrics.js';
import { identityOf } from '../../ratelimit/clientLimits.js';
import { peekAnswerParts } from '../answer.js';
import type { TesseraContext } from '../context.js';
import { coercedVariables, fragmentsOf, type Variables } from '../../operation/document.js';

/** A refused heavy operation may try again as soon as one has finished: a second is plenty. */
const RETRY_SHORTLY = [['retry-after', '1']] as const;

export type DemandControlMode = 'enforce' | 'measure';

export interface DemandControlOptions {
  /** `enforce` refuses operations over `maxCost`; `measure` only logs and records them. */
  readonly mode: DemandControlMode;
  readonly maxCost: number;
  /** The size of a list field without `@listSize`. */
  readonly defaultListSize: number;
  /** Operations estimated at `threshold` or more go through the heavy-operation gate; absent: no gate. */
  readonly heavy?: HeavyGateOptions & { readonly threshold: number };
  readonly metrics?: Metrics;
  readonly log?: Logger;
}

/** An estimate as large as a double gets is still a number JSON can carry. */
// Costs are estimates: a whole number reads better than 126251.84147021174, and rounding up never hides an excess.
const reportable = (cost: number): number => (Number.isFinite(cost) ? Math.ceil(cost) : Number.MAX_VALUE);
const readable = (cost: number): string => (Number.isFinite(cost) ? Math.ceil(cost).toLocaleString('en-US') : 'unbounded');

/**
 * Demand control: every operation's static cost is estimated from the supergraph's `@cost` and
 * `@listSize` before it is planned (see src/demand/estimateCost.ts). Over `maxCost` it is refused
 * with 400 COST_LIMIT_EXCEEDED in enforce mode, logged in measure mode. Expensive operations then
 * wait for one of a few slots (`heavy`), so they cannot crowd out the rest. The estimated and the
 * actual cost of every answer are histograms, for tuning the limit and the list sizes.
 */
export function useDemandControl(options: DemandControlOptions): ApolloServerPlugin<TesseraContext> {
  const metrics = options.metrics ?? defaultMetrics;
  const models = new WeakMap<GraphQLSchema, CostModel>();
  const { heavy } = options;
  const gate = heavy && new HeavyOperationGate(heavy);
  const modelOf = (schema: GraphQLSchema) => models.get(schema) ?? EMPTY_COST_MODEL;

  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          let model = EMPTY_COST_MODEL;
          try {
            if (coreSupergraphSdl) model = costModel(coreSupergraphSdl);
          } catch (error) {
            options.log?.error({ err: error }, 'could not read @cost and @listSize from the supergraph; default costs apply');
          }
          models.set(apiSchema, model);
        },
      };
    },
    async requestDidStart() {
      let release: (() => void) | undefined;
      // Another plugin's didResolveOperation may refuse the request while this one waits for a slot:
      // a slot granted after the response went out is given back at once.
      let answered = false;
      // The estimate's inputs, for the actual cost of the same operation once it has answered.
      let estimated: { fragments: ReturnType<typeof fragmentsOf>; variables: Variables } | undefined;
      return {
        async didResolveOperation(rc) {
          const operation = rc.operation;
          if (!operation) return;
          const fragments = fragmentsOf(rc.document);
          const variables = coercedVariables(rc.schema, operation, rc.request);
          const { cost, problems } = estimateCost(rc.schema, operation, fragments, variables, {
            model: modelOf(rc.schema),
            defaultListSize: options.defaultListSize,
          });
          estimated = { fragments, variables };
          metrics.costEstimated.observe({ operation_type: operation.operation }, reportable(cost));
          const enforce = options.mode === 'enforce';
          if (problems.length > 0) {
            if (enforce) throw requestError('GRAPHQL_VALIDATION_FAILED', problems.join(' '));
            rc.contextValue.log.warn({ problems }, 'operation breaks a @listSize rule (measure mode: not refused)');
          }
          // NaN (never made, but never let through either) is over any limit.
          if (!(cost <= options.maxCost)) {
            metrics.operationLimitRejections.inc({ limit: enforce ? 'cost' : 'cost_measured' });
            if (enforce) {
              throw requestError('COST_LIMIT_EXCEEDED', `The operation's estimated cost (${readable(cost)}) exceeds the limit (${options.maxCost.toLocaleString('en-US')}).`, {
                cost: reportable(cost),
                maxCost: options.maxCost,
              });
            }
            rc.contextValue.log.warn({ cost, maxCost: options.maxCost, operationName: rc.operationName }, 'operation over the cost limit (measure mode: not refused)');
          }
          if (!gate || cost < heavy.threshold) return;
          const slot = await gate.acquire(identityOf(rc.contextValue.viewer, rc.contextValue.ip));
          if (typeof slot === 'function') {
            if (answered) slot();
            else release = slot;
            return;
          }
          metrics.operationLimitRejections.inc({ limit: slot === 'client' ? 'heavyPerClient' : 'heavyConcurrent' });
          if (slot === 'client') {
            throw requestError(
              'RATE_LIMITED',
              `At most ${heavy.maxPerClient} expensive operations of one client run at once; retry when one has finished.`,
              { limit: 'heavyOperations' },
              RETRY_SHORTLY,
            );
          }
          throw requestError('OVERLOADED', undefined, {}, RETRY_SHORTLY);
        },
        async willSendResponse(rc) {
          answered = true;
          release?.();
          release = undefined;
          if (!estimated || !rc.operation || rc.response.body.kind !== 'single') return;
          // A cache hit's data is stored JSON the gateway did not build: no work to measure.
          if (peekAnswerParts(rc.request)?.cache?.result === 'HIT') return;
          const data = rc.response.body.singleResult.data as Record<string, unknown> | null | undefined;
          if (!data) return;
          const cost = actualCost(rc.schema, rc.operation, estimated.fragments, estimated.variables, data, modelOf(rc.schema));
          metrics.costActual.observe({ operation_type: rc.operation.operation }, cost);
        },
      };
    },
  };
}
