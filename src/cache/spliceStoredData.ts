/**
 * A cache hit goes through Apollo's whole request pipeline (auth, rules, limits, every hook) with a
 * placeholder `data`, and the stored JSON text takes the placeholder's place in the serialized body.
 * Parsing a stored 94 KiB answer and serializing it again was most of a hit's CPU.
 */

/**
 * Put in the context's `exchange.storedData` by a caller that serializes the answer itself (the
 * HTTP handler); the response cache fills it on a hit. Without one (`executeOperation`), a hit's
 * data is parsed into the result as usual.
 */
export interface StoredDataSlot {
  json?: string | Buffer;
}

/** Apollo writes `errors`, then `data`, then `extensions`: an answer with empty data and no errors starts so. */
const PLACEHOLDER = '{"data":{}';

const DATA_KEY = Buffer.from('{"data":');

/** The serialized body with the stored data in place of the placeholder `{}`. */
export function withStoredData(body: string, storedJson: string | Buffer): string | Buffer {
  if (body.startsWith(PLACEHOLDER)) {
    const rest = body.slice(PLACEHOLDER.length);
    return typeof storedJson === 'string' ? `{"data":${storedJson}${rest}` : Buffer.concat([DATA_KEY, storedJson, Buffer.from(rest)]);
  }
  // Not Apollo's usual shape: do it the long way rather than guess.
  const parsed = JSON.parse(body) as Record<string, unknown>;
  return `${JSON.stringify({ ...parsed, data: JSON.parse(storedJson.toString()) as unknown })}\n`;
}
