import {
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';

/** One `@link` of a supergraph: which spec, under which name, and what it imports (`@listSize` → its local name). */
export interface SpecLink {
  readonly url: string;
  /** The link's `as:`, without `@`. */
  readonly as: string | undefined;
  readonly imports: ReadonlyMap<string, string>;
}

const bare = (name: string) => name.replace(/^@/, '');

/** The `@link`s on the schema definition (and extensions) of an SDL document. */
export function specLinks(document: DocumentNode): SpecLink[] {
  const links: SpecLink[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const arg = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
      const url = arg('url');
      if (url?.kind !== Kind.STRING) continue;
      const as = arg('as');
      const imports = new Map<string, string>();
      const list = arg('import');
      for (const item of list?.kind === Kind.LIST ? list.values : []) {
        if (item.kind === Kind.STRING) imports.set(item.value, bare(item.value));
        if (item.kind !== Kind.OBJECT) continue;
        const field = (name: string) => item.fields.find((f) => f.name.value === name)?.value;
        const name = field('name');
        const alias = field('as');
        if (name?.kind === Kind.STRING) imports.set(name.value, bare(alias?.kind === Kind.STRING ? alias.value : name.value));
      }
      links.push({ url: url.value, as: as?.kind === Kind.STRING ? bare(as.value) : undefined, imports });
    }
  }
  return links;
}

/**
 * The name a linked spec's directive goes by in the document, by the link spec's rules: the
 * directive named like the spec is the link's `as:` (or the spec's name); an imported one keeps its
 * import's name; any other is prefixed (`@cost__listSize`).
 */
export function linkedDirectiveName(link: SpecLink, specName: string, directive: string): string {
  const imported = link.imports.get(`@${directive}`);
  if (imported) return imported;
  const prefix = link.as ?? specName;
  return directive === specName ? prefix : `${prefix}__${directive}`;
}

/** An object or interface type's definition or extension: the definitions that hold fields. */
export const hasFields = (
  definition: DefinitionNode,
): definition is ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode =>
  definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
  definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
  definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
  definition.kind === Kind.INTERFACE_TYPE_EXTENSION;
