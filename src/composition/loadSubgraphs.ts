import { readFile } from 'node:fs/promises';
import type { SubgraphSpec } from '../config/index.js';
import { TesseraError } from '../errors/codes.js';
import { compose, type SubgraphSdl } from './compose.js';
import { fetchSubgraphSdl } from './fetchSdl.js';

/** Every reason a set of subgraphs does not make a supergraph, one per line. */
export class CompositionFailedError extends TesseraError {
  constructor(readonly errors: readonly string[]) {
    super('COMPOSITION_FAILED', `Composition failed:\n${errors.map((e) => `  - ${e}`).join('\n')}`, { errors });
  }
}

export interface LoadOptions {
  readonly timeoutMs: number;
}

/** Gets each subgraph's SDL (file, inline, or `_service { sdl }`), all at once. Every failure is reported. */
export async function loadSubgraphSdls(specs: readonly SubgraphSpec[], options: LoadOptions): Promise<SubgraphSdl[]> {
  const results = await Promise.allSettled(
    specs.map(async (spec): Promise<SubgraphSdl> => {
      const { schema } = spec;
      const sdl =
        schema.kind === 'sdl'
          ? schema.sdl
          : schema.kind === 'file'
            ? await readFile(schema.path, 'utf8')
            : await fetchSubgraphSdl(schema.url, { timeoutMs: options.timeoutMs });
      return { name: spec.name, url: spec.routingUrl, sdl };
    }),
  );
  const errors = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`[${specs[i]!.name}] ${(r.reason as Error).message}`] : [],
  );
  if (errors.length > 0) throw new CompositionFailedError(errors);
  return results.map((r) => (r as PromiseFulfilledResult<SubgraphSdl>).value);
}

/** Loads and composes; throws `CompositionFailedError` listing every error. */
export async function composeFromSpecs(specs: readonly SubgraphSpec[], options: LoadOptions): Promise<string> {
  const result = compose(await loadSubgraphSdls(specs, options));
  if (!result.ok) throw new CompositionFailedError(result.errors.map((e) => e.message));
  return result.supergraphSdl;
}
