import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { OperationLimitsConfig } from '../../config/index.js';
import { requestError } from '../../errors/codes.js';
import { metrics as defaultMetrics, type Metrics } from '../../observability/metrics.js';
import type { TesseraContext } from '../context.js';

export type LimitName = 'depth' | 'aliases' | 'tokens' | 'directives';

export interface OperationLimitsOptions extends Omit<OperationLimitsConfig, 'maxSubgraphFetches'> {
  readonly metrics?: Metrics;
}

const limitError = (limit: LimitName, message: string, counts: { max?: number; found?: number } = {}) =>
  requestError('OPERATION_LIMIT_EXCEEDED', message, { limit, ...counts });

const WHAT: Record<Exclude<LimitName, 'tokens'>, (found: string, max: string) => string> = {
  depth: (found, max) => `The operation is nested ${found} levels deep; the limit is ${max}.`,
  aliases: (found, max) => `The operation has ${found} aliases; the limit is ${max}.`,
  directives: (found, max) => `The operation has ${found} directives; the limit is ${max}.`,
};

/**
 * Armor's rejection in Tessera's words: armor labels it "Syntax Error: Query depth limit of 15
 * exceeded, found 17." although the operation parsed, and the count is read from that text.
 */
function armorRejection(limit: Exclude<LimitName, 'tokens'>, max: number, armorMessage: string): GraphQLError {
  const found = Number(/found (\d+)/.exec(armorMessage)?.[1]);
  if (!Number.isSafeInteger(found)) return limitError(limit, armorMessage.replace(/^Syntax Error: /, ''), { max });
  return limitError(limit, WHAT[limit](found.toLocaleString('en-US'), max.toLocaleString('en-US')), { max, found });
}

/**
 * graphql-armor's depth, alias and directive rules, each reporting its own limit name. Cost is
 * demand control's (useDemandControl), which multiplies by list sizes; armor's adds weights only.
 */
export function operationLimitRules(options: OperationLimitsOptions): ValidationRule[] {
  const reject = (limit: Exclude<LimitName, 'tokens'>, max: number) => [
    (ctx: ValidationContext | null, error: GraphQLError) => ctx?.reportError(armorRejection(limit, max, error.message)),
  ];
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  const { validationRules } = new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
    maxDepth: { ...common, n: options.maxDepth, ignoreIntrospection: true, onReject: reject('depth', options.maxDepth) },
    // Every alias counts, `__typename` ones too (armor allows those by default): 1,500 aliased
    // `__typename`s are 1,500 answers to build all the same.
    maxAliases: { ...common, n: options.maxAliases, allowList: [], onReject: reject('aliases', options.maxAliases) },
    maxDirectives: { ...common, n: options.maxDirectives, onReject: reject('directives', options.maxDirectives) },
    costLimit: { enabled: false },
  }).protect();
  return validationRules as ValidationRule[];
}

/** graphql-js's own token limit, applied while parsing (Apollo's `parseOptions`), so a flood is never fully parsed. */
export function parseOptionsFor(options: Pick<OperationLimitsConfig, 'maxTokens'>) {
  return { maxTokens: options.maxTokens };
}

// graphql-js 16 spells it "more that"; accept both.
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

/**
 * Refuses operations over the depth, alias, directive and token limits before any
 * subgraph is called: 400 with `OPERATION_LIMIT_EXCEEDED` and `extensions.limit`. The verdict
 * is cached per document and schema, so a repeated operation costs one map lookup.
 */
export function useOperationLimits(options: OperationLimitsOptions): ApolloServerPlugin<TesseraContext> {
  const rules = operationLimitRules(options);
  const metrics = options.metrics ?? defaultMetrics;
  const verdicts = new WeakMap<GraphQLSchema, LRUCache<string, readonly GraphQLError[]>>();
  const check = (schema: GraphQLSchema, document: DocumentNode, queryHash: string): readonly GraphQLError[] => {
    let cache = verdicts.get(schema);
    if (!cache) verdicts.set(schema, (cache = new LRUCache({ max: 2_000 })));
    let errors = cache.get(queryHash);
    if (!errors) {
      errors = validate(schema, document, rules);
      cache.set(queryHash, errors);
    }
    return errors;
  };
  // The hooks keep no per-request state, so one listener object serves every request.
  const listener: GraphQLRequestListener<TesseraContext> = {
    async didResolveOperation({ schema, document, queryHash }) {
      const errors = check(schema, document, queryHash);
      const first = errors[0];
      if (first) {
        metrics.operationLimitRejections.inc({ limit: String(first.extensions.limit ?? 'unknown') });
        throw first;
      }
    },
    async didEncounterErrors({ errors }) {
      // The token limit fails inside graphql-js's parser; give it the same code as the other limits.
      const list = errors as GraphQLError[];
      for (let i = 0; i < list.length; i++) {
        const error = list[i]!;
        if (error.extensions?.code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT_MESSAGE.test(error.message)) {
          metrics.operationLimitRejections.inc({ limit: 'tokens' });
          list[i] = limitError('tokens', `The operation has more than ${options.maxTokens.toLocaleString('en-US')} tokens; that is the limit.`, { max: options.maxTokens });
        }
      }
    },
  };
  return { requestDidStart: async () => listener };
}
