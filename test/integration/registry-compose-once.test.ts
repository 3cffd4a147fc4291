import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGraph, generateSubgraph, type GraphShape } from '../../bench/scale/generateGraph.js';
import { serveGraph, type ServedGraph } from '../../bench/scale/serveGraph.js';
import { compose, compositionId, inputsHash, type SubgraphSdl } from '../../src/composition/compose.js';
import { createCompositionPool, type Composer } from '../../src/composition/compositionPool.js';
import { TesseraError } from '../../src/errors/codes.js';
import { RegistryRefusal, RegistryService } from '../../src/registry/registryService.js';
import type { RegistryStore } from '../../src/registry/registryStore.js';
import { RedisRegistryStore } from '../../src/registry/stores/redisStore.js';
import { REDIS_TARGET, redisScope, type RedisScope } from '../helpers/redis.js';

// Real Redis, real HTTP health checks against generated subgraphs, real composition in a worker.
const SHAPE: GraphShape = { subgraphs: 12, typesPerSubgraph: 6 };
const silent = pino({ level: 'silent' });

/** Counts the compositions a replica runs, and how often the event loop turned while one ran. */
function counting(inner: Composer) {
  const counts = { compose: 0, validate: 0, loopTurnsDuringComposition: 0 };
  return {
    counts,
    composer: {
      async run(task) {
        counts[task.kind]++;
        let running = true;
        const turn = (): void => {
          if (!running) return;
          counts.loopTurnsDuringComposition++;
          setImmediate(turn);
        };
        setImmediate(turn);
        try {
          return await inner.run(task);
        } finally {
          running = false;
        }
      },
      close: () => inner.close(),
    } satisfies Composer,
  };
}

