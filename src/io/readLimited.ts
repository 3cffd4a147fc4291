import type { Dispatcher } from 'undici';
import { TesseraError } from '../errors/codes.js';

/** Reads a body stream into one string, refusing anything over `maxBytes` as soon as it is seen. */
export async function readLimited(
  body: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
  onTooLarge: () => Error = () => new TesseraError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBytes} bytes.`),
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += buf.length;
    if (size > maxBytes) throw onTooLarge();
    chunks.push(buf);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * An upstream answer's body as text, read no further than `maxBytes` (none when undefined): a
 * declared length over it is refused unread, and a body that grows past it is dropped there.
 */
export async function readAnswerText(answer: Dispatcher.ResponseData, maxBytes: number | undefined, onTooLarge: () => Error): Promise<string> {
  if (maxBytes === undefined) return answer.body.text();
  // Dropping the rest of a body makes undici report the abort on the stream: expected here.
  answer.body.on('error', () => {});
  if (Number(answer.headers['content-length']) > maxBytes) {
    answer.body.destroy();
    throw onTooLarge();
  }
  return (await readLimited(answer.body, maxBytes, onTooLarge)).toString('utf8');
}
