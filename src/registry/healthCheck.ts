import { request, type Dispatcher } from 'undici';
import { readLimited } from '../io/readLimited.js';
import type { HealthRecord } from './registryStore.js';

const TYPENAME_QUERY = JSON.stringify({ query: '{ __typename }' });

/** Asks a subgraph `{ __typename }`; healthy when it answers 200 with `data.__typename`. Never throws. */
export async function checkSubgraphHealth(
  url: string,
  { dispatcher, timeoutMs }: { readonly dispatcher?: Dispatcher; readonly timeoutMs: number },
): Promise<HealthRecord> {
  const at = new Date().toISOString();
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: TYPENAME_QUERY,
      signal: AbortSignal.timeout(timeoutMs),
      ...(dispatcher ? { dispatcher } : {}),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return { ok: false, at, message: `HTTP ${response.statusCode}` };
    }
    const text = (await readLimited(response.body, 64 * 1024)).toString('utf8');
    const body = JSON.parse(text) as { data?: { __typename?: unknown } };
    if (typeof body.data?.__typename !== 'string') return { ok: false, at, message: 'no data.__typename in the answer' };
    return { ok: true, at };
  } catch (error) {
    const e = error as Error & { code?: string };
    return { ok: false, at, message: e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.code ?? e.message) };
  }
}
