import { describe, expect, it } from 'vitest';
import { compose } from '../../src/composition/compose.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const a = { name: 'a', url: 'http://a', sdl: `${LINK}\ntype Query { a: Thing } type Thing @key(fields: "id") { id: ID! name: String }` };
const b = { name: 'b', url: 'http://b', sdl: `${LINK}\ntype Thing @key(fields: "id") { id: ID! price: Float }` };

describe('compose', () => {
  it('composes and gives a stable id whatever the order', () => {
    const one = compose([a, b]);
    const two = compose([b, a]);
    expect(one.ok && two.ok).toBe(true);
    if (one.ok && two.ok) {
      expect(one.id).toBe(two.id);
      expect(one.supergraphSdl).toContain('price: Float');
    }
  });

  it('returns every error for a conflict', () => {
    const bad = { name: 'c', url: 'http://c', sdl: `${LINK}\ntype Thing @key(fields: "id") { id: ID! name: Int }` };
    const result = compose([a, b, bad]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.message).join('\n')).toMatch(/name/);
  });

  it('reports unparsable SDL by subgraph', () => {
    const result = compose([a, { name: 'broken', url: 'http://x', sdl: 'type {' }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toContain('[broken]');
  });
});
