/** Who is asking. Built once per request from a verified token or API key; never from raw headers. */
export interface Viewer {
  /** `sub` of the token, or the API key's id; undefined for the anonymous viewer. */
  readonly sub: string | undefined;
  readonly scopes: ReadonlySet<string>;
  /** Client name (API key owner, JWT claim, or the `apollographql-client-name` header). */
  readonly client: string | undefined;
  readonly authenticated: boolean;
}

export const ANONYMOUS: Viewer = Object.freeze({
  sub: undefined,
  scopes: new Set<string>(),
  client: undefined,
  authenticated: false,
});
