import type { GraphQLDataSource } from '@apollo/gateway';
import { describe, expect, it } from 'vitest';
import { generateGraph } from '../../bench/scale/generateGraph.js';
import { compose } from '../../src/composition/compose.js';
import { SupergraphManager } from '../../src/composition/supergraphManager.js';
import { boundedCache } from '../../src/cache/boundedCache.js';
import { TesseraGateway } from '../../src/gateway/tesseraGateway.js';

const supergraphOf = (subgraphs: number): string => {
  const result = compose(generateGraph({ subgraphs, typesPerSubgraph: 10 }).map((s) => ({ ...s, url: `http://127.0.0.1:9/${s.name}` })));
  if (!result.ok) throw new Error('the generated graph does not compose');
  return result.supergraphSdl;
};

describe('the gateway swapping in a new supergraph', () => {
  it('builds it in steps with turns of the event loop between them, and serves the old graph until the new one is whole', async () => {
    const small = supergraphOf(2);
    const large = supergraphOf(30);
    const manager = new SupergraphManager(async () => small);
    const built: string[] = [];
    const gateway = new TesseraGateway({
      source: manager,
      buildService: ({ name }) => ({ process: async () => ({ data: null, errors: [{ message: `${name} is not called here` }] }) }) as unknown as GraphQLDataSource,
      planCache: () => boundedCache(8),
    });
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => built.push(Object.keys(apiSchema.getQueryType()!.getFields()).sort().join(',')));
    await gateway.load();
    expect(built).toHaveLength(1);
    const oldFields = built[0];

    // Count the turns of the event loop while the large graph is built, and what is served meanwhile.
    let turns = 0;
    let swapping = true;
    const servedMeanwhile = new Set<string>();
    const turn = (): void => {
      if (!swapping) return;
      turns++;
      servedMeanwhile.add(built.at(-1)!);
      setImmediate(turn);
    };
    setImmediate(turn);
    await manager.apply(large);
    swapping = false;

    // Apollo's gateway builds a graph in one synchronous call: no turn at all would happen.
    expect(turns).toBeGreaterThanOrEqual(4);
    // Until the new graph was complete, the old one was the one served.
    expect([...servedMeanwhile]).toEqual([oldFields]);
    expect(built).toHaveLength(2);
    expect(built[1]).toContain('s029Items');
    await gateway.stop();
  });

  it('keeps serving the old graph when the new one does not build', async () => {
    const small = supergraphOf(2);
    const manager = new SupergraphManager(async () => small);
    const gateway = new TesseraGateway({
      source: manager,
      buildService: () => ({ process: async () => ({ data: null }) }) as unknown as GraphQLDataSource,
      planCache: () => boundedCache(8),
    });
    await gateway.load();
    const before = manager.state?.id;
    await expect(manager.apply('type Query { broken: Nope }')).rejects.toThrow();
    expect(manager.state?.id).toBe(before);
    await gateway.stop();
  });
});
