import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGraph, type GraphShape } from '../../bench/scale/generateGraph.js';
import { serveGraph, type ServedGraph } from '../../bench/scale/serveGraph.js';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { ADMIN_TOKEN, admin, tempDir, writeSupergraphWithoutReviews } from '../helpers/registryFixtures.js';
import { startStack, type Stack } from '../helpers/stack.js';

// 40 generated subgraphs beside the demo graph: a composition that takes a while.
const SHAPE: GraphShape = { subgraphs: 41, typesPerSubgraph: 12 };

describe('a gateway composing a registry change', () => {
  let mocks: MockSet;
  let dir: { path: string; remove: () => Promise<void> };
  let stack: Stack;
  let graph: ServedGraph;
  const subgraphs = generateGraph(SHAPE);
  const events: string[] = [];

  beforeAll(async () => {
    mocks = await startAllMocks();
    dir = await tempDir();
    graph = await serveGraph(subgraphs, (name, asked) => events.push(`${asked}:${name}`));
    stack = await startStack({
      mocks,
      env: { SUPERGRAPH_CONFIG: await writeSupergraphWithoutReviews(dir.path, mocks), DATA_DIR: join(dir.path, 'data'), ADMIN_TOKEN, REGISTRY_POLL_MS: '60000' },
    });
    // Every generated subgraph but the last is registered first, inline.
    const yaml = ['subgraphs:'];
    for (const s of subgraphs.slice(0, -1)) {
      yaml.push(`  ${s.name}:`, `    routing_url: ${graph.url(s.name)}`, '    schema:', '      sdl: |', ...s.sdl.split('\n').map((l) => `        ${l}`));
    }
    const imported = await fetch(`${stack.url}/admin/supergraph.yaml`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/yaml' },
      body: `${yaml.join('\n')}\n`,
    });
    expect(imported.status, await imported.clone().text()).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await graph?.close();
    await mocks?.close();
    await dir?.remove();
  });

  it('keeps answering while it composes: queries are answered between the SDL fetch and the health check', async () => {
    const last = subgraphs.at(-1)!;
    events.length = 0;
    let publishing = true;
    // Probes one after another for as long as the publish runs; each answer is logged in order.
    const probes = (async () => {
      while (publishing) {
        const answer = await stack.query('{ __typename }');
        expect(answer.body.data).toEqual({ __typename: 'Query' });
        events.push('answer');
      }
    })();
    // By URL: the registry fetches the SDL (step 2), composes (3, 4), then health-checks (5).
    const published = await admin(stack.url, 'PUT', `/admin/subgraphs/${last.name}`, { url: graph.url(last.name) });
    publishing = false;
    await probes;
    expect(published.status, JSON.stringify(published.body)).toBe(200);

    const fetched = events.indexOf(`sdl:${last.name}`);
    const checked = events.indexOf(`other:${last.name}`);
    expect(fetched).toBeGreaterThanOrEqual(0);
    expect(checked).toBeGreaterThan(fetched);
    const answeredMeanwhile = events.slice(fetched, checked).filter((e) => e === 'answer').length;
    // Composing on the serving thread, the only answers written between the two are the few that fit
    // in the steps around the composition (4 when measured); in the worker, hundreds (1,032).
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(50);
    // The new subgraph is served.
    const served = await stack.query(`{ ${last.name}Item(id: "1") { __typename } }`);
    expect(served.body.errors?.[0]?.extensions?.code).not.toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
