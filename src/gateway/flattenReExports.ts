import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * `@apollo/federation-internals` re-exports its modules through getters (TypeScript's
 * `__exportStar`), and the gateway reads them in its hottest loops: a getter call per
 * `federation_internals_1.isCompositeType(…)`, about 5 % of the CPU of a heavy read. Its index is
 * swapped, in the require cache, for a plain object holding the same values, before the gateway and
 * the query planner load. Every binding it re-exports is assigned once, when the package loads.
 * Returns whether every one of `consumers` will see the plain object (none had loaded yet).
 */
export function flattenReExports(specifier: string, consumers: readonly string[]): boolean {
  const early = consumers.some((consumer) => require.cache[require.resolve(consumer)] !== undefined);
  const id = require.resolve(specifier);
  const loaded = require(specifier) as Record<string, unknown>;
  const cached = require.cache[id];
  if (!cached || cached.exports !== loaded) return false;
  const flat: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(loaded)) flat[key] = loaded[key];
  Object.defineProperty(flat, '__esModule', { value: true });
  cached.exports = flat;
  return !early;
}

export const federationInternalsFlattened = flattenReExports('@apollo/federation-internals', ['@apollo/gateway', '@apollo/query-planner']);
