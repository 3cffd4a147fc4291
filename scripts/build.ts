// Compiles Tessera to plain JavaScript for production (`npm run build`, into `dist/`; or into the
// directory given): `npm run gateway` then runs without a TypeScript loader in the process, which
// saves start-up time and some 40 MiB of memory. The SDL files and package.json are read at run
// time, so they are copied beside the code.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(ROOT, process.argv[2] ?? 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', resolve(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
cpSync(resolve(ROOT, 'schema'), resolve(outDir, 'schema'), { recursive: true });
// Beside the code as in a checkout: `tessera --version` reads it, and it says the files are ES modules.
cpSync(resolve(ROOT, 'package.json'), resolve(outDir, 'package.json'));
