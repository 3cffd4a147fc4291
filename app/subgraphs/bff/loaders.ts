import type { SubgraphContext } from 'tessera-gateway';
import type { CatalogSource } from '../catalog/loaders.js';
import type { OrdersSource } from '../orders/loaders.js';
import type { UsersSource } from '../users/loaders.js';
import type { DashboardModel } from './model.js';

/** How many recent orders and recommended products a dashboard shows. */
export const DASHBOARD_LIST_SIZE = 5;

export interface BffSources {
  readonly users: UsersSource;
  readonly orders: OrdersSource;
  readonly catalog: CatalogSource;
}

/**
 * Starts, all at once, the reads for the dashboard fields in `selected`; the others start if and
 * when their resolver asks. The reads go through the per-request loaders, which they prime, so the
 * gateway's follow-up entity fetches to users, orders and catalog cost no upstream call.
 */
export function loadDashboard(sources: BffSources, ctx: SubgraphContext, userId: string, selected: ReadonlySet<string>): DashboardModel {
  const dashboard: DashboardModel = {
    userId,
    user: started(() => sources.users.loaders(ctx).userById.load(userId)),
    recentOrders: started(() => sources.orders.byUser(ctx, userId, DASHBOARD_LIST_SIZE)),
    recommendedProducts: started(() => sources.catalog.recommendations(ctx, userId, DASHBOARD_LIST_SIZE)),
  };
  if (selected.has('user')) void dashboard.user();
  if (selected.has('recentOrders')) void dashboard.recentOrders();
  if (selected.has('recommendedProducts')) void dashboard.recommendedProducts();
  return dashboard;
}

/**
 * `start` run at most once. A read started for a field that is then not resolved (`@skip`) must
 * not fail the process as an unhandled rejection, so a no-op handler is attached; the field that
 * does await it still sees the rejection.
 */
function started<T>(start: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    if (promise === undefined) {
      promise = start();
      promise.catch(() => undefined);
    }
    return promise;
  };
}
