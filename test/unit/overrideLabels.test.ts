import { Supergraph } from '@apollo/federation-internals';
import { describe, expect, it } from 'vitest';
import { overrideLabels, overrideLabelsIn } from '../../src/gateway/overrideLabels.js';
import { supergraphOf } from '../helpers/supergraph.js';

const subgraph = (name: string, fields: string) => ({
  name,
  url: `http://127.0.0.1:1/${name}`,
  sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])
    type Query { ${name}: Int }
    type T @key(fields: "id") { id: ID! ${fields} }`,
});

describe('progressive override labels', () => {
  it('finds every label of the supergraph, once, in a fixed order', () => {
    const sdl = supergraphOf([
      subgraph('old', 'a: Int b: Int c: Int d: Int'),
      subgraph('new', `a: Int @override(from: "old", label: "percent(25)")
        b: Int @override(from: "old", label: "beta")
        c: Int @override(from: "old", label: "beta")
        d: Int @override(from: "old")`),
    ]);
    expect(overrideLabelsIn(Supergraph.build(sdl))).toEqual(['beta', 'percent(25)']);
  });

  it('draws percentage labels per request and keeps custom labels as the operator set them', () => {
    const chooser = overrideLabels(['beta', 'gamma', 'percent(25)', 'percent(0)', 'percent(100)', 'percent(12.5)'], new Set(['gamma']));
    const low = chooser.draw(() => 0.1); // 10 %: under 25 and 12.5
    expect([...low.conditions]).toEqual([
      ['beta', false],
      ['gamma', true],
      ['percent(25)', true],
      ['percent(0)', false],
      ['percent(100)', true],
      ['percent(12.5)', true],
    ]);
    const high = chooser.draw(() => 0.999);
    expect([...high.conditions].filter(([, on]) => on).map(([label]) => label)).toEqual(['gamma', 'percent(100)']);
    // Different outcomes plan differently, so their keys differ; equal outcomes share a plan.
    expect(low.key).not.toBe(high.key);
    expect(chooser.draw(() => 0.11).key).toBe(low.key);
    expect(chooser.draw(() => 0.2).key).not.toBe(chooser.draw(() => 0.3).key);
  });

  it('treats a label that is not a valid percentage as a custom label', () => {
    const chooser = overrideLabels(['percent(101)', 'percent(x)', 'percent(50'], new Set());
    expect([...chooser.draw(() => 0).conditions.values()]).toEqual([false, false, false]);
  });
});
