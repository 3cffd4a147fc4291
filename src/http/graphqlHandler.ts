import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import { TesseraError } from '../errors/codes.js';
import type { TesseraContext } from '../graphql/context.js';
import { readLimited } from './readLimited.js';
import { sendGraphQLError } from './respond.js';

export interface GraphQLHandlerOptions {
  readonly server: ApolloServer<TesseraContext>;
  readonly maxBodyBytes: number;
  readonly buildContext: (req: IncomingMessage, res: ServerResponse) => Promise<TesseraContext>;
}

/** Parses a POST body per GraphQL-over-HTTP: JSON in UTF-8 only. */
async function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const contentType = req.headers['content-type'] ?? '';
  const [mediaType = '', ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new TesseraError('UNSUPPORTED_MEDIA_TYPE', `Only UTF-8 is supported, not charset "${charset}".`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    throw new TesseraError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBodyBytes} bytes.`);
  }
  const raw = await readLimited(req, maxBodyBytes);
  if (mediaType !== 'application/json') {
    // Not JSON: Apollo decides (CSRF prevention, or a 400 for the missing body); never parsed here.
    return raw.toString('utf8');
  }
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new TesseraError('BAD_REQUEST', 'The body is not valid JSON.');
  }
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Hands an HTTP request to Apollo Server and writes its answer. */
export function createGraphQLHandler({ server, maxBodyBytes, buildContext }: GraphQLHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse, search: string): Promise<void> => {
    let body: unknown;
    try {
      body = req.method === 'POST' ? await readBody(req, maxBodyBytes) : undefined;
    } catch (error) {
      if (error instanceof TesseraError) {
        // Drain what is left so the connection can be reused, but do not wait for a flood.
        if (error.code === 'PAYLOAD_TOO_LARGE') res.setHeader('connection', 'close');
        return sendGraphQLError(res, error.code, error.message);
      }
      throw error;
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers: toHeaderMap(req),
      search,
      body,
    };
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: () => buildContext(req, res),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
