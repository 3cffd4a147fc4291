import { getArgumentValues, Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/** What a purge rule sees of one mutation field: its coerced arguments and its result (null if it failed). */
export interface PurgeRuleInput {
  readonly args: Readonly<Record<string, any>>;
  readonly result: any;
}

/**
 * The app's invalidation rule for one mutation field: the tags whose entries it makes stale,
 * e.g. `({ args }) => ['Order', \`User:${args.input.userId}\`]`. Tags are type names (`Order`,
 * every entry holding an Order) or `Type:<key>` (entries holding that one object).
 */
export type PurgeRule = (input: PurgeRuleInput) => readonly string[];

/** Purge rules by mutation field coordinate, e.g. `Mutation.createOrder`. */
export type PurgeRules = Readonly<Record<string, PurgeRule>>;

/** The tags to purge after `operation` (a mutation) ran with `data`. Only top-level fields have rules. */
export function purgeTagsFor(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  data: Readonly<Record<string, unknown>> | null | undefined,
  variables: Readonly<Record<string, unknown>>,
  rules: PurgeRules,
): string[] {
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const fields = root.getFields();
  const tags: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const rule = rules[`${root.name}.${selection.name.value}`];
    const field = fields[selection.name.value];
    if (!rule || !field) continue;
    const args = getArgumentValues(field, selection, variables as Record<string, unknown>);
    const result = data?.[selection.alias?.value ?? selection.name.value] ?? null;
    tags.push(...rule({ args, result }));
  }
  return tags;
}
