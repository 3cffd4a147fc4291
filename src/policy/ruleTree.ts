import { allow, and, deny } from 'graphql-shield';
import type { DirectiveRules } from './directives.js';
import { isShieldRule, type RuleTree, type ShieldRule } from './rules.js';

/** What a field without any rule gets. */
export type PolicyFallback = 'allow' | 'deny';

/** The rule for `Type.field`, or undefined when the field needs no check at all. */
export type RuleLookup = (typeName: string, fieldName: string) => ShieldRule | undefined;

/** Checks the shape of a rule tree once, at start; the message names the bad entry. */
export function validateRuleTree(tree: RuleTree): void {
  for (const [typeName, entry] of Object.entries(tree)) {
    if (isShieldRule(entry)) continue;
    if (typeof entry !== 'object' || entry === null) throw new TypeError(`rules.${typeName} must be a rule or a map of field rules`);
    for (const [fieldName, candidate] of Object.entries(entry)) {
      if (!isShieldRule(candidate)) throw new TypeError(`rules.${typeName}.${fieldName} must be a graphql-shield rule`);
    }
  }
}

function explicitRule(tree: RuleTree, typeName: string, fieldName: string): ShieldRule | undefined {
  const entry = tree[typeName];
  if (entry === undefined) return undefined;
  if (isShieldRule(entry)) return entry;
  return entry[fieldName] ?? entry['*'];
}

/**
 * Combines the rule tree with the rules from schema directives: a field with both must pass
 * both. Results are memoized so a field always gets the same rule object (graphql-shield's
 * per-request cache is keyed by rule).
 */
export function createRuleLookup(tree: RuleTree, fromDirectives: DirectiveRules, fallback: PolicyFallback): RuleLookup {
  const memo = new Map<string, ShieldRule | undefined>();
  return (typeName, fieldName) => {
    const coordinate = `${typeName}.${fieldName}`;
    if (memo.has(coordinate)) return memo.get(coordinate);
    const explicit = explicitRule(tree, typeName, fieldName);
    const declared = fromDirectives.get(coordinate);
    const combined =
      explicit && declared ? and(explicit, declared) : (explicit ?? declared ?? (fallback === 'deny' ? deny : undefined));
    // An explicit `allow` costs nothing: the field simply has no check.
    const rule = combined === allow ? undefined : combined;
    memo.set(coordinate, rule);
    return rule;
  };
}
