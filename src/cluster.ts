import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

export interface ClusterOptions {
  /** Worker processes to run; they share the listening port (node:cluster hands out connections). */
  readonly workers: number;
  readonly log: Logger;
  /** How long a worker may take to drain after SIGTERM before it is killed. */
  readonly graceMs: number;
  /** A worker that dies sooner than this after it started is restarted only after `restartDelayMs`. */
  readonly crashWindowMs?: number;
  readonly restartDelayMs?: number;
}

/**
 * Multi-process mode (`TESSERA_WORKERS` > 1), for machines with cores to spare. Returns true in
 * the primary, which only supervises: forks the workers, restarts one that dies, and on
 * SIGTERM/SIGINT forwards SIGTERM so each worker drains (readiness 503, requests in flight
 * finish) before the primary exits. Returns false in a worker, which then starts the app as usual.
 * State lives in Redis when scaled out, so workers are as interchangeable as replicas.
 */
export function startCluster({ workers, log, graceMs, crashWindowMs = 5_000, restartDelayMs = 1_000 }: ClusterOptions): boolean {
  if (!cluster.isPrimary) return false;
  let stopping = false;
  const startedAt = new Map<Worker, number>();
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
  };
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (startedAt.size === 0) process.exit(0);
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
    // A worker that cannot start would otherwise be re-forked in a tight loop.
    if (lived < crashWindowMs) setTimeout(fork, restartDelayMs).unref();
    else fork();
  });
  for (let i = 0; i < workers; i++) fork();
  log.info({ workers }, 'cluster primary started');

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: startedAt.size }, 'stopping workers');
    if (startedAt.size === 0) process.exit(0);
    for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      log.error('workers did not stop within the grace period; killing them');
      for (const worker of startedAt.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, graceMs + 2_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return true;
}
