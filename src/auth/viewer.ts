/** The kind of credential a viewer presented. Each kind names its holders in a namespace of its own. */
export type CredentialKind = 'user' | 'apikey';

/** Who is asking. Built once per request from a verified token or API key; never from raw headers. */
export interface Viewer {
  /** `user` for a token, `apikey` for a partner key; undefined for the anonymous viewer. */
  readonly kind: CredentialKind | undefined;
  /**
   * The viewer in its credential's namespace, `user:<sub>` or `apikey:<id>`: what rate limits,
   * private cache entries and de-duplication are keyed by, so an API key with id `1` never shares
   * anything with user 1. Undefined for the anonymous viewer and a token without `sub`.
   */
  readonly id: string | undefined;
  /** A token's `sub`, the user id to compare with the graph's user ids. Never set for an API key. */
  readonly sub: string | undefined;
  /** An API key's configured id. Never set for a token. */
  readonly apiKey: string | undefined;
  readonly scopes: ReadonlySet<string>;
  /** The credential's client: the API key's `client`, the token's `client_id`/`azp`. Never a request header. */
  readonly client: string | undefined;
  readonly authenticated: boolean;
}

export const ANONYMOUS: Viewer = Object.freeze({
  kind: undefined,
  id: undefined,
  sub: undefined,
  apiKey: undefined,
  scopes: new Set<string>(),
  client: undefined,
  authenticated: false,
});

interface Credential {
  readonly scopes?: Iterable<string>;
  readonly client?: string | undefined;
}

/** The viewer of a verified token; `sub` may be absent (a client-credentials token). */
export function userViewer(sub: string | undefined, { scopes = [], client }: Credential = {}): Viewer {
  return Object.freeze({ kind: 'user', id: sub === undefined ? undefined : `user:${sub}`, sub, apiKey: undefined, scopes: new Set(scopes), client, authenticated: true });
}

/** The viewer of a partner API key. */
export function apiKeyViewer(id: string, { scopes = [], client }: Credential = {}): Viewer {
  return Object.freeze({ kind: 'apikey', id: `apikey:${id}`, sub: undefined, apiKey: id, scopes: new Set(scopes), client, authenticated: true });
}
