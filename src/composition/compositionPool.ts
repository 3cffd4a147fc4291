import { Piscina } from 'piscina';
import { TesseraError } from '../errors/codes.js';
import { metrics } from '../observability/metrics.js';
import type { ComposeResult, CompositionTask, ResultOf, ValidateResult } from './worker/tasks.js';

export interface CompositionLimits {
  /** A task that takes longer (waiting included) is stopped: its worker is terminated. */
  readonly timeoutMs: number;
  /** The worker's heap; a task that needs more ends its worker and is refused. */
  readonly maxMemoryMb: number;
}

/** An idle worker exits after this long (its heap holds the composition libraries) and starts again on the next task. */
const IDLE_MS = 30_000;

/** Runs composition tasks off the serving thread. */
export interface Composer {
  /** Resolves the task's result; rejects with COMPOSITION_LIMIT_EXCEEDED when a limit stopped it. */
  run<T extends CompositionTask>(task: T): Promise<ResultOf<T>>;
  close(): Promise<void>;
}

// From the TypeScript sources (npm start, tests) the worker loads the task module through tsx;
// the built gateway (dist/) starts the compiled one directly.
const fromSources = import.meta.url.endsWith('.ts');
const taskModule = new URL(`./worker/tasks.${fromSources ? 'ts' : 'js'}`, import.meta.url).href;
const workerEntry = fromSources ? new URL('./worker/tsBoot.mjs', import.meta.url).href : taskModule;

const limitError = (task: CompositionTask, limits: CompositionLimits, reason: 'time' | 'memory') =>
  new TesseraError(
    'COMPOSITION_LIMIT_EXCEEDED',
    reason === 'time'
      ? `The ${task.kind === 'compose' ? 'composition' : 'supergraph check'} took longer than ${limits.timeoutMs} ms (COMPOSITION_TIMEOUT_MS) and was stopped; nothing changed.`
      : `The ${task.kind === 'compose' ? 'composition' : 'supergraph check'} needed more than ${limits.maxMemoryMb} MB (COMPOSITION_MAX_MEMORY_MB) and was stopped; nothing changed.`,
    { limit: reason === 'time' ? 'COMPOSITION_TIMEOUT_MS' : 'COMPOSITION_MAX_MEMORY_MB' },
  );

/**
 * One worker thread for composition and the checks on a candidate graph. One is enough: changes
 * are serialized by the registry, and a second thread would only compete with the serving one
 * for a core. A task past its time or memory limit takes its worker down with it; the next task
 * starts a fresh one.
 */
export function createCompositionPool(limits: CompositionLimits): Composer {
  const pool = new Piscina<CompositionTask, ComposeResult | ValidateResult>({
    filename: workerEntry,
    workerData: { entry: taskModule },
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: IDLE_MS,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb },
  });
  return {
    async run<T extends CompositionTask>(task: T): Promise<ResultOf<T>> {
      const stop = metrics.compositionSeconds.startTimer({ kind: task.kind });
      let outcome = 'error';
      try {
        const result = await pool.run(task, { signal: AbortSignal.timeout(limits.timeoutMs) });
        outcome = result.ok ? 'ok' : 'failed';
        return result as ResultOf<T>;
      } catch (error) {
        const e = error as Error & { code?: string };
        if (e.name === 'AbortError') {
          outcome = 'timeout';
          throw limitError(task, limits, 'time');
        }
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          outcome = 'memory';
          throw limitError(task, limits, 'memory');
        }
        throw error;
      } finally {
        stop({ outcome });
      }
    },
    close: () => pool.destroy(),
  };
}
