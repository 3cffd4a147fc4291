import { chain } from 'graphql-shield';
import { isShieldRule, type RuleTree, type ShieldRule } from '../policy/rules.js';
import { parseBudget } from './clientLimits.js';
import { rateLimit } from './rule.js';

/** A field limit written in configuration: `Query.product=10/60s` or `Query.product=10/60s:ip`. */
export interface FieldLimit {
  readonly type: string;
  readonly field: string;
  readonly max: number;
  readonly windowS: number;
  readonly by: 'viewer' | 'apiKey' | 'client' | 'ip';
}

const BY = ['viewer', 'apiKey', 'client', 'ip'] as const;

/** `Query.product=10/60s, Mutation.createOrder=3/1m:client` → field limits; throws naming the bad entry. Pure. */
export function parseFieldLimits(text: string): FieldLimit[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([_A-Za-z]\w*)\.([_A-Za-z]\w*)\s*=\s*([^:]+?)\s*(?::\s*(\w+))?$/.exec(entry);
      if (!match) throw new TypeError(`A field limit is written like "Query.product=10/60s" or "Query.product=10/60s:ip", not ${JSON.stringify(entry)}`);
      const by = (match[4] ?? 'viewer') as FieldLimit['by'];
      if (!BY.includes(by)) throw new TypeError(`${JSON.stringify(entry)}: counted by one of ${BY.join(', ')}, not ${JSON.stringify(by)}`);
      const { max, windowS } = parseBudget(match[3]!);
      return { type: match[1]!, field: match[2]!, max, windowS, by };
    });
}

/**
 * Adds configured field limits to a rule tree. A field that already has a rule must pass it
 * first (`chain`): a request the rule refuses spends nothing.
 */
export function withFieldLimits(tree: RuleTree, limits: readonly FieldLimit[]): RuleTree {
  if (limits.length === 0) return tree;
  const out: Record<string, ShieldRule | Record<string, ShieldRule>> = { ...tree };
  for (const limit of limits) {
    const limiter = rateLimit({ max: limit.max, window: limit.windowS, by: limit.by });
    const entry = out[limit.type];
    if (entry === undefined) {
      out[limit.type] = { [limit.field]: limiter };
    } else if (isShieldRule(entry)) {
      out[limit.type] = { '*': entry, [limit.field]: chain(entry, limiter) };
    } else {
      const existing = entry[limit.field] ?? entry['*'];
      out[limit.type] = { ...entry, [limit.field]: existing ? chain(existing, limiter) : limiter };
    }
  }
  return out;
}
