import { Kind, visit, type ASTNode, type DirectiveNode, type DocumentNode, type FieldNode } from 'graphql';

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
export function withConditionsApplied(document: DocumentNode, variables: Readonly<Record<string, unknown>>): DocumentNode {
  const holds = (directive: DirectiveNode): boolean => {
    const value = directive.arguments?.find((a) => a.name.value === 'if')?.value;
    const on = value?.kind === Kind.BOOLEAN ? value.value : value?.kind === Kind.VARIABLE ? variables[value.name.value] === true : true;
    return directive.name.value === 'include' ? on : !on;
  };
  const decide = <T extends { readonly directives?: readonly DirectiveNode[] | undefined }>(node: T): T | null | undefined => {
    const conditions = node.directives?.filter((d) => CONDITIONS.has(d.name.value)) ?? [];
    if (!conditions.length) return undefined;
    if (!conditions.every(holds)) return null;
    return { ...node, directives: node.directives!.filter((d) => !CONDITIONS.has(d.name.value)) };
  };
  const decided = visit(document, {
    Field: { enter: decide },
    InlineFragment: { enter: decide },
    FragmentSpread: { enter: decide },
    // A selection set left empty still has to be valid.
    SelectionSet: { leave: (set) => (set.selections.length ? undefined : { ...set, selections: [TYPENAME] }) },
  });
  const used = spreadFrom(decided);
  return { ...decided, definitions: decided.definitions.filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION || used.has(d.name.value)) };
}

/** The fragments the document's operations spread, directly or through other fragments. */
function spreadFrom(document: DocumentNode): Set<string> {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const spread = new Set<string>();
  const pending: ASTNode[] = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread: ({ name }) => {
        const fragment = fragments.get(name.value);
        if (fragment && !spread.has(name.value)) {
          spread.add(name.value);
          pending.push(fragment);
        }
      },
    });
  }
  return spread;
}
