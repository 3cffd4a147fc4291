import { createHash } from 'node:crypto';
import type { CacheHint, CacheScope } from '@apollo/cache-control-types';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLResponse } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { purgeTagsFor, type PurgeRules } from '../../cache/purgeRules.js';
import type { ResponseStore, StoredValue } from '../../cache/responseStore.js';
import { operationTag, responseTags, type TagOptions } from '../../cache/responseTags.js';
import { answerParts } from '../answer.js';
import type { TesseraContext } from '../context.js';

export interface UseResponseCacheOptions {
  readonly store: ResponseStore;
  /** The served composition; part of every key, so a new graph never serves old-shaped data. */
  readonly compositionId: () => string | undefined;
  /** Client headers whose values are part of every key (the propagated ones; see CacheConfig.keyHeaders). */
  readonly keyHeaders?: readonly string[];
  /** Which mutations purge what, and key fields for tags: one set, or the set for each supergraph as it loads. */
  readonly rules?: CacheRules | ((supergraphSdl: string | undefined) => CacheRules);
  /** Counts lookups (metrics hook). */
  readonly onLookup?: (result: 'hit' | 'miss') => void;
  /** Where failed purges are reported. */
  readonly onPurgeError?: (error: unknown) => void;
}

export interface CacheRules {
  /** Mutation field → tags it makes stale. */
  readonly purge?: PurgeRules;
  /** Key field per type for `Type:<key>` tags. Default `id`. */
  readonly keyFields?: TagOptions['keyFields'];
}

