import type { FetchNode } from '@apollo/query-planner';
import { Kind, parse, type SelectionSetNode } from 'graphql';

type Path = (string | number)[];

/** Response names of the fields a selection set fills itself (through inline fragments), `__typename` aside. */
function filledFields(selectionSet: SelectionSetNode | undefined, into: Set<string>): Set<string> {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') into.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      filledFields(selection.selectionSet, into);
    }
  }
  return into;
}

/**
 * Where a fetch that failed as a whole (the subgraph down, timed out, open breaker) leaves nulls,
 * so its error can say which field it is about: for a root fetch, each root field it selects; for
 * an entity fetch, each field it adds, at the first entity it was for (`entityPath`). One error per
 * field rather than per entity: a list of 500 products whose reviews are down is one error.
 */
export function failedFetchPaths(fetch: FetchNode, entityPath: readonly (string | number)[]): Path[] {
  let names = filledByFetch.get(fetch);
  if (!names) filledByFetch.set(fetch, (names = fieldsFilledBy(fetch)));
  return names.map((name) => [...entityPath, name]);
}

/**
 * Per fetch node of a cached plan: while a subgraph is down, every request's failed fetch asks,
 * and the fetch's operation is parsed once rather than per request.
 */
const filledByFetch = new WeakMap<FetchNode, readonly string[]>();

function fieldsFilledBy(fetch: FetchNode): readonly string[] {
  const document = fetch.operationDocumentNode ?? parse(fetch.operation, { noLocation: true });
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  let selectionSet: SelectionSetNode | undefined = operation.selectionSet;
  if (fetch.requires) {
    const entities = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
    selectionSet = entities?.kind === Kind.FIELD ? entities.selectionSet : undefined;
  }
  return [...filledFields(selectionSet, new Set())];
}
