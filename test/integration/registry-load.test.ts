import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { ADMIN_TOKEN, admin, tempDir, writeSupergraphWithoutReviews } from '../helpers/registryFixtures.js';

const MIN_REQUESTS = 2_000;
/** The loop stops by itself: after the cycles are done and at least MIN_REQUESTS, or at this cap. */
const MAX_REQUESTS = 40_000;
const CONCURRENCY = 20;
const CYCLES = 3;

describe('swapping the graph under load', () => {
  let mocks: MockSet;
  let dir: { path: string; remove: () => Promise<void> };
  let stack: Stack;

  beforeAll(async () => {
    mocks = await startAllMocks();
    dir = await tempDir();
    stack = await startStack({
      mocks,
      env: {
        SUPERGRAPH_CONFIG: await writeSupergraphWithoutReviews(dir.path, mocks),
        DATA_DIR: join(dir.path, 'data'),
        ADMIN_TOKEN,
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await mocks?.close();
    await dir?.remove();
  });

  it(`answers every request while ${CYCLES} publish/remove cycles happen: no failure, no 5xx`, async () => {
    // Fields of the static graph only, so every answer must be complete whichever graph serves it
    // (and none with a rate limit in the demo rule tree: searchProducts has one).
    const body = JSON.stringify({ query: '{ product(sku: "SKU-0002") { sku title price } users(ids: ["1", "2"]) { id } }' });
    let sent = 0;
    let cyclesDone = false;
    const failures: string[] = [];
    const compositionIds = new Set<string>();

    const worker = async () => {
      while (sent < MAX_REQUESTS && (sent < MIN_REQUESTS || !cyclesDone)) {
        sent++;
        try {
          const res = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const json = (await res.json()) as any;
          if (res.status !== 200 || json.errors || json.data?.product?.sku !== 'SKU-0002' || json.data?.users?.length !== 2) {
            failures.push(`${res.status} ${JSON.stringify(json).slice(0, 300)}`);
          }
        } catch (error) {
          failures.push(`request failed: ${(error as Error).message}`);
        }
      }
    };

    const cycles = async () => {
      try {
        for (let i = 0; i < CYCLES; i++) {
          const published = await admin(stack.url, 'PUT', '/admin/subgraphs/reviews', { url: `${mocks.reviews.url}/graphql` });
          expect(published.status, JSON.stringify(published.body)).toBe(200);
          compositionIds.add(published.body.compositionId);
          const removed = await admin(stack.url, 'DELETE', '/admin/subgraphs/reviews?force=true');
          expect(removed.status, JSON.stringify(removed.body)).toBe(200);
          compositionIds.add(removed.body.compositionId);
        }
      } finally {
        cyclesDone = true;
      }
    };

    await Promise.all([cycles(), ...Array.from({ length: CONCURRENCY }, worker)]);
    expect(sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(failures).toEqual([]);
    // Six swaps between two graphs: with and without reviews.
    expect(compositionIds.size).toBe(2);
  }, 120_000);
});