describe('composition runs once per change, in a worker thread', () => {
  let redis: RedisScope;
  let graph: ServedGraph;
  const pool = createCompositionPool({ timeoutMs: 60_000, maxMemoryMb: 1024 });
  const stores: RegistryStore[] = [];
  const services: RegistryService[] = [];
  const subgraphs = generateGraph(SHAPE);
  // A key prefix per test that needs an empty registry; all are cleared after the last test.
  const scopes: RedisScope[] = [];
  const freshScope = async () => {
    const scope = await redisScope();
    scopes.push(scope);
    return scope;
  };
  // The first subgraph is static (supergraph.yaml); the others are registered.
  const statics: SubgraphSdl[] = [{ name: subgraphs[0]!.name, url: 'http://127.0.0.1:9/static', sdl: subgraphs[0]!.sdl }];

  beforeAll(async () => {
    redis = await redisScope();
    graph = await serveGraph(subgraphs);
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await pool.close();
    await graph.close();
    await Promise.all([redis, ...scopes].map((scope) => scope.close()));
  });

  /** A replica: its own store connection, its own served graph, the shared pool behind a counter. */
  function replica(prefix: string, staticSet: readonly SubgraphSdl[] = statics) {
    const store = new RedisRegistryStore({ target: REDIS_TARGET, prefix });
    stores.push(store);
    const { counts, composer } = counting(pool);
    let served: string | undefined;
    const service = new RegistryService({
      store,
      staticSpecs: staticSet.map((s) => ({ name: s.name, routingUrl: s.url, schema: { kind: 'sdl', sdl: s.sdl } })),
      loadStatic: async () => [...staticSet],
      composer,
      apply: async (sdl) => {
        served = sdl;
        return { id: compositionId(sdl) };
      },
      served: () => served,
      allowedHosts: ['127.0.0.1'],
      fetchTimeoutMs: 5_000,
      pollMs: 60_000,
      log: silent,
    });
    services.push(service);
    return {
      service,
      store,
      counts,
      served: () => served,
      async start() {
        served = await service.initialSupergraph();
        return served;
      },
    };
  }

  const importRest = (service: RegistryService, extra?: string) =>
    service.importSet(
      subgraphs.slice(1).map((s, i) => {
        const sdl = extra && i === 0 ? generateSubgraph(1, SHAPE, extra).sdl : s.sdl;
        return { name: s.name, routingUrl: graph.url(s.name), schema: { kind: 'sdl' as const, sdl } };
      }),
      { actor: 'test' },
    );

  it('a second replica adopts the supergraph the first composed, and a restart composes nothing', async () => {
    const a = replica(redis.prefix);
    const b = replica(redis.prefix);
    await a.start();
    // B starts on the graph A composed and kept at start, and follows the store's change notices.
    await b.start();
    b.service.start();
    await (b.store as RedisRegistryStore).subscribed;
    expect(a.counts.compose).toBe(1);
    expect(b.counts.compose).toBe(0);
    expect(b.served()).toBe(a.served());

    // The serving thread kept turning while the worker composed the import.
    const outcome = await importRest(a.service);
    expect(a.counts.compose).toBe(2);
    expect(a.counts.loopTurnsDuringComposition).toBeGreaterThan(10);
    const stored = await a.store.readSupergraph(inputsHash([...statics, ...subgraphs.slice(1).map((s) => ({ ...s, url: graph.url(s.name) }))]));
    expect(stored).toMatchObject({ version: outcome.version, id: outcome.compositionId });

    // B follows the change notice and serves the same graph without composing.
    await expect.poll(() => b.service.appliedVersion, { timeout: 10_000 }).toBe(outcome.version);
    expect(b.counts.compose).toBe(0);
    expect(compositionId(b.served()!)).toBe(outcome.compositionId);

    // A restarted replica starts on the stored graph.
    const c = replica(redis.prefix);
    await c.start();
    expect(c.counts.compose).toBe(0);
    expect(compositionId(c.served()!)).toBe(outcome.compositionId);
  });

  it('a replica whose own subgraphs differ composes for itself instead of adopting', async () => {
    const scope = await freshScope();
    const a = replica(scope.prefix);
    await a.start();
    await importRest(a.service);
    // Another supergraph.yaml: the static subgraph routes elsewhere, so the stored graph is not its graph.
    const other = replica(scope.prefix, [{ ...statics[0]!, url: 'http://127.0.0.1:9/elsewhere' }]);
    const sdl = await other.start();
    expect(other.counts.compose).toBe(1);
    expect(sdl).toContain('http://127.0.0.1:9/elsewhere');
    expect(compositionId(sdl)).not.toBe(compositionId(a.served()!));
    // It kept its own beside A's; a restart of either adopts its own.
    const again = replica(scope.prefix, [{ ...statics[0]!, url: 'http://127.0.0.1:9/elsewhere' }]);
    expect(await again.start()).toBe(sdl);
    expect(again.counts.compose).toBe(0);
    const aAgain = replica(scope.prefix);
    expect(await aAgain.start()).toBe(a.served());
    expect(aAgain.counts.compose).toBe(0);
  });

  it('replicas starting together with nothing stored compose once: one claims it, the others wait for its result', async () => {
    const scope = await freshScope();
    const fleet = [replica(scope.prefix), replica(scope.prefix), replica(scope.prefix)];
    const served = await Promise.all(fleet.map((r) => r.start()));
    expect(fleet.map((r) => r.counts.compose).reduce((a, b) => a + b)).toBe(1);
    expect(new Set(served).size).toBe(1);
    // The claim is released once the graph is kept.
    expect(await scope.client.keys(`${scope.prefix}*composing*`)).toEqual([]);
  });

  it('a claim whose composition fails is released: the others do not wait for it, and every start-up reports the errors', async () => {
    const scope = await freshScope();
    const broken: SubgraphSdl[] = [{ name: 'broken', url: 'http://127.0.0.1:9/broken', sdl: 'type Query { a: Nope }' }];
    const fleet = [replica(scope.prefix, broken), replica(scope.prefix, broken)];
    const results = await Promise.allSettled(fleet.map((r) => r.start()));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/Nope/);
    expect(await scope.client.keys(`${scope.prefix}*composing*`)).toEqual([]);
  });

  it('a stored supergraph whose SDL does not match its id is not adopted', async () => {
    const scope = await freshScope();
    const a = replica(scope.prefix);
    await a.start();
    const key = `${scope.prefix}{registry}:supergraphs`;
    const [hash] = await scope.client.hKeys(key);
    const stored = (await a.store.readSupergraph(hash!))!;
    await scope.client.hSet(key, hash!, JSON.stringify({ ...stored, supergraphSdl: `${stored.supergraphSdl}\n# cut` }));
    const b = replica(scope.prefix);
    const sdl = await b.start();
    expect(b.counts.compose).toBe(1);
    expect(compositionId(sdl)).toBe(stored.id);
  });

  it('refuses a change whose composition passes its time limit, and serves the graph it had', async () => {
    const scope = await freshScope();
    const slow = createCompositionPool({ timeoutMs: 1, maxMemoryMb: 1024 });
    try {
      const a = replica(scope.prefix);
      const before = await a.start();
      const limited = new RegistryService({
        store: a.store,
        staticSpecs: [],
        loadStatic: async () => [...statics],
        composer: slow,
        apply: async () => {
          throw new Error('must not be applied');
        },
        served: () => before,
        allowedHosts: ['127.0.0.1'],
        fetchTimeoutMs: 5_000,
        pollMs: 60_000,
        log: silent,
      });
      const refusal = await importRest(limited).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(RegistryRefusal);
      expect((refusal as RegistryRefusal).errors[0]!.status).toBe(422);
      expect((refusal as RegistryRefusal).errors[0]).toMatchObject({ code: 'COMPOSITION_LIMIT_EXCEEDED', extensions: { limit: 'COMPOSITION_TIMEOUT_MS' } });
      expect((await a.store.head()).version).toBe(0);
      expect(a.served()).toBe(before);
    } finally {
      await slow.close();
    }
  });
});

