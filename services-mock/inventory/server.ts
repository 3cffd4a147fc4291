import { graphqlRoutes } from '../lib/graphql.js';
import { startMockService } from '../lib/service.js';
import type { MockService, StartOptions } from '../lib/types.js';
import { inventorySchema } from './schema.js';

export { INVENTORY_SDL } from './schema.js';

export function startInventory(options: StartOptions): Promise<MockService> {
  return startMockService('inventory', graphqlRoutes(inventorySchema()), options);
}
