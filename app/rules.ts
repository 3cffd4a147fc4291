/**
 * The app's authorization: who may read or call what. Edit these to fit your own graph.
 *
 * `edgeRules` is enforced by the gateway on every field of the supergraph, whichever subgraph
 * serves it. `subgraphRules` run inside the named in-process subgraph, where the parent object is
 * known, for checks such as "the viewer owns this order".
 */
import { hasScopes, isAuthenticated, policyError, rateLimit, rule, type RuleContext, type RuleTree } from 'tessera-gateway';

/**
 * An order is placed for the viewer itself (`input.userId` is the token's `sub`), or by a viewer
 * with `orders:write:all` for anyone. An API key has no `sub`, so it needs the scope.
 */
export const placesOwnOrder = rule('placesOwnOrder')((_parent, args: { input?: { userId?: unknown } }, ctx: RuleContext) => {
  const { viewer } = ctx;
  if (!viewer.authenticated) return policyError('UNAUTHENTICATED');
  if (viewer.scopes.has('orders:write:all')) return true;
  return viewer.sub !== undefined && args.input?.userId === viewer.sub ? true : policyError('FORBIDDEN');
});

export const edgeRules: RuleTree = {
  // Search is the costly read: 5 per 10 s per viewer (per IP for the anonymous viewer), across replicas.
  Query: { searchProducts: rateLimit({ max: 5, window: '10s', by: 'viewer' }) },
  User: { email: hasScopes('user:email') },
  Mutation: { createOrder: placesOwnOrder },
  // Served by the remote `reviews` subgraph: the gateway enforces it all the same.
  Review: { author: isAuthenticated },
};

/** The order's owner, or a viewer with `orders:read:all`. Needs the order: runs in the orders subgraph. */
export const isOrderOwner = rule('isOrderOwner')((order: { userId?: string }, _args, ctx: RuleContext) => {
  const { viewer } = ctx;
  if (viewer.scopes.has('orders:read:all')) return true;
  if (viewer.sub !== undefined && order.userId === viewer.sub) return true;
  return policyError(viewer.authenticated ? 'FORBIDDEN' : 'UNAUTHENTICATED');
});

export const subgraphRules: Readonly<Record<string, RuleTree>> = {
  orders: { Order: { total: isOrderOwner, items: isOrderOwner } },
};
