import '../../src/gateway/noTelemetry.js';
import { pino } from 'pino';
import demoApp from '../../tessera.config.js';
import type { AppDefinition } from '../../src/appDefinition.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import type { MockSet } from '../../services-mock/index.js';
import { mockEnv, postGraphQL, type GraphQLResponse } from './stack.js';

export const TEST_JWT_SECRET = 'cache-tests-secret-at-least-32-bytes-long!!';

export interface Gateway extends AsyncDisposable {
  readonly app: App;
  readonly url: string;
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** A gateway in this process over running mocks, with the demo app (optionally changed) and extra env. */
export async function startGateway(
  mocks: MockSet,
  env: Record<string, string>,
  app: AppDefinition = demoApp,
  { waitForCache = true }: { waitForCache?: boolean } = {},
): Promise<Gateway> {
  const fullEnv: Record<string, string> = {
    PORT: '0', METRICS_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SUBGRAPH_TIMEOUT_MS: '2000',
    JWT_SECRET: TEST_JWT_SECRET,
    // Functional tests run on a busy machine: a generous deadline keeps a slow command from turning a HIT into a MISS.
    CACHE_TIMEOUT_MS: '1000',
    ...mockEnv(mocks),
    ...env,
  };
  const created = createApp(loadConfig(fullEnv), { app, env: fullEnv, log: pino({ level: 'silent' }) });
  try {
    await created.start();
  } catch (error) {
    await created.stop();
    throw error;
  }
  const url = created.url;
  const close = () => created.stop();
  if (waitForCache && fullEnv['REDIS_URL'] && fullEnv['RESPONSE_CACHE'] !== 'false') {
    try {
      await untilCacheAnswers(url);
    } catch (error) {
      await close();
      throw error;
    }
  }
  return {
    app: created,
    url,
    query: (query, variables, headers) => postGraphQL(url, query, variables, headers),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The demo app with some cache hints replaced (e.g. a 1 s maxAge for TTL tests). */
export function demoAppWithHints(hints: NonNullable<NonNullable<AppDefinition['cache']>['hints']>): AppDefinition {
  return { ...demoApp, cache: { ...demoApp.cache, hints: { ...demoApp.cache?.hints, ...hints } } };
}

/**
 * Start-up does not wait for Redis, so the first requests may miss while it connects. Tests that
 * count HITs wait until one shows up (with a query no test asks).
 */
async function untilCacheAnswers(url: string): Promise<void> {
  const query = 'query CacheWarmUp { product(sku: "SKU-0500") { sku } }';
  for (let i = 0; i < 100; i++) {
    const res = await postGraphQL(url, query);
    if (res.headers.get('x-cache') === 'HIT') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('The response cache never answered a HIT: is Redis up?');
}
