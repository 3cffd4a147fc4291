import { Kind, parse, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';
import { linkedDirectiveName, specLinks } from '../composition/specLinks.js';

/**
 * `@listSize` as the IBM GraphQL cost specification (and Federation 2.9) defines it: how long a
 * list field's answer is, from a slicing argument (`first`), or assumed.
 */
export interface ListSize {
  readonly assumedSize?: number;
  readonly slicingArguments?: readonly string[];
  /** Child fields that are the sized lists (a connection's `edges`); the field itself is one object. */
  readonly sizedFields?: readonly string[];
  readonly requireOneSlicingArgument: boolean;
}

/** The cost directives of one supergraph, by schema coordinate. */
export interface CostModel {
  /** `Type.field` → its `@cost(weight:)`. */
  readonly fieldWeights: ReadonlyMap<string, number>;
  /** Object, scalar and enum types → their `@cost(weight:)`, which every field returning them costs. */
  readonly typeWeights: ReadonlyMap<string, number>;
  /** `Type.field(arg:)` and `Input.field` → their `@cost(weight:)`. */
  readonly inputWeights: ReadonlyMap<string, number>;
  /** `Type.field` → its `@listSize`. */
  readonly listSizes: ReadonlyMap<string, ListSize>;
}

export const EMPTY_COST_MODEL: CostModel = Object.freeze({
  fieldWeights: new Map(),
  typeWeights: new Map(),
  inputWeights: new Map(),
  listSizes: new Map(),
});

const COST_SPEC = 'https://specs.apollo.dev/cost/';

/** The names the supergraph gives `@cost` and `@listSize` (composition links the cost spec when a subgraph uses them). */
function costDirectiveNames(document: DocumentNode): { cost: string; listSize: string } | undefined {
  const link = specLinks(document).find((l) => l.url.startsWith(COST_SPEC));
  return link && { cost: linkedDirectiveName(link, 'cost', 'cost'), listSize: linkedDirectiveName(link, 'cost', 'listSize') };
}

const argument = (directive: ConstDirectiveNode, name: string): ConstValueNode | undefined =>
  directive.arguments?.find((a) => a.name.value === name)?.value;

const intOf = (value: ConstValueNode | undefined): number | undefined =>
  value?.kind === Kind.INT ? Number(value.value) : value?.kind === Kind.FLOAT ? Number(value.value) : undefined;

const stringsOf = (value: ConstValueNode | undefined): string[] | undefined =>
  value?.kind === Kind.LIST ? value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : undefined;

function listSizeOf(directive: ConstDirectiveNode): ListSize {
  const assumedSize = intOf(argument(directive, 'assumedSize'));
  const slicingArguments = stringsOf(argument(directive, 'slicingArguments'));
  const sizedFields = stringsOf(argument(directive, 'sizedFields'));
  const requireOne = argument(directive, 'requireOneSlicingArgument');
  return {
    ...(assumedSize !== undefined ? { assumedSize } : {}),
    ...(slicingArguments ? { slicingArguments } : {}),
    ...(sizedFields ? { sizedFields } : {}),
    // The specification's default is true.
    requireOneSlicingArgument: requireOne?.kind === Kind.BOOLEAN ? requireOne.value : true,
  };
}

/**
 * Reads `@cost` and `@listSize` out of a supergraph SDL, where composition keeps them
 * (Federation 2.9). Pure; a supergraph without the cost spec has an empty model, and every field
 * then costs what the specification's defaults say.
 */
export function costModel(supergraphSdl: string): CostModel {
  const document = parse(supergraphSdl, { noLocation: true });
  const names = costDirectiveNames(document);
  if (!names) return EMPTY_COST_MODEL;
  const fieldWeights = new Map<string, number>();
  const typeWeights = new Map<string, number>();
  const inputWeights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  const weightOf = (directives: readonly ConstDirectiveNode[] | undefined): number | undefined => {
    const found = directives?.find((d) => d.name.value === names.cost);
    return found ? intOf(argument(found, 'weight')) : undefined;
  };

  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    const typeName = definition.name.value;
    const typeWeight = weightOf(definition.directives as readonly ConstDirectiveNode[] | undefined);
    if (typeWeight !== undefined) typeWeights.set(typeName, typeWeight);
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) {
      for (const field of definition.fields ?? []) {
        const weight = weightOf(field.directives);
        if (weight !== undefined) inputWeights.set(`${typeName}.${field.name.value}`, weight);
      }
      continue;
    }
    if (!('fields' in definition) || !definition.fields) continue;
    for (const field of definition.fields) {
      if (!('arguments' in field)) continue;
      const coordinate = `${typeName}.${field.name.value}`;
      const weight = weightOf(field.directives);
      if (weight !== undefined) fieldWeights.set(coordinate, weight);
      const listSize = field.directives?.find((d) => d.name.value === names.listSize);
      if (listSize) listSizes.set(coordinate, listSizeOf(listSize));
      for (const arg of field.arguments ?? []) {
        const argWeight = weightOf(arg.directives);
        if (argWeight !== undefined) inputWeights.set(`${coordinate}(${arg.name.value}:)`, argWeight);
      }
    }
  }
  return { fieldWeights, typeWeights, inputWeights, listSizes };
}
