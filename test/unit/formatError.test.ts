import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../src/errors/codes.js';
import { createFormatError } from '../../src/graphql/formatError.js';

// What a remote subgraph said about its own failure, as the gateway hands it to Apollo Server.
const fromSubgraph: GraphQLFormattedError = {
  message: 'db password is hunter2',
  path: ['boom'],
  extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'shipping', stacktrace: ['at db.ts:1'] },
};

describe('formatError', () => {
  it('in production replaces what a subgraph says about itself with a generic error naming the subgraph', () => {
    const format = createFormatError(true);
    expect(format(fromSubgraph, new GraphQLError(fromSubgraph.message))).toEqual({
      message: 'Subgraph errors redacted',
      path: ['boom'],
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'shipping' },
    });
  });

  it('in production keeps Tessera’s own codes, without stack traces', () => {
    const format = createFormatError(true);
    const own: GraphQLFormattedError = {
      message: 'Order "9" was not found.',
      path: ['order'],
      extensions: { code: 'NOT_FOUND', serviceName: 'orders', stacktrace: ['at x'] },
    };
    expect(format(own, new GraphQLError(own.message))).toEqual({
      message: 'Order "9" was not found.',
      path: ['order'],
      extensions: { code: 'NOT_FOUND', serviceName: 'orders' },
    });
  });

  it('in production hides an unexpected gateway error behind INTERNAL_SERVER_ERROR', () => {
    const format = createFormatError(true);
    const formatted = format({ message: 'TypeError: x is undefined', extensions: { code: 'SOMETHING' } }, new Error('x'));
    expect(formatted).toEqual({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('outside production passes a subgraph’s error as it came, its stack trace only when asked for', () => {
    const { stacktrace: _stack, ...withoutStack } = fromSubgraph.extensions!;
    expect(createFormatError(false)(fromSubgraph, new GraphQLError(fromSubgraph.message))).toEqual({ ...fromSubgraph, extensions: withoutStack });
    expect(createFormatError(false, true)(fromSubgraph, new GraphQLError(fromSubgraph.message))).toBe(fromSubgraph);
  });

  it('gives a TesseraError its code and message everywhere', () => {
    const error = new TesseraError('RATE_LIMITED', 'slow down', { retryAfter: 3 });
    for (const production of [true, false]) {
      const formatted = createFormatError(production)({ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
      expect(formatted).toMatchObject({ message: 'slow down', extensions: { code: 'RATE_LIMITED', retryAfter: 3 } });
    }
  });
});
