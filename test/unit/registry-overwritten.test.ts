import { describe, expect, it } from 'vitest';
import { overwrittenBy } from '../../src/registry/registryStore.js';
import { registration as reg } from '../helpers/registryFixtures.js';


describe('what putting a served set back would overwrite', () => {
  const served = { version: 7, subgraphs: [reg('a'), reg('b')] };

  it('nothing when the store lost everything or holds only what is served', () => {
    expect(overwrittenBy(served, { version: 0, subgraphs: [] })).toEqual([]);
    // An older backup that registered a subset, at the same URLs and schemas; when and by whom do not matter.
    expect(overwrittenBy(served, { version: 3, subgraphs: [reg('b', { registeredAt: 'later', registeredBy: 'jwt:x' })] })).toEqual([]);
  });

  it('every stored registration that is not served, or served at another URL or schema', () => {
    const store = { version: 3, subgraphs: [reg('z'), reg('a', { url: 'http://127.0.0.1/moved' }), reg('b', { sdlHash: 'older' }), reg('c')] };
    expect(overwrittenBy(served, store)).toEqual(['a', 'b', 'c', 'z']);
  });
});
