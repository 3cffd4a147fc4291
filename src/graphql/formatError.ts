import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ERROR_CODES, TesseraError, type ErrorCode } from '../errors/codes.js';

const OWN_CODES = new Set<string>(Object.keys(ERROR_CODES));

/**
 * graphql-js ends many messages with `Did you mean "secretField"?` (validation, variable and
 * enum coercion): a way to read the schema without introspection. Production drops them.
 */
export const withoutSuggestions = (message: string): string => message.replace(/ ?Did you mean .+\?$/s, '');

/** A production stand-in for an error: the table's message for `code`, at the same path. */
function replacement(code: ErrorCode, formatted: GraphQLFormattedError, extensions: Record<string, unknown> = {}): GraphQLFormattedError {
  return { message: ERROR_CODES[code].message, ...(formatted.path ? { path: formatted.path } : {}), extensions: { ...extensions, code } };
}

/** The error without a stack trace: Apollo's own, or one a subgraph sent along. */
function withoutStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions || 'exception' in formatted.extensions)) return formatted;
  const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

/**
 * Shapes errors for clients. In production, what a subgraph said about its own failure
 * (messages, stack traces, internal codes) is replaced by a generic message; Tessera's own
 * codes are stable and safe, so they pass, without field suggestions. Outside production
 * messages pass as they are, and stack traces only when asked for (`stacktraces`).
 */
export function createFormatError(production: boolean, stacktraces = false) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof TesseraError) {
      return { ...formatted, message: original.message, extensions: { ...formatted.extensions, ...original.extensions, code: original.code } };
    }
    if (!production) return stacktraces ? formatted : withoutStack(formatted);
    const code = formatted.extensions?.code;
    const serviceName = formatted.extensions?.serviceName;
    if (typeof code === 'string' && OWN_CODES.has(code) && code !== 'INTERNAL_SERVER_ERROR') {
      return { ...withoutStack(formatted), message: withoutSuggestions(formatted.message) };
    }
    if (serviceName !== undefined) return replacement('DOWNSTREAM_SERVICE_ERROR', formatted, { serviceName });
    return replacement('INTERNAL_SERVER_ERROR', formatted);
  };
}
