import { isInterfaceType, isObjectType, parse } from 'graphql';
import type { AppDefinition, AppSubgraphs, InProcessSubgraph } from './appDefinition.js';
import type { PurgeRules } from './cache/purgeRules.js';
import { fieldOwners, type FieldOwners } from './composition/fieldOwners.js';
import { isLocalUrl, LOCAL_SCHEME } from './config/supergraphConfig.js';
import { validateRuleTree } from './policy/ruleTree.js';
import { isShieldRule, type RuleTree, type ShieldRule } from './policy/rules.js';

/** The app's policy as it applies to one supergraph: only to fields the app's own subgraphs resolve. */
export interface ScopedApp {
  /** The app's subgraphs this supergraph serves; empty when the app is not in it. */
  readonly owned: readonly string[];
  /** The app's subgraphs it lacks while the app is in it (a remote one not registered yet, say). */
  readonly missing: readonly string[];
  /** The rule tree with one entry per owned field (type rules and `*` spelled out). */
  readonly rules: RuleTree;
  readonly purge: PurgeRules;
  readonly keyFields: Readonly<Record<string, string>>;
  /**
   * App entries that name nothing the app's subgraphs resolve here: a mistyped or stray coordinate
   * or, while a subgraph is `missing`, possibly one of its fields (see `refusable`).
   */
  readonly unmatched: readonly string[];
}

/** The unmatched entries that are certainly wrong: with every subgraph of the app present, none can be waiting for one. */
export const refusable = (scoped: ScopedApp): readonly string[] => (scoped.missing.length > 0 ? [] : scoped.unmatched);

/**
 * The app's subgraphs in a supergraph. An in-process one is the graph routed to `local://NAME` (the
 * app's own code, whatever the graph calls it); a remote one is known by its name, and only counts
 * when the app is there at all: when one of its in-process subgraphs is routed (or, for an app with
 * none, one of its remote names is present). A foreign graph's `users` or `reviews` is not the app's.
 */
export function appSubgraphsIn(owns: AppSubgraphs | undefined, owners: FieldOwners): { owned: string[]; missing: string[] } {
  const inProcess = new Set(owns?.inProcess ?? []);
  const remote = new Set(owns?.remote ?? []);
  const owned: string[] = [];
  let anchored = false;
  for (const [name, url] of owners.graphs) {
    if (url !== undefined && isLocalUrl(url)) {
      if (!inProcess.delete(url.slice(LOCAL_SCHEME.length))) continue;
      owned.push(name);
      anchored = true;
    } else if (remote.delete(name)) {
      owned.push(name);
    }
  }
  const present = (owns?.inProcess ?? []).length > 0 ? anchored : owned.length > 0;
  // What is left in the sets was not found.
  return present ? { owned, missing: [...inProcess, ...remote] } : { owned: [], missing: [] };
}

const coordinateOf = (text: string): [string, string] | undefined => {
  const match = /^([_A-Za-z]\w*)\.([_A-Za-z]\w*)$/.exec(text);
  return match ? [match[1]!, match[2]!] : undefined;
};

/**
 * Scopes the app's rules, purge rules and key fields to one supergraph. A rule applies to a field
 * when one of the app's subgraphs resolves it (a field shared with a foreign subgraph included),
 * never to a same-named field only a foreign subgraph resolves. Entries that match nothing are
 * `unmatched`; when the app is not there at all, nothing applies and nothing is unmatched. Pure.
 */
