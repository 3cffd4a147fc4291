import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockSet } from '../../services-mock/index.js';
import type { Registration } from '../../src/registry/registryStore.js';
import { runScript, type GatewayProcess } from '../helpers/processes.js';
import { parsePrometheus } from '../helpers/prometheus.js';
import { ADMIN_TOKEN, admin } from '../helpers/registryFixtures.js';
import type { TestRedis } from '../helpers/redis.js';
import { readiness, REVIEWS_QUERY, sharedRedisRegistry, type SharedRegistry } from '../helpers/sharedRegistry.js';
import { postGraphQL } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const metric = async (g: GatewayProcess, name: string, labels?: Record<string, string>) =>
  parsePrometheus(await (await fetch(g.metricsUrl)).text()).value(name, labels);
const cli = (args: string[]) => runScript('src/cli/main.ts', ['subgraph', ...args], { env: { ADMIN_TOKEN } });

/**
 * The registry's Redis loses its data while two replicas serve a registered subgraph. Neither ever
 * adopts the older store; the one that can put the set back without losing anything does.
 */
describe('a registry store that goes back', () => {
  let shared: SharedRegistry;
  let mocks: MockSet;
  let gateways: GatewayProcess[] = [];
  let redis: TestRedis;
  let prefix: string;
  let key: SharedRegistry['key'];
  /** What the store holds now: its version and registered names. */
  const stored = async () => ({
    version: Number((await redis.get(key('version'))) ?? 0),
    names: Object.keys(await redis.hGetAll(key('subgraphs'))).sort(),
  });
  /** Every replica still answers with the registered subgraph's fields. */
  const bothServeReviews = async () => {
    for (const g of gateways) {
      const { body } = await postGraphQL(g.url, REVIEWS_QUERY);
      expect(body.errors).toBeUndefined();
      expect(body.data.topReviews).toHaveLength(3);
    }
  };

  beforeAll(async () => {
    shared = await sharedRedisRegistry({ REGISTRY_POLL_MS: '300' });
    ({ mocks, redis, prefix, key } = shared);
    gateways = await shared.startReplicas();
    const published = await admin(gateways[0]!.url, 'PUT', '/admin/subgraphs/reviews', { url: `${mocks.reviews.url}/graphql` });
    expect(published.status).toBe(200);
    await until('both replicas to serve reviews', async () => {
      const ids = await Promise.all(gateways.map(async (g) => (await readiness(g)).compositionId));
      return ids.every((id) => id === published.body.compositionId);
    });
  }, 120_000);

  afterAll(() => shared?.close(), 60_000);

  it('emptied (Redis restarted without persistence): both keep serving, and one replica puts the set back at its version', async () => {
    const before = await stored();
    expect(before.names).toEqual(['reviews']);
    const restoresBefore = (await Promise.all(gateways.map((g) => metric(g, 'tessera_registry_restores_total', { trigger: 'automatic' })))).reduce((a, b) => a + b);

    await redis.del(await redis.keys(`${prefix}*`));
    await bothServeReviews();

    const after = await until('the store to be restored', async () => {
      const now = await stored();
      return now.version > 0 ? now : undefined;
    });
    expect(after).toEqual(before);
    await bothServeReviews();
    for (const g of gateways) expect((await readiness(g)).registry).toEqual({ version: before.version, store: 'ok' });
    // One replica restored it; the other's compare-and-set found it done.
    const restores = (await Promise.all(gateways.map((g) => metric(g, 'tessera_registry_restores_total', { trigger: 'automatic' })))).reduce((a, b) => a + b);
    expect(restores - restoresBefore).toBe(1);
    // The restored store carries on: the next change gets the next version.
    const removed = await admin(gateways[1]!.url, 'DELETE', '/admin/subgraphs/reviews?force=true');
    expect(removed.status).toBe(200);
    expect(removed.body.version).toBe(before.version + 1);
    const republished = await admin(gateways[1]!.url, 'PUT', '/admin/subgraphs/reviews', { url: `${mocks.reviews.url}/graphql` });
    expect(republished.status).toBe(200);
    await until('both replicas to serve reviews again', async () => {
      const ids = await Promise.all(gateways.map(async (g) => (await readiness(g)).compositionId));
      return ids.every((id) => id === republished.body.compositionId);
    });
  });

  it('went back and holds a registration not served here: nothing is overwritten, readiness and a metric say so, changes wait for `tessera subgraph restore`', async () => {
    const before = await stored();
    const served = (await readiness(gateways[0]!)).registry.version;
    expect(served).toBe(before.version);
    // The store lost its data and a replica that knew nothing published onto it, in one step.
    const stray: Registration = {
      name: 'stray',
      url: `${mocks.inventory.url}/graphql`,
      sdl: 'type Query { stray: Int }',
      sdlHash: 'stray-hash',
      registeredAt: new Date().toISOString(),
      registeredBy: 'token:admin',
    };
    await redis
      .multi()
      .del(await redis.keys(`${prefix}*`))
      .set(key('version'), '1')
      .hSet(key('subgraphs'), 'stray', JSON.stringify(stray))
      .exec();

    const behind = await Promise.all(
      gateways.map((g) =>
        until('the replica to report the store behind', async () => {
          const { registry } = await readiness(g);
          return registry.store === 'behind' ? registry : undefined;
        }),
      ),
    );
    for (const registry of behind) expect(registry).toEqual({ version: served, store: 'behind', storeVersion: 1, notServed: ['stray'] });
    for (const g of gateways) expect(await metric(g, 'tessera_registry_store_behind')).toBe(1);
    await bothServeReviews();
    expect(await stored()).toEqual({ version: 1, names: ['stray'] });

    // A change starts from the store, which would drop what is served: refused until restored.
    const refused = await admin(gateways[0]!.url, 'DELETE', '/admin/subgraphs/reviews?force=true');
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].code).toBe('REGISTRY_STORE_BEHIND');
    expect(refused.body.errors[0].message).toContain('tessera subgraph restore');

    const dryRun = await cli(['restore', '--dry-run', '--gateway', gateways[1]!.url]);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(`Would put back reviews at registry version ${served}, overwriting stray`);
    expect(await stored()).toEqual({ version: 1, names: ['stray'] });

    const restored = await cli(['restore', '--gateway', gateways[1]!.url]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`Restored reviews at registry version ${served}`);
    expect(await stored()).toEqual({ version: served, names: ['reviews'] });
    for (const g of gateways) {
      await until('the replica to see the store caught up', async () => (await readiness(g)).registry.store === 'ok');
      expect(await metric(g, 'tessera_registry_store_behind')).toBe(0);
    }
    expect(await metric(gateways[1]!, 'tessera_registry_restores_total', { trigger: 'operator' })).toBe(1);
    await bothServeReviews();

    const again = await cli(['restore', '--gateway', gateways[0]!.url]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to restore');
  });

  it('lost the registered set but kept its version (a key evicted alone): put back as well', async () => {
    const before = await stored();
    expect(before.names).toEqual(['reviews']);
    const restores = async () => (await Promise.all(gateways.map((g) => metric(g, 'tessera_registry_restores_total', { trigger: 'automatic' })))).reduce((a, b) => a + b);
    const restoresBefore = await restores();
    await redis.del(key('subgraphs'));
    await bothServeReviews();
    await until('the set to be put back', async () => (await stored()).names.length > 0);
    expect(await stored()).toEqual(before);
    expect((await restores()) - restoresBefore).toBe(1);
    await bothServeReviews();
  });
});
