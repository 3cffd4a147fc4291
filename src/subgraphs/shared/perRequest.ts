/**
 * A value per request, made on first use: `const loadersOf = perRequest((ctx) => makeLoaders(ctx))`.
 * The gateway hands one context object to every in-process subgraph fetch of an operation, so what
 * one fetch made (a primed DataLoader) the next fetch of the same operation finds; the values go
 * with the context, and no other module sees them.
 */
export function perRequest<C extends object, T>(create: (ctx: C) => T): (ctx: C) => T {
  const values = new WeakMap<C, T>();
  return (ctx) => {
    let value = values.get(ctx);
    if (value === undefined) values.set(ctx, (value = create(ctx)));
    return value;
  };
}