export function scopeApp(app: AppDefinition | undefined, owners: FieldOwners): ScopedApp {
  const { owned, missing } = appSubgraphsIn(app?.owns, owners);
  if (!app || owned.length === 0) return { owned, missing, rules: {}, purge: {}, keyFields: {}, unmatched: [] };
  const mine = new Set(owned);
  const unmatched: string[] = [];
  const appList = owned.join(', ');
  const resolvedHere = (type: string, field: string, where: string): boolean => {
    const typeOwners = owners.types.get(type);
    if (!typeOwners) {
      unmatched.push(`${where}: the supergraph has no type ${type}`);
      return false;
    }
    const resolvers = typeOwners.fields.get(field);
    if (!resolvers) {
      unmatched.push(`${where}: ${type} has no field ${field}`);
      return false;
    }
    if (resolvers.some((s) => mine.has(s))) return true;
    unmatched.push(`${where}: ${type}.${field} is resolved by ${resolvers.join(', ') || 'no subgraph'}, not by the app's (${appList})`);
    return false;
  };

  const rules: Record<string, Record<string, ShieldRule>> = {};
  for (const [type, entry] of Object.entries(app.rules ?? {})) {
    const typeOwners = owners.types.get(type);
    if (!typeOwners) {
      unmatched.push(`rules.${type}: the supergraph has no type ${type}`);
      continue;
    }
    const fields: Record<string, ShieldRule> = {};
    const wildcard = isShieldRule(entry) ? entry : entry['*'];
    for (const [field, rule] of isShieldRule(entry) ? [] : Object.entries(entry)) {
      if (field !== '*' && resolvedHere(type, field, `rules.${type}.${field}`)) fields[field] = rule;
    }
    if (wildcard) {
      let covered = 0;
      for (const [field, resolvers] of typeOwners.fields) {
        if (!resolvers.some((s) => mine.has(s))) continue;
        covered += 1;
        fields[field] ??= wildcard;
      }
      if (covered === 0) unmatched.push(`rules.${type}: no field of ${type} is resolved by the app's subgraphs (${appList})`);
    }
    if (Object.keys(fields).length > 0) rules[type] = fields;
  }

  const purge: Record<string, PurgeRules[string]> = {};
  for (const [coordinate, rule] of Object.entries(app.cache?.purge ?? {})) {
    const parsed = coordinateOf(coordinate);
    const where = `cache.purge["${coordinate}"]`;
    if (!parsed) unmatched.push(`${where}: a purge rule is keyed by a mutation field, like "Mutation.createOrder"`);
    else if (resolvedHere(parsed[0], parsed[1], where)) purge[coordinate] = rule;
  }

  const keyFields: Record<string, string> = {};
  for (const [type, field] of Object.entries(app.cache?.keyFields ?? {})) {
    if (resolvedHere(type, field, `cache.keyFields.${type}`)) keyFields[type] = field;
  }
  return { owned, missing, rules, purge, keyFields, unmatched };
}

/**
 * The app's policy per supergraph SDL, computed once per composition (the policy and the cache
 * plugins both ask when a schema loads). Checks the rule tree's shape at once.
 */
export function createAppScope(app: AppDefinition | undefined): (supergraphSdl: string) => ScopedApp {
  validateRuleTree(app?.rules ?? {});
  const recent = new Map<string, ScopedApp>();
  return (supergraphSdl) => {
    let scoped = recent.get(supergraphSdl);
    if (!scoped) {
      scoped = scopeApp(app, fieldOwners(parse(supergraphSdl, { noLocation: true })));
      // The gateway's copy and the manager's differ by a link argument: a few are kept.
      if (recent.size >= 4) recent.delete(recent.keys().next().value!);
      recent.set(supergraphSdl, scoped);
    }
    return scoped;
  };
}

/**
 * What is wrong with the app whatever the supergraph: rules with no subgraph named to apply them
 * to, an in-process subgraph `owns.inProcess` does not name, a cache hint for a type or field no
 * in-process subgraph has.
 */
export function appProblems(app: AppDefinition, subgraphs: readonly InProcessSubgraph[]): string[] {
  const problems: string[] = [];
  const declared = new Set(app.owns?.inProcess ?? []);
  const hasPolicy = [app.rules, app.cache?.purge, app.cache?.keyFields].some((entries) => Object.keys(entries ?? {}).length > 0);
  if (hasPolicy && declared.size === 0 && (app.owns?.remote ?? []).length === 0) {
    problems.push("owns: the app has rules or cache rules but names none of its subgraphs (owns.inProcess, owns.remote), so they would apply to nothing");
  }
  for (const { name } of subgraphs) {
    if (!declared.has(name)) problems.push(`subgraphs: the in-process subgraph ${name} is not named in owns.inProcess`);
  }
  for (const key of Object.keys(app.cache?.hints ?? {})) {
    const [type, field] = key.split('.') as [string, string | undefined];
    const found = subgraphs.some(({ schema }) => {
      const named = schema.getType(type);
      if (!named) return false;
      return field === undefined || (isObjectType(named) || isInterfaceType(named) ? field in named.getFields() : false);
    });
    if (!found) problems.push(`cache.hints["${key}"]: no in-process subgraph has ${field === undefined ? 'a type' : 'a field'} ${key}`);
  }
  return problems;
}
