import { Kind, type ConstArgumentNode, type ConstDirectiveNode, type DocumentNode, type FieldDefinitionNode } from 'graphql';
import { hasFields, linkedDirectiveName, specLinks } from './specLinks.js';

/** Which subgraphs resolve what in one supergraph, read from its `join__` directives. */
export interface FieldOwners {
  /** Subgraph name → routing URL, from the `join__Graph` enum. */
  readonly graphs: ReadonlyMap<string, string | undefined>;
  /** Object and interface types by name: the subgraphs that define each, and each field's resolvers. */
  readonly types: ReadonlyMap<string, TypeOwners>;
}

export interface TypeOwners {
  /** Subgraphs that define the type (`@join__type`). */
  readonly graphs: readonly string[];
  /** Field name → the subgraphs that resolve it (empty when none does, e.g. every one marks it external). */
  readonly fields: ReadonlyMap<string, readonly string[]>;
}

const JOIN_SPEC = 'https://specs.apollo.dev/join/';

const argument = (directive: ConstDirectiveNode, name: string): ConstArgumentNode['value'] | undefined =>
  directive.arguments?.find((a) => a.name.value === name)?.value;
const enumArgument = (directive: ConstDirectiveNode, name: string): string | undefined => {
  const value = argument(directive, name);
  return value?.kind === Kind.ENUM ? value.value : undefined;
};
const isTrue = (directive: ConstDirectiveNode, name: string): boolean => {
  const value = argument(directive, name);
  return value?.kind === Kind.BOOLEAN && value.value;
};

/**
 * Reads a supergraph's `join__` directives (federation 2's `@link`ed join spec, under whatever name
 * it is linked as; federation 1's `join__owner` too). A field without `@join__field` belongs to
 * every subgraph that defines its type (to the owner, in federation 1). With `@join__field`s, it
 * belongs to the subgraphs they name, except where it is `external` (the subgraph only references
 * it) or `usedOverridden` (another subgraph took it over). Pure.
 */
export function fieldOwners(document: DocumentNode): FieldOwners {
  const link = specLinks(document).find((l) => l.url.startsWith(JOIN_SPEC));
  const name = (directive: string) => (link ? linkedDirectiveName(link, 'join', directive) : `join__${directive}`);
  const graphDirective = name('graph');
  const typeDirective = name('type');
  const fieldDirective = name('field');
  const ownerDirective = name('owner');
  const enumName = link?.imports.get('Graph') ?? `${link?.as ?? 'join'}__Graph`;

  // Enum value (USERS) → subgraph name (users).
  const byValue = new Map<string, string>();
  const graphs = new Map<string, string | undefined>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== enumName) continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === graphDirective);
      const graphName = directive && argument(directive, 'name');
      const url = directive && argument(directive, 'url');
      const subgraph = graphName?.kind === Kind.STRING ? graphName.value : value.name.value.toLowerCase();
      byValue.set(value.name.value, subgraph);
      graphs.set(subgraph, url?.kind === Kind.STRING ? url.value : undefined);
    }
  }
  const subgraphOf = (directive: ConstDirectiveNode, arg = 'graph') => {
    const value = enumArgument(directive, arg);
    return value === undefined ? undefined : byValue.get(value);
  };

  // Definitions and extensions of one type are read together.
  const parts = new Map<string, { directives: ConstDirectiveNode[]; fields: FieldDefinitionNode[] }>();
  for (const definition of document.definitions) {
    if (!hasFields(definition)) continue;
    let part = parts.get(definition.name.value);
    if (!part) parts.set(definition.name.value, (part = { directives: [], fields: [] }));
    part.directives.push(...(definition.directives ?? []));
    part.fields.push(...(definition.fields ?? []));
  }

  const types = new Map<string, TypeOwners>();
  for (const [typeName, part] of parts) {
    const typeGraphs = unique(part.directives.filter((d) => d.name.value === typeDirective).map((d) => subgraphOf(d)));
    const owner = part.directives.find((d) => d.name.value === ownerDirective);
    // A type the join spec says nothing about is in every subgraph (no subgraph-specific data).
    const everyGraph = typeGraphs.length > 0 ? typeGraphs : [...graphs.keys()];
    const byDefault = owner ? unique([subgraphOf(owner)]) : everyGraph;
    const fields = new Map<string, readonly string[]>();
    for (const field of part.fields) {
      const joins = field.directives?.filter((d) => d.name.value === fieldDirective) ?? [];
      if (joins.length === 0) {
        fields.set(field.name.value, byDefault);
        continue;
      }
      const resolvers: (string | undefined)[] = [];
      for (const join of joins) {
        if (argument(join, 'graph') === undefined) resolvers.push(...everyGraph);
        else if (!isTrue(join, 'external') && !isTrue(join, 'usedOverridden')) resolvers.push(subgraphOf(join));
      }
      fields.set(field.name.value, unique(resolvers));
    }
    types.set(typeName, { graphs: everyGraph, fields });
  }
  return { graphs, types };
}

const unique = (names: readonly (string | undefined)[]): string[] => [...new Set(names.filter((n): n is string => n !== undefined))];
