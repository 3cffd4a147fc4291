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
  /** The rule tree with one entry per owned field (type rules and `*` spelled out). */
  readonly rules: RuleTree;
  readonly purge: PurgeRules;
  readonly keyFields: Readonly<Record<string, string>>;
  /** App entries that name nothing the app's subgraphs resolve here (a mistyped or stray coordinate). */
  readonly problems: readonly string[];
  /**
   * The app's subgraphs this supergraph lacks (a remote one not registered yet, say). While any is
   * missing, an entry that matches nothing may be waiting for it: it is `waiting`, not a problem.
   */
  readonly missing: readonly string[];
  readonly waiting: readonly string[];
}

/**
 * The app's subgraphs in a supergraph. An in-process one is the graph routed to `local://NAME` (the
 * app's own code, whatever the graph calls it); a remote one is known by its name, and only counts
 * when the app is there at all: when one of its in-process subgraphs is routed (or, for an app with
 * none, one of its remote names is present). A foreign graph's `users` or `reviews` is not the app's.
 */
export function ownedSubgraphs(owns: AppSubgraphs | undefined, owners: FieldOwners): string[] {
  const inProcess = new Set(owns?.inProcess ?? []);
  const local: string[] = [];
  const remote: string[] = [];
  for (const [name, url] of owners.graphs) {
    if (url !== undefined && isLocalUrl(url)) {
      if (inProcess.has(url.slice(LOCAL_SCHEME.length))) local.push(name);
    } else if (owns?.remote?.includes(name)) {
      remote.push(name);
    }
  }
  const present = inProcess.size > 0 ? local.length > 0 : remote.length > 0;
  return present ? [...local, ...remote] : [];
}

const coordinateOf = (text: string): [string, string] | undefined => {
  const match = /^([_A-Za-z]\w*)\.([_A-Za-z]\w*)$/.exec(text);
  return match ? [match[1]!, match[2]!] : undefined;
};

/**
 * Scopes the app's rules, purge rules and key fields to one supergraph. A rule applies to a field
 * when one of the app's subgraphs resolves it (a field shared with a foreign subgraph included),
 * never to a same-named field only a foreign subgraph resolves. When every subgraph of the app is
 * in the supergraph, every entry must name something they resolve; the ones that do not are
 * `problems`. When some are missing, those entries are `waiting`; when the app is not there at
 * all, nothing applies and nothing is a problem. Pure.
 */
export function scopeApp(app: AppDefinition | undefined, owners: FieldOwners): ScopedApp {
  const owned = ownedSubgraphs(app?.owns, owners);
  if (!app || owned.length === 0) return { owned, rules: {}, purge: {}, keyFields: {}, problems: [], missing: [], waiting: [] };
  const mine = new Set(owned);
  const problems: string[] = [];
  const appList = owned.join(', ');
  const resolvedHere = (type: string, field: string, where: string): boolean => {
    const typeOwners = owners.types.get(type);
    if (!typeOwners) {
      problems.push(`${where}: the supergraph has no type ${type}`);
      return false;
    }
    const resolvers = typeOwners.fields.get(field);
    if (!resolvers) {
      problems.push(`${where}: ${type} has no field ${field}`);
      return false;
    }
    if (resolvers.some((s) => mine.has(s))) return true;
    problems.push(`${where}: ${type}.${field} is resolved by ${resolvers.join(', ') || 'no subgraph'}, not by the app's (${appList})`);
    return false;
  };

  const rules: Record<string, Record<string, ShieldRule>> = {};
  for (const [type, entry] of Object.entries(app.rules ?? {})) {
    const typeOwners = owners.types.get(type);
    if (!typeOwners) {
      problems.push(`rules.${type}: the supergraph has no type ${type}`);
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
      if (covered === 0) problems.push(`rules.${type}: no field of ${type} is resolved by the app's subgraphs (${appList})`);
    }
    if (Object.keys(fields).length > 0) rules[type] = fields;
  }

  const purge: Record<string, PurgeRules[string]> = {};
  for (const [coordinate, rule] of Object.entries(app.cache?.purge ?? {})) {
    const parsed = coordinateOf(coordinate);
    const where = `cache.purge["${coordinate}"]`;
    if (!parsed) problems.push(`${where}: a purge rule is keyed by a mutation field, like "Mutation.createOrder"`);
    else if (resolvedHere(parsed[0], parsed[1], where)) purge[coordinate] = rule;
  }

  const keyFields: Record<string, string> = {};
  for (const [type, field] of Object.entries(app.cache?.keyFields ?? {})) {
    if (resolvedHere(type, field, `cache.keyFields.${type}`)) keyFields[type] = field;
  }
  const routed = new Set([...owners.graphs.values()]);
  const missing = [
    ...(app.owns?.inProcess ?? []).filter((name) => !routed.has(`${LOCAL_SCHEME}${name}`)),
    ...(app.owns?.remote ?? []).filter((name) => !mine.has(name)),
  ];
  return missing.length > 0
    ? { owned, rules, purge, keyFields, problems: [], missing, waiting: problems }
    : { owned, rules, purge, keyFields, problems, missing, waiting: [] };
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
