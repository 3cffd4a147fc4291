import { selectedFieldNames } from 'tessera-gateway';
import type { Resolvers } from './__generated__/resolvers-types.js';
import { loadDashboard, type BffSources } from './loaders.js';

export function createBffResolvers(sources: BffSources): Resolvers {
  return {
    Query: {
      dashboard: (_, { userId }, ctx, info) => loadDashboard(sources, ctx, userId, selectedFieldNames(info)),
    },
    // All-settled: each field awaits its own read, so a failed service nulls its field only.
    Dashboard: {
      user: (dashboard) => dashboard.user(),
      recentOrders: (dashboard) => dashboard.recentOrders(),
      recommendedProducts: (dashboard) => dashboard.recommendedProducts(),
    },
  };
}
