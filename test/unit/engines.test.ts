import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface Locked {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, Locked> };
const ours = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }).engines.node;

describe('installable on the Node Tessera supports, without engine warnings', () => {
  it('every locked package accepts the oldest Node that package.json engines allows', () => {
    const oldest = semver.minVersion(ours)!.version;
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, pkg]) => {
        const node = Array.isArray(pkg.engines) ? undefined : (pkg.engines as { node?: string } | undefined)?.node;
        return node && !semver.satisfies(oldest, node, { includePrerelease: true }) ? [`${path.replace(/^.*node_modules\//, '')}@${pkg.version}: node ${node}`] : [];
      });
    expect(refusing, `npm install on Node ${oldest} would print EBADENGINE for these`).toEqual([]);
  });

  it('and the Node running the tests is one of them', () => {
    expect(semver.satisfies(process.versions.node, ours)).toBe(true);
  });
});
