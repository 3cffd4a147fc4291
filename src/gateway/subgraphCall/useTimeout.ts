import { SubgraphFailure } from '../circuitBreaker.js';
import type { SubgraphHook } from './call.js';

/** Ends an attempt that has not been answered (body included) within `timeoutMs`. */
export const useTimeout =
  (timeoutMs: number): SubgraphHook =>
  async (call, next) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    call.signal = controller.signal;
    try {
      return await next(call);
    } catch (error) {
      // The transport saw its connection torn down; the deadline is why.
      if (controller.signal.aborted && error instanceof SubgraphFailure) throw new SubgraphFailure('timeout', `did not answer within ${timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
