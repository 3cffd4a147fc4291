import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, shield } from 'graphql-shield';
import type { InProcessSubgraph, InProcessSubgraphs } from '../appDefinition.js';
import { restrictCachePolicy } from '../cache/operationCachePolicy.js';
import { fieldError } from '../errors/codes.js';
import type { TesseraContext } from '../graphql/context.js';
import type { RuleTree } from './rules.js';

/**
 * Applies graphql-shield natively to in-process subgraphs, for rules that need the parent object
 * (which the edge never sees, e.g. "the viewer owns this order"). Fields without a rule, and
 * federation's `_service` and `_entities`, are allowed; a denial is a FORBIDDEN error at the field.
 * An answer that reached a ruled field is `PRIVATE`.
 */
export function withSubgraphRules(set: InProcessSubgraphs, rulesBySubgraph: Readonly<Record<string, RuleTree>>): InProcessSubgraphs {
  const shielded = (subgraph: InProcessSubgraph): InProcessSubgraph => {
    const rules = rulesBySubgraph[subgraph.name];
    if (!rules) return subgraph;
    const generator = shield(
      { ...rules, Query: { _service: allow, _entities: allow, ...(rules.Query as object | undefined) } },
      {
        fallbackRule: allow,
        // A rule's own GraphQLError (with its code) reaches the client; anything else is FORBIDDEN.
        fallbackError: (error) =>
          error instanceof GraphQLError ? error : fieldError('FORBIDDEN'),
      },
    );
    // shield wraps every field, the unruled ones in `allow`: an await per field of every answer.
    // Only the fields with a rule of their own keep their middleware.
    const generated = generator.generate(subgraph.schema) as Record<string, Record<string, unknown>>;
    const middleware = Object.fromEntries(
      Object.entries(rules).map(([type, fields]) => [
        type,
        // A rule for a whole type (or a `*` wildcard) covers every field of it.
        isFieldMap(fields) && !('*' in fields)
          ? Object.fromEntries(Object.keys(fields).map((field) => [field, generated[type]?.[field]]))
          : generated[type],
      ]),
    );
    // A rule decides on the viewer: the answer is the viewer's own, for the response cache and for
    // HTTP caches alike (the edge cannot see these rules, so it cannot prune by them).
    const markPrivate = Object.fromEntries(
      Object.entries(middleware as Record<string, Record<string, unknown> | undefined>).map(([type, fields]) => [
        type,
        Object.fromEntries(Object.entries(fields ?? {}).flatMap(([field, guard]) => (guard ? [[field, viewerOwned]] : []))),
      ]),
    );
    return { ...subgraph, schema: applyMiddleware(subgraph.schema, markPrivate as never, middleware as never) };
  };
  return { ...set, subgraphs: set.subgraphs.map(shielded) };
}

const viewerOwned = (resolve: GraphQLFieldResolver<unknown, TesseraContext>, ...[parent, args, ctx, info]: Parameters<GraphQLFieldResolver<unknown, TesseraContext>>) => {
  restrictCachePolicy(ctx, { scope: 'PRIVATE' });
  return resolve(parent, args, ctx, info);
};

const isFieldMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
