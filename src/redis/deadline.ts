/**
 * Rejects after `ms` unless `work` settled first; a rejection `work` makes later is dropped. The
 * clients queue nothing while a node is away, but a node that hangs with its connection open would
 * hold a command for ever: each feature bounds its commands with this.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
