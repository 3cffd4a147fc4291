// The five mock services for the benchmark, in their own process so they do not share an event
// loop with the load generator. No added latency. Sends their URLs to the parent over IPC, and
// answers the message `'counts'` with the requests each service has served (`MockCounts`).
// With BENCH_REMOTE=1 (the default of `npm run bench`) the app's REST-wrapped subgraphs are served
// here too, over HTTP, so every gateway calls every subgraph remotely (the usual federated deployment).
import { pino } from 'pino';
import type { Viewer } from '../src/auth/viewer.js';
import { viewerFromIdentityHeaders } from '../src/auth/identityHeaders.js';
import { createLocalSubgraphs } from '../app/subgraphs/index.js';
import { startAllMocks } from '../services-mock/index.js';
import { graphqlRoutes } from '../services-mock/lib/graphql.js';
import { startMockService } from '../services-mock/lib/service.js';
import type { MockRequest, MockService } from '../services-mock/lib/types.js';

const mocks = await startAllMocks({ host: '127.0.0.1', latencyMs: 0 });
const urls: Record<string, string> = {
  users: mocks.users.url,
  orders: mocks.orders.url,
  catalog: mocks.catalog.url,
  reviews: `${mocks.reviews.url}/graphql`,
  inventory: `${mocks.inventory.url}/graphql`,
};

/** What the benchmark counts per gateway request: calls to each GraphQL subgraph and to each REST service. */
export interface MockCounts {
  readonly subgraphs: Record<string, number>;
  readonly rest: Record<string, number>;
}

const served: { readonly name: string; readonly service: MockService }[] = [];
let local: ReturnType<typeof createLocalSubgraphs> | undefined;
if (process.env.BENCH_REMOTE === '1') {
  local = createLocalSubgraphs({ services: { users: mocks.users.url, orders: mocks.orders.url, catalog: mocks.catalog.url } });
  const log = pino({ level: 'silent' });
  // What the gateway says about the viewer arrives as x-user-* headers.
  const viewerOf = (req: MockRequest): Viewer => viewerFromIdentityHeaders(req.headers);
  for (const subgraph of local.subgraphs) {
    const service = await startMockService(
      `${subgraph.name}-subgraph`,
      graphqlRoutes(subgraph.schema, {
        cacheControl: 'private, max-age=30',
        contextFor: (req) => ({
          requestId: String(req.headers['x-request-id'] ?? ''),
          viewer: viewerOf(req),
          log,
          ip: '',
          headers: req.headers,
          exchange: {},
        }),
      }),
      { port: 0, host: '127.0.0.1' },
    );
    served.push({ name: subgraph.name, service });
    urls[`${subgraph.name}Subgraph`] = `${service.url}/graphql`;
  }
}

function counts(): MockCounts {
  const total = (service: MockService) => service.stats().total;
  return {
    subgraphs: Object.fromEntries([
      ...served.map(({ name, service }) => [name, total(service)] as const),
      ['reviews', total(mocks.reviews)],
      ['inventory', total(mocks.inventory)],
    ]),
    rest: { users: total(mocks.users), orders: total(mocks.orders), catalog: total(mocks.catalog) },
  };
}

process.on('message', (message) => {
  if (message === 'counts') process.send?.({ counts: counts() });
});
process.send?.(urls);
const stop = () =>
  void Promise.all([mocks.close(), ...served.map((s) => s.service.close()), local?.close()]).then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
