import type { TesseraContext } from '../../graphql/context.js';

/**
 * This request's value for `key`, created on first use. The gateway hands the same context to every
 * in-process subgraph, so whatever one subgraph stores here (a primed DataLoader) the next fetch of
 * the same request finds.
 */
export function perRequest<T>(ctx: TesseraContext, key: symbol, create: () => T): T {
  if (ctx.scratch.has(key)) return ctx.scratch.get(key) as T;
  const value = create();
  ctx.scratch.set(key, value);
  return value;
}
