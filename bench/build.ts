// The benchmark runs compiled JavaScript, as production does: the engine, the demo app, the mocks
// and the bench's own launchers (tsconfig.bench.json), with the SDL files beside them. The build's
// package.json makes the demo app's `import … from 'tessera-gateway'` the engine compiled beside it.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export function buildForBench(root: string, outDir: string): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.bench.json'), '--outDir', outDir], { cwd: root, stdio: 'inherit' });
  cpSync(join(root, 'schema'), join(outDir, 'schema'), { recursive: true });
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ name: 'tessera-gateway', version, type: 'module', exports: { '.': './src/index.js' } }, null, 2)}\n`);
}
