import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Logger } from 'pino';
import { graphqlError } from '../../errors/codes.js';
import { identityOf, requestLimitFor, type ClientLimits } from '../../ratelimit/clientLimits.js';
import type { RateLimiter, Spend } from '../../ratelimit/limiter.js';
import type { TesseraContext } from '../context.js';

export interface RequestRateLimitOptions {
  readonly limiter: RateLimiter;
  readonly limits: ClientLimits;
  readonly log: Logger;
  /** Told of every rejection, for metrics. */
  readonly onReject?: (rule: string, client: string) => void;
}

const CLIENT_NAME_HEADER = 'apollographql-client-name';

/** IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers), as Kong and Envoy send them. */
function rateLimitHeaders(spend: Spend): [string, string][] {
  return [
    ['ratelimit-limit', String(spend.limit)],
    ['ratelimit-remaining', String(spend.remaining)],
    ['ratelimit-reset', String(spend.resetS)],
  ];
}

/**
 * Request-level limits per identity and client profile. Every operation counts, batched ones too.
 * Over the limit: HTTP 429 with `Retry-After` and `RateLimit-*`, and a GraphQL error body.
 */
export function useRequestRateLimit({ limiter, limits, log, onReject }: RequestRateLimitOptions): ApolloServerPlugin<TesseraContext> {
  return {
    async requestDidStart() {
      let spent: Spend | undefined;
      return {
        async didResolveOperation({ contextValue: ctx }) {
          const clientName = ctx.viewer.client ?? ctx.headers[CLIENT_NAME_HEADER];
          const spec = requestLimitFor(limits, clientName);
          if (!spec) return;
          spent = await limiter.spend(spec, identityOf(ctx.viewer, ctx.ip));
          if (spent.allowed > 0) return;
          const client = clientName ?? 'unknown';
          onReject?.(spec.name, client);
          log.warn({ reqId: ctx.requestId, rule: spec.name, client, degraded: spent.degraded }, 'request rate limited');
          const headers = new HeaderMap([['retry-after', String(spent.resetS)], ...rateLimitHeaders(spent)]);
          throw graphqlError('RATE_LIMITED', `Too many requests; retry in ${spent.resetS} s.`, {
            retryAfter: spent.resetS,
            http: { status: 429, headers },
          });
        },
        async willSendResponse({ response }) {
          if (!spent || spent.allowed === 0) return;
          for (const [name, value] of rateLimitHeaders(spent)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
