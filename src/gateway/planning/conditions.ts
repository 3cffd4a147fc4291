import { Kind, visit, type DocumentNode, type FieldNode, type SelectionNode } from 'graphql';
import { fragmentsOf, fragmentsSpreadBy, isIncluded, type Variables } from '../../operation/document.js';

/**
 * `@skip` and `@include` decided before planning. A corrected plan (planCheck.ts) is planned for the
 * operation with its conditions already decided, one plan per combination of the condition
 * variables' values: Hive's planner, like Apollo's, merges a required field behind a condition
 * with the same field fetched for another requirement under one name, and the subgraph refuses the
 * operation ("Fields "comments" conflict because they have differing arguments").
 */

const CONDITIONS = new Set(['skip', 'include']);

/** The variables the document's `@skip`/`@include` read, sorted. */
export function conditionVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Directive: (directive) => {
      if (!CONDITIONS.has(directive.name.value)) return;
      for (const argument of directive.arguments ?? []) if (argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
    },
  });
  return [...names].sort();
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * The document with every `@skip`/`@include` decided: what they leave out removed, the directives
 * dropped, and the fragments no longer spread left out too (a valid document uses each of them).
 */
export function withConditionsApplied(document: DocumentNode, variables: Variables): DocumentNode {
  const decide = <T extends SelectionNode>(node: T): T | null | undefined => {
    if (!node.directives?.some((d) => CONDITIONS.has(d.name.value))) return undefined;
    if (!isIncluded(node, variables)) return null;
    return { ...node, directives: node.directives.filter((d) => !CONDITIONS.has(d.name.value)) };
  };
  const decided = visit(document, {
    Field: { enter: decide },
    InlineFragment: { enter: decide },
    FragmentSpread: { enter: decide },
    // A selection set left empty still has to be valid.
    SelectionSet: { leave: (set) => (set.selections.length ? undefined : { ...set, selections: [TYPENAME] }) },
  });
  const operations = decided.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const used = new Set(fragmentsSpreadBy(operations, fragmentsOf(decided)));
  return { ...decided, definitions: decided.definitions.filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION || used.has(d)) };
}
