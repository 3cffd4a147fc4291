import {
  getArgumentValues,
  type FieldNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { allow } from 'graphql-shield';
import { ERROR_CODES, isErrorCode } from '../errors/codes.js';
import type { Variables } from '../operation/document.js';
import type { FieldCheck, OperationPlan } from './operationPlan.js';
import type { ShieldRule } from './rules.js';
import type { Denial } from './splice.js';

type RuleResult = boolean | string | Error;
type ResolveOptions = Parameters<ShieldRule['resolve']>[4];

/** What graphql-shield's `shield()` would pass its rules; a rule that throws denies. */
const SHIELD_OPTIONS: ResolveOptions = {
  debug: false,
  allowExternalErrors: false,
  fallbackRule: allow,
  fallbackError: new Error(ERROR_CODES.FORBIDDEN.message),
  // Used by `cache: 'strict'`; at the edge there is no parent, so the arguments decide.
  hashFunction: ({ args }) => JSON.stringify(args),
};

const NO_PARENT = Object.freeze({});

type InfoPath = GraphQLResolveInfo['path'];
const toPath = (keys: readonly string[], typename: string): InfoPath =>
  keys.reduce<InfoPath | undefined>((prev, key, i) => ({ prev, key, typename: i === keys.length - 1 ? typename : undefined }), undefined)!;

/**
 * A rule result as the client sees it: a rule's own code, message and extensions (e.g. a rate
 * limit's `RATE_LIMITED` with `retryAfter`) when it returns an error with a code from the table.
 */
export function toDenial(result: RuleResult): Denial {
  if (result instanceof Error) {
    const { code, http: _http, ...extensions } = (result as { extensions?: Record<string, unknown> }).extensions ?? {};
    if (!isErrorCode(code)) return { code: 'FORBIDDEN', message: result.message };
    return Object.keys(extensions).length === 0 ? { code, message: result.message } : { code, message: result.message, extensions };
  }
  if (typeof result === 'string') return { code: 'FORBIDDEN', message: result };
  return { code: 'FORBIDDEN', message: ERROR_CODES.FORBIDDEN.message };
}

export interface EvaluateInput {
  readonly schema: GraphQLSchema;
  readonly operation: OperationDefinitionNode;
  readonly variables: Variables;
  /** The request context with graphql-shield's per-request cache (`_shield`). */
  readonly context: object;
}

/**
 * Decides every check of a plan with graphql-shield's own `Rule.resolve`, given a resolver-like
 * `info` for the field. Context-only rules are resolved once per request. Returns the denials.
 */
export async function evaluateChecks(plan: OperationPlan, input: EvaluateInput): Promise<Map<FieldNode, Denial>> {
  const { schema, operation, variables, context } = input;
  const once = new Map<ShieldRule, Promise<RuleResult>>();
  const resolve = (check: FieldCheck): Promise<RuleResult> => {
    if (check.contextOnly) {
      const known = once.get(check.rule);
      if (known) return known;
    }
    let args: Record<string, unknown>;
    try {
      args = check.contextOnly ? {} : getArgumentValues(check.fieldDef, check.node, variables as Record<string, unknown>);
    } catch {
      return Promise.resolve(false);
    }
    const info = {
      fieldName: check.node.name.value,
      fieldNodes: [check.node],
      returnType: check.fieldDef.type,
      parentType: check.parentType,
      path: toPath(check.path, check.parentType.name),
      schema,
      fragments: plan.fragments,
      rootValue: undefined,
      operation,
      variableValues: variables,
    } as unknown as GraphQLResolveInfo;
    const decide = () => check.rule.resolve(NO_PARENT, args, context as never, info, SHIELD_OPTIONS).catch(() => false as const);
    // A field reached by several fragment paths spends once per path (all in this tick, so a rate
    // limit batches them); it is pruned as one node, so any refusal denies it.
    const result =
      check.occurrences > 1
        ? Promise.all(Array.from({ length: check.occurrences }, decide)).then((all) => all.find((r) => r !== true) ?? true)
        : decide();
    if (check.contextOnly) once.set(check.rule, result);
    return result;
  };
  const results = await Promise.all(plan.checks.map(resolve));
  const denials = new Map<FieldNode, Denial>();
  results.forEach((result, i) => {
    if (result !== true) denials.set(plan.checks[i]!.node, toDenial(result));
  });
  return denials;
}
