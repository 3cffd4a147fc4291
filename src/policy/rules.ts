import { GraphQLError } from 'graphql';
import { and, rule } from 'graphql-shield';
import type { Viewer } from '../auth/viewer.js';
import { ERROR_CODES, fieldError } from '../errors/codes.js';

/** Any graphql-shield rule: `rule(...)(fn)`, `and`, `or`, `not`, `chain`, `race`, `allow`, `deny`. */
export type ShieldRule = Parameters<typeof and>[number];

/** Rules by type, then by field (`'*'` for the type's other fields), or one rule for a whole type. */
export type RuleTree = Readonly<Record<string, ShieldRule | Readonly<Record<string, ShieldRule>>>>;

/** What every rule receives as its context: at the edge and inside in-process subgraphs alike. */
export interface RuleContext {
  readonly viewer: Viewer;
}

/** A denial with a stable code, returned by a rule; the edge puts it at the denied path. */
export function policyError(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string = ERROR_CODES[code].message): GraphQLError {
  return fieldError(code, message);
}

// `cache: 'contextual'` tells graphql-shield (and the edge) that a rule depends on the context
// only: it is decided once per request, whatever the field, parent or arguments.

/** The viewer presented a valid token or API key. */
export const isAuthenticated: ShieldRule = rule('isAuthenticated', { cache: 'contextual' })((_parent, _args, ctx: RuleContext) =>
  ctx.viewer.authenticated ? true : policyError('UNAUTHENTICATED'),
);

/** The viewer holds every one of these scopes. */
export const hasScopes = (...scopes: string[]): ShieldRule => requiresScopes([scopes]);

/**
 * Federation's `@requiresScopes` semantics: the viewer holds every scope of at least one of the
 * sets (an OR of ANDs). Anonymous viewers are asked to authenticate first.
 */
export function requiresScopes(sets: readonly (readonly string[])[]): ShieldRule {
  const name = `requiresScopes:${JSON.stringify(sets)}`;
  return rule(name, { cache: 'contextual' })((_parent, _args, ctx: RuleContext) => {
    const { viewer } = ctx;
    if (!viewer.authenticated) return policyError('UNAUTHENTICATED');
    if (sets.some((set) => set.every((scope) => viewer.scopes.has(scope)))) return true;
    return policyError('FORBIDDEN', `Missing scope: ${sets.map((set) => set.join(' and ')).join(' or ')}.`);
  });
}

/** True when a rule's outcome depends only on the request context (so once per request is enough). */
export function isContextOnly(candidate: ShieldRule): boolean {
  const logic = candidate as { getRules?: () => ShieldRule[] };
  if (typeof logic.getRules === 'function') return logic.getRules().every(isContextOnly);
  return (candidate as { cache?: unknown }).cache === 'contextual';
}

const PER_OCCURRENCE = new WeakSet<object>();

/**
 * Marks a rule that spends something each time it is decided (a rate limit): it is decided once
 * for every place its field is selected, including every path a named fragment is spread at, and
 * never shared between fields or requests.
 */
export function perOccurrence<R extends ShieldRule>(candidate: R): R {
  PER_OCCURRENCE.add(candidate);
  return candidate;
}

/** True when a rule (or one inside `and`, `or`, `not`, …) counts occurrences. */
export function countsOccurrences(candidate: ShieldRule): boolean {
  const logic = candidate as { getRules?: () => ShieldRule[] };
  if (typeof logic.getRules === 'function') return logic.getRules().some(countsOccurrences);
  return PER_OCCURRENCE.has(candidate);
}

export function isShieldRule(value: unknown): value is ShieldRule {
  return typeof value === 'object' && value !== null && typeof (value as { resolve?: unknown }).resolve === 'function';
}