describe('the composition worker', () => {
  it('lets the serving thread run while it composes; the same composition inline would not', async () => {
    const set = generateGraph({ subgraphs: 30, typesPerSubgraph: 10 }).map((s) => ({ ...s, url: `http://127.0.0.1:9/${s.name}` }));
    const pool = createCompositionPool({ timeoutMs: 60_000, maxMemoryMb: 1024 });
    const { counts, composer } = counting(pool);
    try {
      const result = await composer.run({ kind: 'compose', subgraphs: set });
      expect(result.ok).toBe(true);
      expect(counts.loopTurnsDuringComposition).toBeGreaterThan(10);
      // The reference: composing on this thread, no turn of the loop happens until it is done.
      let turns = 0;
      setImmediate(() => turns++);
      const inline = compose(set);
      expect(turns).toBe(0);
      expect(inline.ok && inline.id).toBe(result.ok && result.id);
    } finally {
      await pool.close();
    }
  });

  it('stops a composition that needs more memory than allowed, then works again', async () => {
    const set = generateGraph({ subgraphs: 30, typesPerSubgraph: 10 }).map((s) => ({ ...s, url: `http://127.0.0.1:9/${s.name}` }));
    const pool = createCompositionPool({ timeoutMs: 60_000, maxMemoryMb: 16 });
    try {
      const error = await pool.run({ kind: 'compose', subgraphs: set }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TesseraError);
      expect(error).toMatchObject({ code: 'COMPOSITION_LIMIT_EXCEEDED', extensions: { limit: 'COMPOSITION_MAX_MEMORY_MB' } });
      // A small task fits: the pool started a fresh worker.
      const small = await pool.run({ kind: 'compose', subgraphs: set.slice(0, 1) });
      expect(small.ok).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('checks a supergraph file: every error of an invalid one, nothing for a valid one', async () => {
    const pool = createCompositionPool({ timeoutMs: 60_000, maxMemoryMb: 1024 });
    try {
      const valid = compose(generateGraph({ subgraphs: 2, typesPerSubgraph: 2 }).map((s) => ({ ...s, url: `http://127.0.0.1:9/${s.name}` })));
      if (!valid.ok) throw new Error('the fixture does not compose');
      expect(await pool.run({ kind: 'validate', supergraphSdl: valid.supergraphSdl })).toMatchObject({ ok: true });
      const broken = valid.supergraphSdl.replace('name: String', 'name: NoSuchType');
      expect(broken).not.toBe(valid.supergraphSdl);
      const result = await pool.run({ kind: 'validate', supergraphSdl: broken });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.errors.join('\n')).toMatch(/NoSuchType/);
    } finally {
      await pool.close();
    }
  });
});
