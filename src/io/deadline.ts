/**
 * Rejects after `ms` (with `message`) unless `work` settled first; a rejection `work` makes later
 * is dropped, never unhandled. For work the caller cannot cancel that must not hold a request (or
 * a publish) for ever: a Redis node that hangs with its connection open, a planner that ignores
 * abort signals.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
