// The five mock services for the benchmark, in their own process so they do not share an event
// loop with the load generator. No added latency. Sends their URLs to the parent over IPC.
import { startAllMocks } from '../services-mock/index.js';

const mocks = await startAllMocks({ host: '127.0.0.1', latencyMs: 0 });
process.send?.({
  users: mocks.users.url,
  orders: mocks.orders.url,
  catalog: mocks.catalog.url,
  reviews: `${mocks.reviews.url}/graphql`,
  inventory: `${mocks.inventory.url}/graphql`,
});
const stop = () => void mocks.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
