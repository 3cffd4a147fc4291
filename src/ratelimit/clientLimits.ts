import type { Viewer } from '../auth/viewer.js';
import type { LimitSpec } from './limiter.js';

/** A request budget: `max` requests per `windowS` seconds. */
export interface RequestBudget {
  readonly max: number;
  readonly windowS: number;
}

/** A client profile's budget, and whether the caller's own `apollographql-client-name` may choose it. */
export interface ClientProfile extends RequestBudget {
  /**
   * Chosen by the `apollographql-client-name` header as well as by a credential's client. Off by
   * default: the header is the caller's own word, so each name it may choose is one more budget
   * for the same identity. Turn it on only for a profile no more generous than the default.
   */
  readonly fromHeader?: boolean;
}

/** Request-level limits per identity, with per-client profiles (chosen by client name). */
export interface ClientLimits {
  /** For every identity without a profile; absent: no request-level limit. */
  readonly default?: RequestBudget;
  /** By client name: the credential's client (API key `client`, token `client_id`/`azp`), or the header where the profile allows it. */
  readonly profiles?: Readonly<Record<string, ClientProfile>>;
  readonly onStoreError?: LimitSpec['onStoreError'];
}

/** Who a request counts against: the viewer in its credential's namespace (`user:1`, `apikey:1`), else the client IP. Pure. */
export function identityOf(viewer: Viewer, ip: string): string {
  return viewer.id ?? `ip:${ip}`;
}

/**
 * The client profile a request falls under: the credential's client, else the client-name header
 * when that profile lets the header choose it. Pure.
 */
export function profileOf(limits: ClientLimits, credentialClient: string | undefined, headerClient: string | undefined): string | undefined {
  const profiles = limits.profiles;
  if (!profiles) return undefined;
  if (credentialClient !== undefined && Object.hasOwn(profiles, credentialClient)) return credentialClient;
  if (headerClient !== undefined && Object.hasOwn(profiles, headerClient) && profiles[headerClient]!.fromHeader === true) return headerClient;
  return undefined;
}

/** The request limit of a profile (undefined: the default), if any. Pure. */
export function requestLimitFor(limits: ClientLimits, profile: string | undefined): LimitSpec | undefined {
  const chosen = profile !== undefined ? limits.profiles?.[profile] : undefined;
  const budget = chosen ?? limits.default;
  if (!budget) return undefined;
  return {
    name: chosen ? `request:${profile}` : 'request',
    max: budget.max,
    windowS: budget.windowS,
    onStoreError: limits.onStoreError,
  };
}

/** `100/60s`, `10/1s`, `5000/1h` → a budget; throws naming the bad text. */
export function parseBudget(text: string): RequestBudget {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*(s|m|h)?\s*$/.exec(text);
  if (!match) throw new TypeError(`A rate limit is written like "100/60s", not ${JSON.stringify(text)}`);
  const unit = match[3] === 'h' ? 3600 : match[3] === 'm' ? 60 : 1;
  const budget = { max: Number(match[1]), windowS: Number(match[2]) * unit };
  if (budget.max < 1 || budget.windowS < 1) throw new TypeError(`A rate limit needs max ≥ 1 and a window ≥ 1 s: ${JSON.stringify(text)}`);
  return budget;
}
