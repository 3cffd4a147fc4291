import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockSet } from '../../services-mock/index.js';
import { runScript, type GatewayProcess } from '../helpers/processes.js';
import { ADMIN_TOKEN, admin, CONFLICTING_SDL } from '../helpers/registryFixtures.js';
import type { TestRedis } from '../helpers/redis.js';
import { readiness, REVIEWS_QUERY, sharedRedisRegistry, type SharedRegistry } from '../helpers/sharedRegistry.js';
import { postGraphQL } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const cli = (args: string[], env: Record<string, string> = {}) =>
  runScript('src/cli/main.ts', ['subgraph', ...args], { env: { ADMIN_TOKEN, ...env } });

/** Two gateway processes sharing one Redis: the registry's scaled-out mode. */
describe('registry shared by two gateway processes over Redis', () => {
  let shared: SharedRegistry;
  let mocks: MockSet;
  let dir: SharedRegistry['dir'];
  let gateways: GatewayProcess[] = [];
  let redis: TestRedis;
  let prefix: string;

  beforeAll(async () => {
    // Notices do the work; polling is the fallback for missed ones.
    shared = await sharedRedisRegistry({ REGISTRY_POLL_MS: '1000', SUBGRAPH_TIMEOUT_MS: '3000' });
    ({ mocks, dir, redis, prefix } = shared);
    gateways = await shared.startReplicas();
  }, 120_000);

  afterAll(() => shared?.close(), 60_000);

  it('serves a subgraph published through the CLI on both gateways within 2 s, with the same composition id', async () => {
    for (const g of gateways) {
      expect((await postGraphQL(g.url, REVIEWS_QUERY)).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const before = await readiness(gateways[0]!);

    const published = await cli(['publish', 'reviews', '--url', `${mocks.reviews.url}/graphql`, '--gateway', gateways[0]!.url, '--json']);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    const outcome = JSON.parse(published.stdout);
    expect(outcome).toMatchObject({ ok: true, action: 'publish', subgraphs: ['reviews'] });
    expect(outcome.compositionId).not.toBe(before.compositionId);

    const accepted = Date.now();
    const answered = await Promise.all(
      gateways.map(async (g) => {
        for (;;) {
          const { body } = await postGraphQL(g.url, REVIEWS_QUERY);
          if (!body.errors) return { at: Date.now(), body, id: (await readiness(g)).compositionId };
          if (Date.now() - accepted > 5_000) throw new Error(`${g.url} never served reviews: ${JSON.stringify(body.errors)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }),
    );
    for (const a of answered) {
      expect(a.at - accepted).toBeLessThanOrEqual(2_000);
      expect(a.body.data.topReviews).toHaveLength(3);
      expect(a.id).toBe(outcome.compositionId);
    }

    const listed = await cli(['list', '--json', '--gateway', gateways[1]!.url]);
    expect(listed.code).toBe(0);
    const reviews = JSON.parse(listed.stdout).find((s: any) => s.name === 'reviews');
    expect(reviews).toMatchObject({ url: `${mocks.reviews.url}/graphql`, source: 'registered', lastHealthCheck: { ok: true } });
  });

  it('refuses a conflicting publish with the composition errors; both keep the old graph, also after a restart', async () => {
    const before = await Promise.all(gateways.map(readiness));
    expect(before[0]!.compositionId).toBe(before[1]!.compositionId);
    const schemaFile = join(dir.path, 'conflicting.graphql');
    await writeFile(schemaFile, CONFLICTING_SDL);

    const refused = await cli(['publish', 'conflicting', '--url', `${mocks.reviews.url}/graphql`, '--schema', schemaFile, '--gateway', gateways[1]!.url]);
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^error\[COMPOSITION_FAILED\]: /);

    const http = await admin(gateways[0]!.url, 'PUT', '/admin/subgraphs/conflicting', { url: `${mocks.reviews.url}/graphql`, sdl: CONFLICTING_SDL });
    expect(http.status).toBe(422);
    expect(http.body.errors.every((e: any) => e.code === 'COMPOSITION_FAILED')).toBe(true);

    for (const g of gateways) {
      const ready = await fetch(`${g.url}/readiness`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as any).compositionId).toBe(before[0]!.compositionId);
      expect((await postGraphQL(g.url, REVIEWS_QUERY)).body.errors).toBeUndefined();
    }

    // Restart both: the registry in Redis still holds the old set.
    await Promise.all(gateways.map((g) => g.stop()));
    gateways = await shared.startReplicas();
    for (const g of gateways) {
      expect((await readiness(g)).compositionId).toBe(before[0]!.compositionId);
      expect((await postGraphQL(g.url, REVIEWS_QUERY)).body.errors).toBeUndefined();
    }
    const names = (await admin(gateways[0]!.url, 'GET', '/admin/subgraphs')).body.subgraphs.map((s: any) => s.name);
    expect(names).toContain('reviews');
    expect(names).not.toContain('conflicting');
  }, 120_000);

  it('converges through polling when a change notice is missed', async () => {
    // A change committed straight into Redis, without the pub/sub notice.
    const before = await readiness(gateways[0]!);
    const version = Number(await redis.get(`${prefix}{registry}:version`));
    await redis.hDel(`${prefix}{registry}:subgraphs`, 'reviews');
    await redis.set(`${prefix}{registry}:version`, String(version + 1));
    for (const g of gateways) {
      await until('the replica to notice the change by polling', async () => (await readiness(g)).compositionId !== before.compositionId, 10_000);
      expect((await postGraphQL(g.url, REVIEWS_QUERY)).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });
});
