import type { Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/**
 * Keep-alive sockets of one HTTP server, for a drain that loses no request. An HTTP/1.1 server
 * cannot tell an idle keep-alive client it is leaving: closing the socket while the client sends
 * its next request on it resets that request. So while draining every answer says
 * `Connection: close` (its socket closes once the answer is written), and a socket without a
 * request in flight is closed only after it has been quiet for `quietMs`: a client that just got
 * a keep-alive answer and is sending its next request gets that request answered instead.
 */
export interface Connections {
  /** Destroys the sockets without a request in flight that have been quiet for `quietMs`. */
  closeQuiet(quietMs: number): void;
}

interface SocketState {
  inFlight: number;
  /** When it was last used: connected, or an answer that kept it open was written. */
  lastActive: number;
}

export function trackConnections(server: Server, now: () => number = performance.now.bind(performance)): Connections {
  const sockets = new Map<Socket, SocketState>();
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { inFlight: 0, lastActive: now() });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    const state = sockets.get(req.socket);
    if (!state) return;
    state.inFlight++;
    res.once('close', () => {
      state.inFlight--;
      state.lastActive = now();
    });
  });
  return {
    closeQuiet(quietMs) {
      const at = now();
      for (const [socket, state] of sockets) if (state.inFlight === 0 && at - state.lastActive >= quietMs) socket.destroy();
    },
  };
}

/**
 * Stops accepting connections and resolves once every open one has closed. `http.Server#close`
 * would also destroy each idle keep-alive socket at once (Node 19 and later), resetting the
 * request a client may be sending on it that moment; `net.Server#close` only stops accepting,
 * and the sockets are closed by `Connections` when that resets nothing.
 */
export function stopAccepting(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    NetServer.prototype.close.call(server, () => resolve());
  });
}

/**
 * How long a keep-alive socket without a request in flight must have been quiet before a draining
 * gateway closes it: a client that just got an answer sends its next request within far less, so
 * closing after this resets nothing it was sending.
 */
const QUIET_KEEP_ALIVE_MS = 250;

/**
 * Drains a listener without a reset: no new connections; each open one closes after an answer that
 * says `Connection: close`, or once it has been quiet long enough. What is still open after
 * `graceMs` is cut off.
 */
export async function drain(server: Server, connections: Connections, graceMs: number): Promise<void> {
  const closed = stopAccepting(server);
  const quiet = setInterval(() => connections.closeQuiet(QUIET_KEEP_ALIVE_MS), 25);
  const grace = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearInterval(quiet);
  clearTimeout(grace);
}
