import type { Dispatcher } from 'undici';
import { TesseraError } from '../../errors/codes.js';
import { readAnswerText } from '../../io/readLimited.js';
import { SubgraphFailure } from '../circuitBreaker.js';
import { requestBody, type SubgraphAnswer, type SubgraphSend } from './call.js';

export interface HttpTransportOptions {
  readonly name: string;
  readonly url: string;
  readonly dispatcher: Dispatcher;
  /** The largest answer read, counted as it arrives; a larger one is dropped with RESPONSE_TOO_LARGE. Absent: no cap. */
  readonly maxResponseBytes?: number;
}

/** The answer's body parsed, or undefined when it is not JSON. */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * One attempt over the shared undici keep-alive pool: a POST of the subgraph query, the answer
 * read (no further than the cap) and parsed. Apollo's default client (make-fetch-happen) costs
 * more CPU than the rest of a fetch together; this does only what a subgraph fetch needs.
 * Transport failures and 5xx answers reject with a `SubgraphFailure`: the hooks around decide what
 * they mean (a retry, the breaker's count, the client's error).
 */
export function httpTransport(options: HttpTransportOptions): SubgraphSend {
  const { name, dispatcher, maxResponseBytes } = options;
  const parsed = new URL(options.url);
  const origin = parsed.origin;
  const path = `${parsed.pathname}${parsed.search}`;
  const tooLarge = () =>
    new TesseraError('RESPONSE_TOO_LARGE', `Subgraph "${name}" answered with more than ${maxResponseBytes} bytes; its part of the data is missing.`, {
      serviceName: name,
      limit: 'subgraphResponseBytes',
      maxBytes: maxResponseBytes,
    });
  return async (call) => {
    const { headers } = call;
    headers['content-type'] = 'application/json';
    headers.accept = 'application/graphql-response+json, application/json';
    const body = requestBody(call);
    let answer: SubgraphAnswer;
    try {
      const response = await dispatcher.request({ origin, path, method: 'POST', headers, body, signal: call.signal });
      const text = await readAnswerText(response, maxResponseBytes, tooLarge);
      answer = { status: response.statusCode, headers: response.headers, body: parseJson(text), text };
    } catch (error) {
      // The query's fault, not the subgraph's: passed on as it is, and never counted by the breaker.
      if (error instanceof TesseraError) throw error.toGraphQLError();
      const e = error as Error & { code?: string };
      throw new SubgraphFailure('refused', `could not be reached (${e.code ?? e.message})`, e.code);
    }
    if (answer.status >= 500) throw new SubgraphFailure('http_5xx', `answered HTTP ${answer.status}`, undefined, answer.status, answer);
    return answer;
  };
}
