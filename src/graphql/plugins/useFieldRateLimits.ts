import type { ApolloServerPlugin } from '@apollo/server';
import { FIELD_LIMITS, type FieldLimitScope } from '../../ratelimit/rule.js';
import type { TesseraContext } from '../context.js';

/**
 * Hands the `rateLimit` rules of the rule tree their store: the limiter (Redis across replicas,
 * memory otherwise) and the rejection hook go into every request's `scratch`, where the rules
 * (at the edge and inside in-process subgraphs) find them. Place it before the policy plugin.
 */
export function useFieldRateLimits(scope: FieldLimitScope): ApolloServerPlugin<TesseraContext> {
  return {
    async requestDidStart({ contextValue }) {
      contextValue.scratch.set(FIELD_LIMITS, scope);
    },
  };
}
