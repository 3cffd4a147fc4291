import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { ROOT } from '../helpers/processes.js';
import { importsOf, sourceFiles } from '../helpers/sources.js';

/** The modules a file imports, re-exports or imports dynamically. */
const specifiersOf = (file: string, text?: string): string[] => importsOf(file, text).map((i) => i.specifier);

const inside = (file: string, dir: string) => !relative(dir, file).startsWith('..');
const SRC = join(ROOT, 'src');
const APP_FILES = [...sourceFiles(join(ROOT, 'app')), join(ROOT, 'tessera.config.ts')];

describe('the package boundary', () => {
  it('the engine (src/) imports nothing outside src/: not the demo app, its SDL or the mocks', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    const strays = files.flatMap((file) =>
      specifiersOf(file)
        .filter((spec) => spec.startsWith('.') && !inside(resolve(dirname(file), spec), SRC))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(strays).toEqual([]);
  });

  it('the demo app imports the engine only through the package name, as a team outside would', () => {
    expect(APP_FILES.length).toBeGreaterThan(20);
    const strays = APP_FILES.flatMap((file) =>
      specifiersOf(file)
        .filter((spec) => (spec.startsWith('.') ? inside(resolve(dirname(file), spec), SRC) : spec.startsWith('tessera-gateway/')))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(strays).toEqual([]);
    // It does use the package: the check above is not vacuous.
    expect(APP_FILES.filter((file) => specifiersOf(file).includes('tessera-gateway')).length).toBeGreaterThan(5);
  });

  it('the checks see what they look for', () => {
    const text = "import a from '../x.js';\nexport { b } from './y.js';\nconst c = await import('../../z.js');\nimport './side.js';\nimport type { T } from 'tessera-gateway';\n// import x from '../comment.js';";
    expect(specifiersOf('probe.ts', text).sort()).toEqual(['../../z.js', '../x.js', './side.js', './y.js', 'tessera-gateway']);
  });

  it('the public API has what a config file and an embedding program need', () => {
    for (const name of ['defineConfig', 'defineApp', 'isAuthenticated', 'hasScopes', 'rateLimit', 'rule', 'and', 'or', 'not', 'withSubgraphRules']) {
      expect(api, name).toHaveProperty(name);
    }
    for (const name of ['RestClient', 'buildLocalSubgraph', 'createBatchLoader', 'perRequest', 'restCallOptions', 'fromRestError', 'notFound', 'createGateway']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
