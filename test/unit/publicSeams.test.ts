import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Tessera uses other packages through their public entry points only, so any release within their
 * semver range installs without Tessera noticing: no module of another package is loaded by a path
 * inside it, and none is changed at run time.
 */
const FORBIDDEN: [string, RegExp][] = [
  ['writes or reads the require cache', /require\.cache/],
  ["patches Node's module loader", /Module\._(load|resolveFilename|cache|extensions)/],
  ["loads a file inside another package's dist/", /['"](?:@[\w-][\w.-]*\/)?[a-z][\w.-]*\/dist\//],
  ["assigns to another package's exports", /\bimport \* as (\w+)[^;]*;[\s\S]*\b\1\.\w+\s*=[^=]/],
];

describe('public seams', () => {
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'app')), join(ROOT, 'tessera.config.ts')];

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(FORBIDDEN)('no source %s', (what, pattern) => {
    const offenders = files.filter((file) => pattern.test(readFileSync(file, 'utf8'))).map((file) => `${relative(ROOT, file)} ${what}`);
    expect(offenders).toEqual([]);
  });

  it('the check finds what it looks for', () => {
    const samples = [
      "const x = require.cache[id];",
      "Module._load = patched;",
      "require('@apollo/gateway/dist/dataRewrites.js')",
      "import * as gw from '@apollo/gateway';\ngw.executeQueryPlan = mine;",
    ];
    samples.forEach((sample, i) => expect(FORBIDDEN[i]![1].test(sample)).toBe(true));
    expect(FORBIDDEN.some(([, pattern]) => pattern.test("import { x } from '../dist/y.js';\nconst a = b;"))).toBe(false);
  });
});
