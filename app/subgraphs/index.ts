import { DEFAULT_MAX_BATCH_SIZE, RestClient, type BreakerConfig, type KeyValueCache, type LocalSubgraph } from 'tessera-gateway';
import { createBffSubgraph } from './bff/schema.js';
import { createCatalogSource } from './catalog/loaders.js';
import { createCatalogSubgraph } from './catalog/schema.js';
import { createOrdersSource } from './orders/loaders.js';
import { createOrdersSubgraph } from './orders/schema.js';
import { createUsersSource } from './users/loaders.js';
import { createUsersSubgraph } from './users/schema.js';

/**
 * The REST-wrapped subgraphs of this app (users, orders, catalog, bff). They run inside the gateway
 * process: serve each `schema` through a LocalGraphQLDataSource and pass the request's
 * SubgraphContext as `context`, the same object for every subgraph of one request.
 */

export type { LocalSubgraph } from 'tessera-gateway';
export { RestError, type RestErrorKind } from 'tessera-gateway';

export interface LocalSubgraphOptions {
  /** Base URLs of the REST services, e.g. `http://127.0.0.1:4101`. */
  readonly services: { readonly users: string; readonly orders: string; readonly catalog: string };
  /** Deadline of one REST call. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** HTTP cache for REST GETs (honours `Cache-Control`); none when absent. Errors are misses. */
  readonly cache?: KeyValueCache<string>;
  /** Keys per batch call (`GET /users?ids=…`); more are split into several calls. Default 100. */
  readonly maxBatchSize?: number;
  /** The largest REST answer read; a larger one fails the call as the service failing. No cap when absent. */
  readonly maxResponseBytes?: number;
  /** A circuit breaker per REST service (the gateway's `BREAKER_*` settings); none when absent. */
  readonly breaker?: BreakerConfig;
}

export interface LocalSubgraphs {
  /** In a fixed order: users, orders, catalog, bff. */
  readonly subgraphs: readonly LocalSubgraph[];
  /** Closes the REST connection pools once the calls in flight are done. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export function createLocalSubgraphs(options: LocalSubgraphOptions): LocalSubgraphs {
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new TypeError(`maxBatchSize must be a positive integer, got ${String(options.maxBatchSize)}`);
  }
  // Every URL is checked before any pool opens, so a bad option leaves nothing behind.
  const names = ['users', 'orders', 'catalog'] as const;
  for (const name of names) {
    const baseUrl: unknown = options.services?.[name];
    if (typeof baseUrl !== 'string') throw new TypeError(`services.${name} must be a URL string, got ${String(baseUrl)}`);
    if (!URL.canParse(baseUrl)) throw new TypeError(`services.${name} must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  const client = (service: (typeof names)[number]): RestClient =>
    new RestClient({
      service,
      baseUrl: options.services[service],
      timeoutMs: options.timeoutMs,
      cache: options.cache,
      maxResponseBytes: options.maxResponseBytes,
      breaker: options.breaker,
    });
  const clients = { users: client('users'), orders: client('orders'), catalog: client('catalog') };

  const users = createUsersSource(clients.users, { maxBatchSize });
  const orders = createOrdersSource(clients.orders, { maxBatchSize });
  const catalog = createCatalogSource(clients.catalog, { maxBatchSize });

  const subgraphs = [
    createUsersSubgraph(users),
    createOrdersSubgraph(orders),
    createCatalogSubgraph(catalog),
    createBffSubgraph({ users, orders, catalog }),
  ];

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= Promise.all(Object.values(clients).map((c) => c.close())).then(() => undefined);
    return closing;
  };
  return { subgraphs, close, [Symbol.asyncDispose]: close };
}
