import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  getVariableValues,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';

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

const coercions = new WeakMap<object, Variables>();

/**
 * The request's variables coerced against the operation's definitions (defaults filled in, types
 * checked), once per request however many plugins read them: keyed by the request object, which
 * each operation of a batch has of its own. Variables that do not fit are BAD_USER_INPUT (400).
 */
export function coercedVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, request: { readonly variables?: Variables | undefined }): Variables {
  let variables = coercions.get(request);
  if (variables) return variables;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coerced.errors) {
    throw new GraphQLError(coerced.errors[0]!.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  }
  coercions.set(request, (variables = coerced.coerced));
  return variables;
}
