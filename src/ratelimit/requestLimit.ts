import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer.js';
import { requestError } from '../errors/codes.js';
import { identityOf, profileOf, requestLimitFor, type ClientLimits } from './clientLimits.js';
import type { RateLimiter, Spend } from './limiter.js';

export interface RequestLimitOptions {
  readonly limiter: RateLimiter;
  readonly limits: ClientLimits;
  readonly log: Logger;
  /** Told of every refusal, with the profile (undefined: the default budget), for metrics. */
  readonly onReject?: (rule: string, profile: string | undefined) => void;
}

/** Who a request is from, as far as its budget goes. */
export interface Caller {
  readonly viewer: Viewer;
  readonly ip: string;
  /** The `apollographql-client-name` header, which chooses only the profiles that allow it. */
  readonly clientName: string | undefined;
  readonly requestId: string;
}

/** The outcome of spending: the `RateLimit-*` headers to send, and the 429 when refused. */
export interface RequestSpend {
  readonly headers: readonly [string, string][];
  readonly refused: GraphQLError | undefined;
}

/** Request-level limits per identity and client profile. */
export interface RequestLimit {
  /**
   * Spends `operations` (one per operation of the HTTP request) from the caller's budget, before
   * anything else about the request is read: a request refused at parse, validation or an APQ
   * miss costs like any other. When they do not all fit, the whole request is refused.
   */
  spend(caller: Caller, operations: number): Promise<RequestSpend>;
}

/** IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers), as Kong and Envoy send them. */
function rateLimitHeaders(spend: Spend): [string, string][] {
  return [
    ['ratelimit-limit', String(spend.limit)],
    ['ratelimit-remaining', String(spend.remaining)],
    ['ratelimit-reset', String(spend.resetS)],
  ];
}

const NOTHING: RequestSpend = Object.freeze({ headers: [], refused: undefined });

export function createRequestLimit({ limiter, limits, log, onReject }: RequestLimitOptions): RequestLimit {
  return {
    async spend(caller, operations) {
      const profile = profileOf(limits, caller.viewer.client, caller.clientName);
      const spec = requestLimitFor(limits, profile);
      if (!spec) return NOTHING;
      const spent = await limiter.spend(spec, identityOf(caller.viewer, caller.ip), operations);
      const headers = rateLimitHeaders(spent);
      if (spent.allowed >= operations) return { headers, refused: undefined };
      onReject?.(spec.name, profile);
      log.warn({ reqId: caller.requestId, rule: spec.name, client: profile ?? caller.viewer.client, degraded: spent.degraded }, 'request rate limited');
      const refused = requestError('RATE_LIMITED', `Too many requests; retry in ${spent.resetS} s.`, { retryAfter: spent.resetS }, [
        ['retry-after', String(spent.resetS)],
        ...headers,
      ]);
      return { headers, refused };
    },
  };
}
