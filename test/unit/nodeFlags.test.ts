import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS } from '../../src/nodeFlags.js';

it('`npm run gateway` runs with the flags the benchmark measures', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  for (const flag of GATEWAY_NODE_FLAGS) expect(pkg.scripts.gateway).toContain(flag);
});
