import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import '../../src/app.js';
import { federationInternalsFlattened } from '../../src/gateway/flattenReExports.js';

const require = createRequire(import.meta.url);

describe('flattened re-exports', () => {
  it('@apollo/federation-internals is plain values, not getters', () => {
    const internals = require('@apollo/federation-internals') as Record<string, unknown>;
    for (const name of ['isCompositeType', 'Operation', 'ERRORS']) {
      const descriptor = Object.getOwnPropertyDescriptor(internals, name);
      expect(descriptor?.get).toBeUndefined();
      expect(descriptor?.value).toBeDefined();
    }
    expect(internals.__esModule).toBe(true);
  });

  it('was swapped before the gateway and the query planner loaded', () => {
    expect(federationInternalsFlattened).toBe(true);
  });
});
