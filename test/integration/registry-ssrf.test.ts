import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/composition/compose.js';
import { createCompositionPool } from '../../src/composition/compositionPool.js';
import { RegistryRefusal, RegistryService } from '../../src/registry/registryService.js';
import { FileRegistryStore } from '../../src/registry/stores/fileStore.js';
import type { Resolve } from '../../src/registry/urlGuard.js';
import { startReviews, type MockService } from '../../services-mock/index.js';
import { ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/registryFixtures.js';

/** A TCP listener that only counts connections: it stands in for a host that must never be called. */
async function countingListener(host: string, port = 0): Promise<{ server: TcpServer; port: number; connections: () => number }> {
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as { port: number }).port, connections: () => connections };
}

const close = (server: Server | TcpServer) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('the registry never calls a forbidden address', () => {
  let reviews: MockService;
  let dir: { path: string; remove: () => Promise<void> };
  let trap: Awaited<ReturnType<typeof countingListener>>;
  let redirector: Server;
  let redirectorPort: number;
  let catalogSdl: string;
  const applied: string[] = [];
  const composer = createCompositionPool({ timeoutMs: 60_000, maxMemoryMb: 1024 });

  const service = (resolve: Resolve, allowedHosts: string[] = ['127.0.0.1', '*.test'], log = pino({ level: 'silent' })) => {
    const store = new FileRegistryStore(join(dir.path, `data-${Math.random().toString(36).slice(2)}`));
    const statics = [{ name: 'catalog', url: 'local://catalog', sdl: catalogSdl }];
    const initial = compose(statics);
    if (!initial.ok) throw new Error('catalog does not compose');
    return new RegistryService({
      store,
      staticSpecs: [{ name: 'catalog', routingUrl: 'local://catalog', schema: { kind: 'sdl', sdl: catalogSdl } }],
      loadStatic: async () => statics,
      composer,
      apply: async (sdl) => {
        applied.push(sdl);
        return { id: 'x' };
      },
      served: () => initial.supergraphSdl,
      allowedHosts,
      resolve,
      fetchTimeoutMs: 2_000,
      pollMs: 60_000,
      log,
    });
  };

  const refusal = async (promise: Promise<unknown>): Promise<RegistryRefusal> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof RegistryRefusal) return error;
      throw error;
    }
    throw new Error('expected a refusal');
  };

  beforeAll(async () => {
    catalogSdl = await readFile(join(ROOT, 'schema/catalog.graphql'), 'utf8');
    dir = await tempDir();
    reviews = await startReviews({ port: 0, host: '127.0.0.1' });
    // The trap listens on another loopback address, on the same port as the real subgraph.
    trap = await countingListener('127.0.0.2', Number(new URL(reviews.url).port));
    redirector = createHttpServer((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.2:${trap.port}/graphql` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', () => resolve()));
    redirectorPort = (redirector.address() as { port: number }).port;
  });
  afterAll(async () => {
    await composer.close();
    await reviews?.close();
    if (trap) await close(trap.server);
    if (redirector) await close(redirector);
    await dir?.remove();
  });

  it('refuses a name that resolves to a metadata address among others, without connecting', async () => {
    // The allowed address comes first: checking only the first answer would connect to the trap.
    const resolve: Resolve = async () => [
      { address: '127.0.0.2', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    const error = await refusal(service(resolve).publish('evil', { url: `http://metadata.test:${trap.port}/graphql` }, { actor: 'test' }));
    expect(error.errors[0]!.code).toBe('SUBGRAPH_URL_FORBIDDEN');
    expect(error.errors[0]!.message).toMatch(/169\.254\.169\.254/);
    expect(trap.connections()).toBe(0);
  });

  it('connects only to the checked address when DNS changes its answer (rebinding)', async () => {
    let lookups = 0;
    // First answer: the real subgraph on 127.0.0.1. Every later answer: the trap on 127.0.0.2.
    const resolve: Resolve = async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
    const port = new URL(reviews.url).port;
    const outcome = await service(resolve).publish('reviews', { url: `http://rebind.test:${port}/graphql` }, { actor: 'test', dryRun: true });
    expect(outcome.dryRun).toBe(true);
    expect(outcome.subgraphs).toEqual(['reviews']);
    expect(lookups).toBeGreaterThan(0);
    expect(trap.connections()).toBe(0);
  });

  it('does not follow redirects', async () => {
    const error = await refusal(service(async () => []).publish('redirected', { url: `http://127.0.0.1:${redirectorPort}/graphql` }, { actor: 'test' }));
    expect(error.errors[0]!.code).toBe('SCHEMA_FETCH_FAILED');
    expect(error.errors[0]!.message).toMatch(/307/);
    expect(trap.connections()).toBe(0);
  });

  it('refuses metadata, file, gopher and unlisted hosts, every error listed', async () => {
    const never: Resolve = async () => {
      throw new Error('must not resolve');
    };
    const cases = ['http://169.254.169.254/', 'file:///etc/passwd', 'gopher://127.0.0.1:70/_', 'http://outside.example.com/graphql', 'http://[::ffff:169.254.169.254]/'];
    for (const url of cases) {
      const error = await refusal(service(never).publish('evil', { url }, { actor: 'test' }));
      expect(error.errors.map((e) => e.code), url).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    }
    // Name and URL errors of the same step come together.
    const both = await refusal(service(never).publish('9nine', { url: 'gopher://x/' }, { actor: 'test' }));
    expect(both.errors.map((e) => e.code).sort()).toEqual(['INVALID_SUBGRAPH', 'SUBGRAPH_URL_FORBIDDEN']);
    expect(applied).toEqual([]);
  });

  it('logs one audit line per attempt: who, what, result, composition id', async () => {
    const lines: any[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const registry = service(async () => [], ['127.0.0.1'], log);
    await refusal(registry.publish('evil', { url: 'http://169.254.169.254/' }, { actor: 'jwt:alice' }));
    const accepted = await registry.publish('reviews', { url: `${reviews.url}/graphql` }, { actor: 'token:admin' });
    const audit = lines.filter((l) => l.audit === true);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actor: 'jwt:alice', action: 'publish', subgraphs: ['evil'], result: 'refused', codes: ['SUBGRAPH_URL_FORBIDDEN'] });
    expect(audit[0].compositionId).toMatch(/^[0-9a-f]{16}$/);
    expect(audit[1]).toMatchObject({ actor: 'token:admin', action: 'publish', result: 'accepted', compositionId: accepted.compositionId, registryVersion: 1 });
  });
});
