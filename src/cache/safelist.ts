import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { z } from 'zod';
import { ConfigError } from '../errors/configError.js';
import { requestError } from '../errors/codes.js';
import type { TesseraContext } from '../graphql/context.js';

/** Apollo's persisted query manifest (`apollo-persisted-query-manifest`, version 1), as `rover persisted-queries` and the client tooling write it. */
const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 of the body, in hex'),
      body: z.string().min(1),
      name: z.string().optional(),
      type: z.enum(['query', 'mutation', 'subscription']).optional(),
    }),
  ),
});

/** The registered operations: query text by sha256. */
export interface Safelist {
  readonly size: number;
  has(sha256: string): boolean;
  /** Read-only APQ store over the manifest: hashes resolve to their registered text; nothing can be added. */
  readonly cache: KeyValueCache<string>;
}

export function parseSafelist(text: string, source: string): Safelist {
  const problem = (message: string) => new ConfigError([`PERSISTED_QUERIES_SAFELIST=${JSON.stringify(source)}: ${message}`]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw problem(`not JSON (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw problem(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const bodies = new Map<string, string>();
  for (const op of parsed.data.operations) {
    // A wrong id would let a client run a text the list never showed a reviewer.
    if (createHash('sha256').update(op.body).digest('hex') !== op.id) throw problem(`operation ${op.name ?? op.id}: id is not the sha256 of its body`);
    bodies.set(op.id, op.body);
  }
  return {
    size: bodies.size,
    has: (sha256) => bodies.has(sha256),
    // Keys are the manifest's ids as they are: Apollo must not prefix them.
    cache: PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation<string>({
      get: async (key) => bodies.get(key),
      set: async () => {},
      delete: async () => false,
    }),
  };
}

export function loadSafelist(path: string): Safelist {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`PERSISTED_QUERIES_SAFELIST=${JSON.stringify(path)}: ${(error as Error).message}`]);
  }
  return parseSafelist(text, path);
}

/**
 * Safelist mode: only registered operations run. A hash the list does not know gets Apollo's
 * PERSISTED_QUERY_NOT_FOUND (the APQ store is the manifest and cannot be added to); a query text
 * that is not registered, sent with or without a hash, gets FORBIDDEN (403) before planning.
 * Apollo hashes every query text it receives (`queryHash`), so the check is one lookup.
 */
export function usePersistedQuerySafelist(safelist: Safelist): ApolloServerPlugin<TesseraContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (rc.queryHash !== undefined && safelist.has(rc.queryHash)) return;
          throw requestError('FORBIDDEN', 'Only registered operations may run on this endpoint (persisted query safelist).');
        },
      };
    },
  };
}
