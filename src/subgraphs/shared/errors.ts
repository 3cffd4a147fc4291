import type { GraphQLError } from 'graphql';
import { fieldError } from '../../errors/codes.js';
import type { SubgraphContext } from '../context.js';
import { RestError } from '../rest/restClient.js';

/** `code: NOT_FOUND` for one missing object; `typename` and `key` say which. */
export function notFound(typename: string, key: string): GraphQLError {
  return fieldError('NOT_FOUND', `${typename} "${key}" was not found.`, { typename, key });
}

/** `field` is the path of the bad value inside the argument (`items[0].quantity`), when known. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return fieldError('BAD_USER_INPUT', message, field === undefined ? {} : { field });
}

/** The REST service `service` failed; the client learns which, not why (that goes to the log). */
export function unavailable(service: string, why: 'failed' | 'timeout' | 'breaker_open' = 'failed'): GraphQLError {
  switch (why) {
    case 'timeout':
      return fieldError('SUBGRAPH_TIMEOUT', `The ${service} service did not answer in time.`, { service });
    case 'breaker_open':
      return fieldError('SUBGRAPH_UNAVAILABLE', `The ${service} service is failing; its circuit breaker is open.`, { service, breaker: 'open' });
    default:
      return fieldError('SUBGRAPH_UNAVAILABLE', `The ${service} service is unavailable.`, { service });
  }
}

/**
 * Turns a failed REST call into the error the client sees. A 400 is the caller's fault and says
 * which field; a 404 for a known key is NOT_FOUND; anything else is the service's fault, logged
 * here with the detail the client does not get (status, path, cause).
 */
export function fromRestError(ctx: SubgraphContext, err: unknown, typename: string, key?: string): Error {
  if (!(err instanceof RestError)) return err instanceof Error ? err : new Error(String(err));
  if (err.kind === 'status' && err.status === 400) {
    const body = isRecord(err.body) ? err.body : {};
    const field = typeof body['field'] === 'string' ? body['field'] : undefined;
    const detail = typeof body['message'] === 'string' ? body['message'] : typeof body['error'] === 'string' ? body['error'] : 'is invalid';
    return badUserInput(field === undefined ? `Invalid input: ${detail}` : `${field} ${detail}`, field);
  }
  if (err.kind === 'status' && err.status === 404 && key !== undefined) return notFound(typename, key);
  if (err.kind === 'too_large') {
    ctx.log.warn({ err, service: err.service, path: err.path }, 'REST answer too large');
    return fieldError('RESPONSE_TOO_LARGE', `The ${err.service} service answered more than the gateway reads; its part of the data is missing.`, {
      service: err.service,
      limit: 'subgraphResponseBytes',
    });
  }
  // An open breaker is already known; one line per request would flood the log.
  if (err.kind === 'breaker_open') return unavailable(err.service, 'breaker_open');
  ctx.log.warn({ err, service: err.service, kind: err.kind, status: err.status, path: err.path }, 'REST call failed');
  return unavailable(err.service, err.kind === 'timeout' ? 'timeout' : 'failed');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
