import { Kind, parse, type ConstDirectiveNode, type DocumentNode, type TypeNode } from 'graphql';
import { and } from 'graphql-shield';
import { hasFields, linkedDirectiveName, specLinks } from '../composition/specLinks.js';
import { isAuthenticated, requiresScopes, type ShieldRule } from './rules.js';

/** Rules by `Type.field` derived from the composed supergraph's authorization directives. */
export type DirectiveRules = ReadonlyMap<string, ShieldRule>;

const AUTHENTICATED_SPEC = 'https://specs.apollo.dev/authenticated/';
const REQUIRES_SCOPES_SPEC = 'https://specs.apollo.dev/requiresScopes/';

/** The names the supergraph uses for the two directives (a `@link(as:)` may rename them). */
function directiveNames(document: DocumentNode): { authenticated: string | undefined; requiresScopes: string | undefined } {
  const links = specLinks(document);
  const authenticated = links.find((l) => l.url.startsWith(AUTHENTICATED_SPEC));
  const requiresScopes = links.find((l) => l.url.startsWith(REQUIRES_SCOPES_SPEC));
  return {
    authenticated: authenticated && linkedDirectiveName(authenticated, 'authenticated', 'authenticated'),
    requiresScopes: requiresScopes && linkedDirectiveName(requiresScopes, 'requiresScopes', 'requiresScopes'),
  };
}

function scopesOf(directive: ConstDirectiveNode): string[][] {
  const value = directive.arguments?.find((a) => a.name.value === 'scopes')?.value;
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((set) => (set.kind === Kind.LIST ? set.values.flatMap((s) => (s.kind === Kind.STRING ? [s.value] : [])) : []));
}

const namedTypeOf = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type));

/**
 * Turns `@authenticated` and `@requiresScopes(scopes: [[...]])` of a supergraph SDL into rules.
 * On a field they guard that field; on a type (object, interface, scalar, enum) they guard every
 * field that returns the type, as the router does. Several requirements on one field all apply.
 */
export function directiveRules(supergraphSdl: string): DirectiveRules {
  const document = parse(supergraphSdl, { noLocation: true });
  const names = directiveNames(document);
  if (!names.authenticated && !names.requiresScopes) return new Map();

  const requirementsOf = (directives: readonly ConstDirectiveNode[] | undefined): ShieldRule[] => {
    const found: ShieldRule[] = [];
    for (const d of directives ?? []) {
      if (d.name.value === names.authenticated) found.push(isAuthenticated);
      else if (d.name.value === names.requiresScopes) found.push(requiresScopes(scopesOf(d)));
    }
    return found;
  };

  const byType = new Map<string, ShieldRule[]>();
  for (const definition of document.definitions) {
    if ('name' in definition && definition.name && 'directives' in definition && definition.kind !== Kind.DIRECTIVE_DEFINITION) {
      const found = requirementsOf(definition.directives as readonly ConstDirectiveNode[] | undefined);
      if (found.length > 0) byType.set(definition.name.value, [...(byType.get(definition.name.value) ?? []), ...found]);
    }
  }

  const rules = new Map<string, ShieldRule[]>();
  for (const definition of document.definitions) {
    if (!hasFields(definition)) continue;
    for (const field of definition.fields ?? []) {
      const found = [...requirementsOf(field.directives), ...(byType.get(namedTypeOf(field.type)) ?? [])];
      if (found.length === 0) continue;
      const coordinate = `${definition.name.value}.${field.name.value}`;
      rules.set(coordinate, [...(rules.get(coordinate) ?? []), ...found]);
    }
  }
  return new Map([...rules].map(([coordinate, found]) => [coordinate, found.length === 1 ? found[0]! : and(...found)]));
}
