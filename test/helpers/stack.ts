import '../../src/gateway/noTelemetry.js';
import { afterAll, beforeAll } from 'vitest';
import { pino } from 'pino';
import demoApp from '../../tessera.config.js';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLocalSubgraphs, type LocalSubgraphs } from '../../app/subgraphs/index.js';
import type { ExplorerPreset } from '../../src/graphql/explorer.js';
import { TEST_ENV } from './supergraphApp.js';

export interface Stack extends AsyncDisposable {
  readonly app: App;
  readonly mocks: MockSet;
  readonly url: string;
  /** The gateway's `/metrics`, on its own listener. */
  readonly metricsUrl: string;
  readonly env: Record<string, string>;
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

/** The environment that points the demo supergraph at a set of running mocks. */
export function mockEnv(mocks: MockSet): Record<string, string> {
  return {
    USERS_SERVICE_URL: mocks.users.url,
    ORDERS_SERVICE_URL: mocks.orders.url,
    CATALOG_SERVICE_URL: mocks.catalog.url,
    REVIEWS_URL: `${mocks.reviews.url}/graphql`,
    INVENTORY_URL: `${mocks.inventory.url}/graphql`,
  };
}

/** The REST services the in-process subgraphs wrap, at the mocks' addresses. */
export function restServices(mocks: MockSet): { users: string; orders: string; catalog: string } {
  return { users: mocks.users.url, orders: mocks.orders.url, catalog: mocks.catalog.url };
}

/** The mocks and the demo's in-process subgraphs over them, started before the file's tests and closed after. */
export function useLocalSubgraphs(): { readonly mocks: MockSet; readonly local: LocalSubgraphs } {
  const started = {} as { mocks: MockSet; local: LocalSubgraphs };
  beforeAll(async () => {
    started.mocks = await startAllMocks();
    started.local = createLocalSubgraphs({ services: restServices(started.mocks) });
  });
  afterAll(async () => {
    await started.local?.close();
    await started.mocks?.close();
  });
  return started;
}

export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: GraphQLResponse<T>['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Not JSON (${res.status}): ${text.slice(0, 300)}`);
  }
  return { status: res.status, headers: res.headers, body };
}

/** Starts the five mocks on free ports and a gateway over them, in this process. */
export async function startStack(options: { env?: Record<string, string>; mocks?: MockSet; explorer?: ExplorerPreset } = {}): Promise<Stack> {
  const mocks = options.mocks ?? (await startAllMocks());
  const env: Record<string, string> = {
    ...TEST_ENV,
    SUBGRAPH_TIMEOUT_MS: '2000',
    ...mockEnv(mocks),
    ...options.env,
  };
  const config = loadConfig(env);
  const app = createApp(config, { app: demoApp, env, log: pino({ level: 'silent' }), explorer: options.explorer });
  try {
    await app.start();
  } catch (error) {
    await app.stop();
    if (!options.mocks) await mocks.close();
    throw error;
  }
  const url = app.url;
  const close = async () => {
    await app.stop();
    if (!options.mocks) await mocks.close();
  };
  return {
    app,
    mocks,
    url,
    metricsUrl: app.metricsUrl,
    env,
    query: (query, variables, headers) => postGraphQL(url, query, variables, headers),
    close,
    [Symbol.asyncDispose]: close,
  };
}
