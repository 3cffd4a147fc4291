import type { CacheHint, CacheScope } from '@apollo/cache-control-types';
import {
  getNamedType,
  isCompositeType,
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from '../operation/document.js';
import { forEachField } from '../operation/selections.js';

/** A hint as written in `@cacheControl` or in the app's cache config. */
export interface CacheHintAnnotation {
  readonly maxAge?: number;
  readonly scope?: CacheScope;
  readonly inheritMaxAge?: boolean;
}

export interface SubgraphCacheHintOptions {
  /** Hints by `Type` or `Type.field` that replace the SDL's `@cacheControl` (the app's cache config). */
  readonly hints?: Readonly<Record<string, CacheHintAnnotation>>;
  /** maxAge of root fields and object-typed fields with no hint (Apollo's `defaultMaxAge`). Default 0. */
  readonly defaultMaxAge?: number;
}

/** Mutable policy with Apollo's `restrict` semantics: the lowest maxAge and the narrowest scope win. */
class Policy {
  maxAge: number | undefined;
  scope: CacheScope | undefined;
  replace(hint: CacheHintAnnotation | undefined): void {
    if (!hint) return;
    if (hint.maxAge !== undefined) this.maxAge = hint.maxAge;
    if (hint.scope !== undefined) this.scope = hint.scope;
  }
  restrict(hint: { maxAge?: number | undefined; scope?: CacheScope | undefined }): void {
    if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge)) this.maxAge = hint.maxAge;
    if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
  }
}

/**
 * The cache policy of one operation against an in-process subgraph, computed from the subgraph's
 * `@cacheControl` hints the way Apollo Server's cache-control plugin would while executing it.
 * The gateway never runs that plugin for the subgraphs it hosts (it executes query plans, not
 * resolvers), so the local data source reports this hint itself, as a remote subgraph reports
 * its `Cache-Control` header. Static: it depends only on the document, so it is memoized by it.
 *
 * Rules (Apollo's): a field's hint replaces its type's; a root field or an object-typed field
 * without a maxAge gets `defaultMaxAge`; scalar fields inherit their parent's; `_entities`
 * takes the hints of the entity types it selects.
 */
export function createSubgraphCacheHints(schema: GraphQLSchema, options: SubgraphCacheHintOptions = {}) {
  const overrides = options.hints ?? {};
  const defaultMaxAge = options.defaultMaxAge ?? 0;
  const memo = new WeakMap<DocumentNode, CacheHint>();
  const typeHints = new Map<string, CacheHintAnnotation | undefined>();
  const fieldHints = new Map<string, CacheHintAnnotation | undefined>();

  const typeHint = (type: GraphQLNamedType): CacheHintAnnotation | undefined => {
    if (!typeHints.has(type.name)) {
      const nodes = [type.astNode, ...(type.extensionASTNodes ?? [])];
      const fromSdl = nodes.map((n) => fromDirectives(n?.directives)).find(Boolean);
      typeHints.set(type.name, overrides[type.name] ?? fromSdl);
    }
    return typeHints.get(type.name);
  };
  const fieldHint = (parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): CacheHintAnnotation | undefined => {
    const coordinate = `${parent.name}.${field.name}`;
    if (!fieldHints.has(coordinate)) fieldHints.set(coordinate, overrides[coordinate] ?? fromDirectives(field.astNode?.directives));
    return fieldHints.get(coordinate);
  };

  function compute(document: DocumentNode): CacheHint {
    const overall = new Policy();
    const fragments = fragmentsOf(document);

    const entityHint = (type: GraphQLNamedType) => {
      const policy = new Policy();
      policy.replace(typeHint(type));
      if (policy.maxAge === undefined) policy.maxAge = defaultMaxAge;
      overall.restrict(policy);
    };

    const walk = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, isRoot: boolean, spreads?: ReadonlySet<string>) =>
      forEachField(
        schema,
        fragments,
        selectionSet,
        type,
        ({ node, parent, definition: field, spreads }) => {
          const target = getNamedType(field.type);
          if (isRoot && node.name.value === '_entities') {
            // The entity resolver hints each type it returns; the union itself has no hint.
            for (const s of node.selectionSet?.selections ?? []) {
              if (s.kind === Kind.INLINE_FRAGMENT && s.typeCondition) {
                const entity = schema.getType(s.typeCondition.name.value);
                if (entity && isCompositeType(entity)) {
                  entityHint(entity);
                  walk(s.selectionSet, entity, false, spreads);
                }
              }
            }
            return;
          }
          const policy = new Policy();
          let inheritMaxAge = false;
          if (isCompositeType(target)) {
            const annotation = typeHint(target);
            policy.replace(annotation);
            inheritMaxAge = Boolean(annotation?.inheritMaxAge);
          }
          const annotation = fieldHint(parent, field);
          if (annotation?.inheritMaxAge && policy.maxAge === undefined) {
            inheritMaxAge = true;
            if (annotation.scope) policy.replace({ scope: annotation.scope });
          } else {
            policy.replace(annotation);
          }
          if (policy.maxAge === undefined && ((isCompositeType(target) && !inheritMaxAge) || isRoot)) policy.maxAge = defaultMaxAge;
          overall.restrict(policy);
          if (node.selectionSet && isCompositeType(target)) walk(node.selectionSet, target, false, spreads);
        },
        spreads,
      );

    for (const def of document.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION) continue;
      const root = schema.getRootType(def.operation);
      if (root) walk(def.selectionSet, root, true);
    }
    return { maxAge: overall.maxAge, scope: overall.scope };
  }

  return (document: DocumentNode): CacheHint => {
    let hint = memo.get(document);
    if (!hint) memo.set(document, (hint = compute(document)));
    return hint;
  };
}

function fromDirectives(directives: readonly ConstDirectiveNode[] | undefined): CacheHintAnnotation | undefined {
  const directive = directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive) return undefined;
  const hint: { maxAge?: number; scope?: CacheScope; inheritMaxAge?: boolean } = {};
  for (const arg of directive.arguments ?? []) {
    const { value } = arg;
    if (arg.name.value === 'maxAge' && value.kind === Kind.INT) hint.maxAge = Number(value.value);
    else if (arg.name.value === 'scope' && value.kind === Kind.ENUM && (value.value === 'PUBLIC' || value.value === 'PRIVATE')) hint.scope = value.value;
    else if (arg.name.value === 'inheritMaxAge' && value.kind === Kind.BOOLEAN && value.value) hint.inheritMaxAge = true;
  }
  return hint.inheritMaxAge ? { inheritMaxAge: true, ...(hint.scope ? { scope: hint.scope } : {}) } : hint;
}
