import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ids = new WeakMap<IncomingMessage, string>();

/** The request id: the client's `x-request-id` when it is a sane token, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  let id = ids.get(req);
  if (!id) {
    const incoming = req.headers['x-request-id'];
    id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
    ids.set(req, id);
  }
  return id;
}
