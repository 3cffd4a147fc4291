import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GeneratedSubgraph } from './generateGraph.js';

export interface ServedGraph {
  /** `http://127.0.0.1:PORT/NAME`: each subgraph's routing URL. */
  url(name: string): string;
  close(): Promise<void>;
}

/**
 * Serves generated subgraphs over real HTTP on 127.0.0.1, one path each: `_service { sdl }` answers
 * its SDL (registration by URL), anything else `{ __typename }` (the registry's health check).
 */
export async function serveGraph(
  subgraphs: readonly GeneratedSubgraph[],
  /** Told of each request as it arrives: which subgraph, and whether it asked for the SDL. */
  onRequest?: (name: string, asked: 'sdl' | 'other') => void,
): Promise<ServedGraph> {
  const sdlOf = new Map(subgraphs.map((s) => [`/${s.name}`, s.sdl]));
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const sdl = sdlOf.get(request.url ?? '');
      if (sdl === undefined) {
        response.writeHead(404).end();
        return;
      }
      const asked = body.includes('_service') ? 'sdl' : 'other';
      onRequest?.((request.url ?? '').slice(1), asked);
      const data = asked === 'sdl' ? { _service: { sdl } } : { __typename: 'Query' };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