/** What is stored: only data (responses with errors are never stored) and the policy it was stored under. */
interface Entry {
  /** The data's JSON text, served as it is (see spliceStoredData.ts). */
  readonly json: string | Buffer;
  readonly maxAge: number;
  readonly scope: CacheScope;
  /** ms since the epoch. */
  readonly storedAt: number;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Whole-response cache, read in `responseForOperation` (after the policy has pruned the operation
 * in `didResolveOperation`, so a cached answer never bypasses auth or a limit) and written after
 * the response is sent.
 *
 * Scoping: PUBLIC entries are shared by every viewer with the same scopes (all anonymous viewers
 * share one); PRIVATE entries are keyed by the viewer's `sub` (and client) and never stored for a
 * viewer without one. Every key holds the composition id, the operation's hash (the pruned
 * document's, when the policy pruned it), the operation name, the variables and the value of each
 * propagated header (they reach subgraphs, so they may change the answer).
 * Policy: the overall cache policy the subgraphs reported (remote `Cache-Control`, in-process
 * `@cacheControl`); nothing with errors or without a positive maxAge is stored.
 * It needs useAnswer after it: a hit is recorded as a part of the answer (answer.ts), which
 * useAnswer puts in the body, and useAnswer hands the final answer back to be stored.
 */
export function useResponseCache({
  store,
  compositionId,
  keyHeaders = [],
  rules = {},
  onLookup,
  onPurgeError,
}: UseResponseCacheOptions): ApolloServerPlugin<TesseraContext> {
  // By the schema a request runs on, as the policy's rules are.
  const rulesBySchema = new WeakMap<GraphQLSchema, CacheRules>();
  const rulesOf = (schema: GraphQLSchema): CacheRules => {
    let found = rulesBySchema.get(schema);
    if (!found) rulesBySchema.set(schema, (found = typeof rules === 'function' ? rules(undefined) : rules));
    return found;
  };
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema, coreSupergraphSdl }) {
          rulesBySchema.set(apiSchema, typeof rules === 'function' ? rules(coreSupergraphSdl) : rules);
        },
      };
    },
    async requestDidStart() {
      // The schema a request runs on is fixed when it starts; so is the composition in its key.
      const composition = compositionId();
      return {
        async responseForOperation(rc): Promise<GraphQLResponse | null> {
          if (rc.operation?.operation !== 'query' || composition === undefined) return null;
          const viewer = rc.contextValue.viewer;
          const scopes = viewer.authenticated ? [...viewer.scopes].sort().join(' ') : '';
          const headers = rc.contextValue.headers;
          const base = [
            composition,
            rc.queryHash ?? '',
            rc.operationName ?? '',
            JSON.stringify(rc.request.variables ?? {}),
            viewer.authenticated ? `auth\n${scopes}` : 'anonymous',
            // Absent and empty are different values.
            JSON.stringify(keyHeaders.map((name) => headers[name] ?? null)),
          ].join('\n');
          const publicKey = sha256(`public\n${base}`);
          const privateKey = viewer.id === undefined ? undefined : sha256(`private\n${JSON.stringify([viewer.id, viewer.client ?? null])}\n${base}`);
          const values = await store.getMany(privateKey ? [privateKey, publicKey] : [publicKey]);
          const parts = answerParts(rc.request);
          const now = Date.now();
          for (const value of values) {
            const entry = value === undefined ? undefined : parseEntry(value);
            if (!entry) continue;
            const ageSeconds = Math.max(0, Math.floor((now - entry.storedAt) / 1000));
            if (ageSeconds >= entry.maxAge) continue;
            rc.overallCachePolicy.replace({ maxAge: entry.maxAge - ageSeconds, scope: entry.scope });
            parts.cache = { result: 'HIT', json: entry.json, ageSeconds };
            onLookup?.('hit');
            // A placeholder: useAnswer puts the stored data in its place (see answer.ts).
            return { body: { kind: 'single', singleResult: { data: {} } }, http: { status: undefined, headers: new HeaderMap() } };
          }
          onLookup?.('miss');
          parts.cache = { result: 'MISS' };
          parts.onReusable = ({ data, policy }) => {
            const key = policy.scope === 'PRIVATE' ? privateKey : publicKey;
            // After the answer is on its way: tags and serialization are not the client's wait.
            if (key !== undefined) setImmediate(() => void write(rc, key, data, policy).catch(() => undefined));
          };
          return null;
        },

        async willSendResponse(rc) {
          const { response } = rc;
          const { purge = {} } = rulesOf(rc.schema);
          if (response.body.kind === 'single' && rc.operation?.operation === 'mutation' && Object.keys(purge).length > 0) {
            await purgeAfterMutation(rc, response.body.singleResult.data, purge);
          }
        },
      };
    },
  };

  async function write(rc: GraphQLRequestContext<TesseraContext>, key: string, data: Record<string, unknown>, policy: Required<CacheHint>) {
    const tags = rc.operation && rc.document ? responseTags(rc.schema, rc.document, rc.operation, data, rc.request.variables ?? {}, { keyFields: rulesOf(rc.schema).keyFields }) : new Set<string>();
    if (rc.operationName) tags.add(operationTag(rc.operationName));
    await store.set(key, serializeEntry(JSON.stringify(data), policy.maxAge, policy.scope, Date.now()), policy.maxAge, [...tags]);
  }

  async function purgeAfterMutation(rc: GraphQLRequestContext<TesseraContext>, data: Record<string, unknown> | null | undefined, purgeRules: PurgeRules) {
    if (!rc.operation || data == null) return;
    let tags: string[];
    try {
      tags = purgeTagsFor(rc.schema, rc.operation, data, rc.request.variables ?? {}, purgeRules);
    } catch (error) {
      onPurgeError?.(error);
      return;
    }
    // Awaited: the client's next read must not see what this mutation changed as a hit.
    if (tags.length > 0 && (await store.purgeTags(tags)) === undefined) onPurgeError?.(new Error(`purge of ${tags.join(', ')} failed`));
  }
}

/**
 * `<storedAt> <maxAge> <scope>` on the first line, the data's JSON after it: one JSON.stringify to
 * write, and a hit reads only the first line, with no envelope around a big answer.
 */
function serializeEntry(json: string, maxAge: number, scope: CacheScope, storedAt: number): string {
  return `${storedAt} ${maxAge} ${scope}\n${json}`;
}

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function parseEntry(value: StoredValue): Entry | undefined {
  const text = typeof value === 'string';
  const newline = text ? value.indexOf('\n') : value.indexOf(NEWLINE);
  if (newline < 0) return undefined;
  const header = text ? value.slice(0, newline) : value.toString('latin1', 0, newline);
  const [at, age, scope] = header.split(' ');
  const storedAt = Number(at);
  const maxAge = Number(age);
  if (!Number.isFinite(storedAt) || !Number.isFinite(maxAge) || (scope !== 'PUBLIC' && scope !== 'PRIVATE')) return undefined;
  const json = text ? value.slice(newline + 1) : value.subarray(newline + 1);
  // Written by this plugin as an object's JSON; a value of another shape is not an entry.
  const first = text ? (json as string).charCodeAt(0) : (json as Buffer)[0];
  const last = text ? (json as string).charCodeAt(json.length - 1) : (json as Buffer)[json.length - 1];
  if (first !== OPEN_BRACE || last !== CLOSE_BRACE) return undefined;
  return { json, maxAge, scope, storedAt };
}
