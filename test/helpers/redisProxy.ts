import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the test Redis that the test can freeze (bytes stop flowing both ways,
 * connections stay open: commands hang until the client's timeout) and thaw.
 */
export async function redisProxy(upstreamPort: number) {
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  const server: Server = createServer((downstream) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    const pair: [Socket, Socket] = [downstream, upstream];
    pairs.add(pair);
    downstream.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || downstream.write(chunk));
    const close = () => {
      pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze: () => (frozen = true),
    /** Drops the frozen connections (clients reconnect) and forwards again. */
    thaw: () => {
      for (const [a, b] of pairs) a.destroy(), b.destroy();
      frozen = false;
    },
    close: async () => {
      for (const [a, b] of pairs) a.destroy(), b.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
