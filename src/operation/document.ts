import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  getVariableValues,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { requestError } from '../errors/codes.js';

/** Variables after coercion (`coercedVariables`): what `@skip`, `@include` and arguments read. */
export type Variables = Readonly<Record<string, unknown>>;

/** `@skip` / `@include` as the executor reads them (with coerced variables). */
export function isIncluded(node: SelectionNode, variables: Variables): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

const fragmentMaps = new WeakMap<DocumentNode, Readonly<Record<string, FragmentDefinitionNode>>>();

/** A document's fragment definitions by name; made once per parsed document, which Apollo caches. */
export function fragmentsOf(document: DocumentNode): Readonly<Record<string, FragmentDefinitionNode>> {
  let fragments = fragmentMaps.get(document);
  if (!fragments) {
    const byName: Record<string, FragmentDefinitionNode> = Object.create(null);
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) byName[definition.name.value] = definition;
    fragmentMaps.set(document, (fragments = byName));
  }
  return fragments;
}

/** The fragments `roots` spread, directly or through other fragments, each once, in the order met. */
export function fragmentsSpreadBy(roots: readonly ASTNode[], fragments: Readonly<Record<string, FragmentDefinitionNode>>): FragmentDefinitionNode[] {
  const spread = new Map<string, FragmentDefinitionNode>();
  const pending = [...roots];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread: ({ name }) => {
        const fragment = fragments[name.value];
        if (!fragment || spread.has(name.value)) return;
        spread.set(name.value, fragment);
        pending.push(fragment);
      },
    });
  }
  return [...spread.values()];
}

const coercions = new WeakMap<OperationDefinitionNode, WeakMap<object, Variables>>();

/**
 * The request's variables coerced against the operation's definitions (defaults filled in, types
 * checked), once per request however many readers: the plugins and then the gateway, which gets a
 * copy of the request but the same variables object. Keyed by the operation node and that object
 * (the request itself when none was sent); each operation of a batch has its own. Variables that do
 * not fit are BAD_USER_INPUT (400).
 */
export function coercedVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, request: { readonly variables?: Variables | undefined }): Variables {
  let byRequest = coercions.get(operation);
  if (!byRequest) coercions.set(operation, (byRequest = new WeakMap()));
  const key = request.variables ?? request;
  let variables = byRequest.get(key);
  if (variables) return variables;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coerced.errors) {
    throw requestError('BAD_USER_INPUT', coerced.errors[0]!.message);
  }
  byRequest.set(key, (variables = coerced.coerced));
  return variables;
}

/** `$name: [_Any!]!`: the variable an `_entities` fetch sends its representations in. */
export function representationsDefinition(name: string): VariableDefinitionNode {
  const anyType = { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: '_Any' } } } as const;
  return {
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } },
    type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.LIST_TYPE, type: anyType } },
  };
}
