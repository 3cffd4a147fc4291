import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { print, type DocumentNode, type FieldNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { ERROR_CODES } from '../../errors/codes.js';
import { directiveRules, type DirectiveRules } from '../../policy/directives.js';
import { evaluateChecks } from '../../policy/evaluate.js';
import { planOperation, type OperationPlan } from '../../policy/operationPlan.js';
import { pruneOperation, type PrunedOperation } from '../../policy/prune.js';
import { createRuleLookup, validateRuleTree, type PolicyFallback, type RuleLookup } from '../../policy/ruleTree.js';
import type { RuleTree } from '../../policy/rules.js';
import { spliceDenials, type Denial } from '../../policy/splice.js';
import { answerParts } from '../answer.js';
import type { TesseraContext } from '../context.js';
import { coercedVariables, isIncluded, type Variables } from '../../operation/document.js';

export interface PolicyOptions {
  /**
   * The rule tree, keyed `{ Type: { field: rule } }`: one for every supergraph, or the tree for each
   * supergraph as it loads (the app's rules scoped to the fields its subgraphs resolve).
   */
  readonly rules?: RuleTree | ((supergraphSdl: string | undefined) => RuleTree);
  /** What a field without a rule (or directive) gets. Default `allow`. */
  readonly fallback?: PolicyFallback;
  /** Operations whose evaluation plan is kept. */
  readonly maxPlans?: number;
  readonly log?: Logger;
}

interface SchemaPolicy {
  readonly id: string;
  readonly lookup: RuleLookup;
}

interface PlanEntry {
  /** The parsed document the plan's field nodes belong to. */
  readonly document: DocumentNode;
  readonly plan: OperationPlan;
  /** Pruned documents by the set of denied checks: viewers denied the same fields share one. */
  readonly variants: LRUCache<string, PrunedVariant>;
}

interface PrunedVariant extends PrunedOperation {
  readonly queryHash: string | undefined;
}

interface RequestPolicy {
  readonly variant: PrunedVariant;
  readonly plan: OperationPlan;
  readonly operation: OperationDefinitionNode;
  readonly variables: Variables;
  readonly denials: ReadonlyMap<FieldNode, Denial>;
}

/** The request context fields this plugin replaces (Apollo types them read-only; the gateway plans what is there). */
type Writable = { document: DocumentNode; operation: OperationDefinitionNode; queryHash: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Enforces the rule tree at the edge, for every field of every subgraph. The gateway never calls
 * the supergraph's resolvers, so the operation itself is checked: denied fields are removed
 * before the query plan is built (a denied mutation never reaches its service), and `null` plus
 * an error is put back at each denied path in the response (by useAnswer, see answer.ts). The
 * pruned operation gets its own `queryHash`, which the gateway keys query plans by, so one
 * viewer's plan never serves another.
 * Rules come from the app's tree and from `@authenticated` / `@requiresScopes` in the supergraph.
 */
export function usePolicy({ rules = {}, fallback = 'allow', maxPlans = 500, log }: PolicyOptions = {}): ApolloServerPlugin<TesseraContext> {
  if (typeof rules !== 'function') validateRuleTree(rules);
  const treeFor = (supergraphSdl: string | undefined): RuleTree => (typeof rules === 'function' ? rules(supergraphSdl) : rules);
  const policies = new WeakMap<GraphQLSchema, SchemaPolicy>();
  const plans = new LRUCache<string, PlanEntry>({ max: maxPlans });
  let latest: { sdl: string; directives: DirectiveRules } | undefined;

  const policyFor = (schema: GraphQLSchema): SchemaPolicy => {
    let policy = policies.get(schema);
    if (!policy) {
      // Before the first schema event (or without a gateway): the rule tree and the latest directives.
      policy = { id: latest ? sha256(latest.sdl) : 'local', lookup: createRuleLookup(treeFor(latest?.sdl), latest?.directives ?? new Map(), fallback) };
      policies.set(schema, policy);
    }
    return policy;
  };

  /** What the viewer was denied; `undefined` when no rule applies to the operation (none was decided on the viewer). */
  const decide = async (rc: GraphQLRequestContextDidResolveOperation<TesseraContext>): Promise<{ denied?: RequestPolicy } | undefined> => {
    const operation = rc.operation;
    if (!operation) return undefined;
    const policy = policyFor(rc.schema);
    const key = `${policy.id}\n${rc.queryHash}\n${rc.operationName ?? ''}`;
    let entry = plans.get(key);
    // Denials and pruning match field nodes by identity, so a plan only serves the document object
    // it was made from: concurrent first parses of one query (a batch, say) give different objects.
    if (!entry || entry.document !== rc.document) {
      entry = { document: rc.document, plan: planOperation(rc.schema, rc.document, operation, policy.lookup), variants: new LRUCache({ max: 64 }) };
      plans.set(key, entry);
    }
    const { plan } = entry;
    // Most operations touch no rule at all: one lookup and done.
    if (plan.checks.length === 0) return undefined;

    const variables = coercedVariables(rc.schema, operation, rc.request);
    const context = { ...rc.contextValue, _shield: { cache: {} } };
    const denials = await evaluateChecks(plan, { schema: rc.schema, operation, variables, context });
    // A field skipped by its own @skip/@include is not sent anyway.
    for (const node of denials.keys()) if (!isIncluded(node, variables)) denials.delete(node);
    if (denials.size === 0) return {};

    let variantKey = '';
    for (const check of plan.checks) variantKey += denials.has(check.node) ? '1' : '0';
    let variant = entry.variants.get(variantKey);
    if (!variant) {
      const pruned = pruneOperation(rc.schema, operation, plan.fragments, new Set(denials.keys()));
      variant = { ...pruned, queryHash: pruned.document ? sha256(print(pruned.document)) : undefined };
      entry.variants.set(variantKey, variant);
    }
    return { denied: { variant, plan, operation, variables, denials } };
  };

  const splice = (decided: RequestPolicy, schema: GraphQLSchema, data: Record<string, unknown> | null | undefined) =>
    spliceDenials(data, {
      schema,
      operation: decided.operation,
      fragments: decided.plan.fragments,
      variables: decided.variables,
      removed: decided.variant.removed,
      touched: decided.variant.touched,
      denialOf: (cause) => decided.denials.get(cause) ?? { code: 'FORBIDDEN', message: ERROR_CODES.FORBIDDEN.message },
    });

  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          let directives: DirectiveRules = new Map();
          if (coreSupergraphSdl) {
            try {
              directives = directiveRules(coreSupergraphSdl);
            } catch (error) {
              log?.error({ err: error }, 'could not read authorization directives from the supergraph');
            }
            latest = { sdl: coreSupergraphSdl, directives };
          }
          // Keyed by the composition: plans of the old graph are never used for the new one.
          const lookup = createRuleLookup(treeFor(coreSupergraphSdl), directives, fallback);
          policies.set(apiSchema, { id: coreSupergraphSdl ? sha256(coreSupergraphSdl) : 'local', lookup });
        },
      };
    },
    async requestDidStart() {
      let decided: RequestPolicy | undefined;
      return {
        async didResolveOperation(rc) {
          const decision = await decide(rc);
          if (!decision) return;
          // A rule was decided on the viewer: the answer is not for other viewers (an explicit
          // `allow` is no rule, see ruleTree.ts).
          const parts = answerParts(rc.request);
          parts.credentialDependent = true;
          decided = decision.denied;
          if (!decided?.variant.document) return;
          const writable = rc as unknown as Writable;
          writable.document = decided.variant.document;
          writable.operation = decided.variant.operation!;
          writable.queryHash = decided.variant.queryHash!;
          // Applied by useAnswer to the data as it goes out, whether executed or from the cache.
          const denied = decided;
          parts.edit = (data) => splice(denied, rc.schema, data);
        },
        async responseForOperation(rc) {
          if (!decided?.variant.rootEmpty) return null;
          // Nothing is left to run: no subgraph is called. Each denied root field is null (data
          // itself only when one of them is non-null), as if its resolver had failed.
          const { data, errors } = splice(decided, rc.schema, {});
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data, errors } } };
        },
      };
    },
  };
}
