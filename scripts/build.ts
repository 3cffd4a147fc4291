// Compiles the package (`npm run build`, also run by `npm pack`): the engine in `src/` to plain
// JavaScript with type declarations in `dist/`, which `exports` and `bin/tessera.js` point at.
// Nothing else is built: the demo app, mocks and tests are not part of the package.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(ROOT, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', resolve(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
