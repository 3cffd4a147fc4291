import { startCatalog } from './catalog/server.js';
import { startInventory } from './inventory/server.js';
import type { MockService, StartOptions } from './lib/types.js';
import { startOrders } from './orders/server.js';
import { startReviews } from './reviews/server.js';
import { startUsers } from './users/server.js';

export type { Faults, MockService, StartOptions, StatsSnapshot } from './lib/types.js';
export { startCatalog, startInventory, startOrders, startReviews, startUsers };
export { INVENTORY_SDL } from './inventory/schema.js';
export { REVIEWS_SDL } from './reviews/schema.js';

export const MOCK_NAMES = ['users', 'orders', 'catalog', 'reviews', 'inventory'] as const;
export type MockName = (typeof MOCK_NAMES)[number];

/** Ports used by `npm run mocks` (users 4101 … inventory 4105). */
export const DEFAULT_PORTS: Readonly<Record<MockName, number>> = Object.freeze({
  users: 4101,
  orders: 4102,
  catalog: 4103,
  reviews: 4104,
  inventory: 4105,
});

const STARTERS: Readonly<Record<MockName, (o: StartOptions) => Promise<MockService>>> = {
  users: startUsers,
  orders: startOrders,
  catalog: startCatalog,
  reviews: startReviews,
  inventory: startInventory,
};

export interface StartAllOptions {
  /** Per service; a missing entry means port 0 (a free port). */
  ports?: Partial<Record<MockName, number>>;
  host?: string;
  latencyMs?: number;
}

export type MockSet = Readonly<Record<MockName, MockService>> & {
  /** Closes all five. */
  close(): Promise<void>;
};

/** Starts all five services. If one fails to start, the others are closed before rejecting. */
export async function startAllMocks(options: StartAllOptions = {}): Promise<MockSet> {
  const results = await Promise.allSettled(
    MOCK_NAMES.map((name) =>
      STARTERS[name]({ port: options.ports?.[name] ?? 0, host: options.host, latencyMs: options.latencyMs }),
    ),
  );
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.close()));
    throw failed.reason;
  }
  const byName = Object.fromEntries(started.map((s) => [s.name, s])) as Record<MockName, MockService>;
  return {
    ...byName,
    close: async () => {
      await Promise.all(started.map((s) => s.close()));
    },
  };
}
