import type { Viewer } from '../auth/viewer.js';
import type { LimitSpec } from './limiter.js';

/** A request budget: `max` requests per `windowS` seconds. */
export interface RequestBudget {
  readonly max: number;
  readonly windowS: number;
}

/** Request-level limits per identity, with per-client profiles (chosen by client name). */
export interface ClientLimits {
  /** For every identity without a profile; absent: no request-level limit. */
  readonly default?: RequestBudget;
  /** By client name: the API key's client, the JWT's client claim, or `apollographql-client-name`. */
  readonly profiles?: Readonly<Record<string, RequestBudget>>;
  readonly onStoreError?: LimitSpec['onStoreError'];
}

/** Who a request counts against: the viewer in its credential's namespace (`user:1`, `apikey:1`), else the client IP. Pure. */
export function identityOf(viewer: Viewer, ip: string): string {
  return viewer.id ?? `ip:${ip}`;
}

/** The request limit that applies to a client, if any. Pure. */
export function requestLimitFor(limits: ClientLimits, clientName: string | undefined): LimitSpec | undefined {
  const profile = clientName !== undefined ? limits.profiles?.[clientName] : undefined;
  const budget = profile ?? limits.default;
  if (!budget) return undefined;
  return {
    name: profile ? `request:${clientName}` : 'request',
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
