import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** JSON logs on stdout. Credentials never reach a log line: pino's `redact` removes them. */
export function createLogger(
  level: LevelWithSilent,
  destination?: NodeJS.WritableStream,
  /** Extra fields on every line, e.g. the active trace id (`traceLogMixin`). */
  mixin?: () => Record<string, unknown>,
): Logger {
  return pino(
    {
      level,
      ...(mixin ? { mixin } : {}),
      base: { service: 'tessera' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-api-key"]',
          'headers.authorization',
          'headers.cookie',
          'headers["x-api-key"]',
          'token',
        ],
        censor: '[redacted]',
      },
    },
    destination as DestinationStream | undefined,
  );
}
