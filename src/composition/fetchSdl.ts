import { request, type Dispatcher } from 'undici';
import { TesseraError } from '../errors/codes.js';
import { readLimited } from '../io/readLimited.js';

export interface FetchSdlOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly headers?: Record<string, string>;
  /** E.g. one pinned to an address the registry checked. */
  readonly dispatcher?: Dispatcher;
}

const SDL_QUERY = JSON.stringify({ query: '{ _service { sdl } }' });

/** Fetches a subgraph's SDL the federation way. Redirects are never followed. */
export async function fetchSubgraphSdl(url: string, options: FetchSdlOptions = {}): Promise<string> {
  const { timeoutMs = 5_000, maxBytes = 2 * 1024 * 1024, headers = {}, dispatcher } = options;
  const fail = (reason: string) =>
    new TesseraError('SCHEMA_FETCH_FAILED', `Could not fetch the schema of ${url}: ${reason}`);
  let text: string;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: SDL_QUERY,
      signal: AbortSignal.timeout(timeoutMs),
      ...(dispatcher ? { dispatcher } : {}),
    });
    if (response.statusCode >= 300) {
      await response.body.dump();
      throw fail(`HTTP ${response.statusCode}`);
    }
    text = (await readLimited(response.body, maxBytes, () => fail(`response over ${maxBytes} bytes`))).toString('utf8');
  } catch (error) {
    if (error instanceof TesseraError) throw error;
    const e = error as Error & { code?: string };
    throw fail(e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.code ?? e.message));
  }
  let body: { data?: { _service?: { sdl?: unknown } }; errors?: { message: string }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw fail('the response is not JSON');
  }
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string' || sdl.length === 0) {
    throw fail(body.errors?.map((e) => e.message).join('; ') || 'no _service.sdl in the response (is it a federation subgraph?)');
  }
  return sdl;
}
