import type { SubgraphBreaker } from '../circuitBreaker.js';
import type { SubgraphHook } from './call.js';

/** Runs each attempt through the subgraph's breaker: refused at once while it is open. */
export const useBreaker =
  (breaker: SubgraphBreaker): SubgraphHook =>
  (call, next) =>
    breaker.fire(() => next(call));
