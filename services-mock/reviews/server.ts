import { graphqlRoutes } from '../lib/graphql.js';
import { startMockService } from '../lib/service.js';
import type { MockService, StartOptions } from '../lib/types.js';
import { reviewsSchema } from './schema.js';

export { REVIEWS_SDL } from './schema.js';

export function startReviews(options: StartOptions): Promise<MockService> {
  return startMockService('reviews', graphqlRoutes(reviewsSchema()), options);
}
