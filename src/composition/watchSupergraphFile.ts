import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import type { SupergraphManager } from './supergraphManager.js';

/**
 * Serves a supergraph SDL file and swaps it in when the file changes. The directory is watched,
 * not the file, so editors and deploy tools that replace the file (write + rename) are seen too.
 * A file that does not load is logged and the served graph stays.
 */
export function watchSupergraphFile(path: string, manager: SupergraphManager, log: Logger, debounceMs = 100): () => void {
  let timer: NodeJS.Timeout | undefined;
  const reload = async () => {
    try {
      const sdl = await readFile(path, 'utf8');
      const before = manager.state?.id;
      const state = await manager.apply(sdl);
      if (state.id !== before) log.info({ compositionId: state.id, path }, 'supergraph file reloaded');
    } catch (error) {
      log.error({ err: error, path }, 'supergraph file rejected; still serving the previous graph');
    }
  };
  const watcher: FSWatcher = watch(dirname(path), (_event, file) => {
    if (file && file !== basename(path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  });
  watcher.unref();
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
