import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { TesseraError } from '../errors/codes.js';
import { compositionId } from './compose.js';
import type { Composer } from './compositionPool.js';
import type { SupergraphManager } from './supergraphManager.js';

/** Checks a supergraph file's SDL in the composition worker; throws every reason it is not one. */
export async function checkSupergraph(composer: Composer, supergraphSdl: string): Promise<string> {
  const result = await composer.run({ kind: 'validate', supergraphSdl });
  if (!result.ok) throw new TesseraError('COMPOSITION_FAILED', `Not a valid supergraph:\n${result.errors.map((e) => `  - ${e}`).join('\n')}`);
  return supergraphSdl;
}

/**
 * Serves a supergraph SDL file and swaps it in when the file changes. The directory is watched,
 * not the file, so editors and deploy tools that replace the file (write + rename) are seen too.
 * A file that does not load is logged and the served graph stays. The file is checked in the
 * composition worker first, so the serving thread only builds a graph known to be valid.
 */
export function watchSupergraphFile(path: string, manager: SupergraphManager, composer: Composer, log: Logger, debounceMs = 100): () => void {
  let timer: NodeJS.Timeout | undefined;
  const reload = async () => {
    try {
      const sdl = await readFile(path, 'utf8');
      const before = manager.state?.id;
      if (compositionId(sdl) === before) return;
      const state = await manager.apply(await checkSupergraph(composer, sdl));
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
