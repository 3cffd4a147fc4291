import { describe, expect, it } from 'vitest';
import { firstDifference } from '../../bench/lib/answers.js';
import { buildRows, formatFetches, formatTable, median, medianOf, type Measurement } from '../../bench/lib/results.js';
import { originOf, summarizeProfile, type CpuProfile } from '../../bench/lib/cpuProfile.js';

const m = (rps: number, cpu: number, extra: Partial<Measurement> = {}): Measurement => ({
  requests: rps * 5,
  rps,
  p50Ms: 10,
  p99Ms: 20,
  errors: 0,
  cpuMsPerRequest: cpu,
  peakRssMiB: 100,
  mocksCpuMsPerRequest: 2,
  ...extra,
});

describe('bench results', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('reduces rounds metric by metric, summing errors and keeping the highest peak RSS', () => {
    const reduced = medianOf([m(10, 3, { errors: 1, peakRssMiB: 90 }), m(30, 1, { peakRssMiB: 120 }), m(20, 2, { errors: 2 })]);
    expect(reduced.rps).toBe(20);
    expect(reduced.cpuMsPerRequest).toBe(2);
    expect(reduced.errors).toBe(3);
    expect(reduced.peakRssMiB).toBe(120);
  });

  it('gives each row its ratios to every reference of the same scenario, fetches included', () => {
    const measured = new Map([
      ['heavy', new Map([['a', [m(50, 10)]], ['h', [m(200, 2.5)]], ['c', [m(150, 4)]]])],
      ['light', new Map([['a', [m(1000, 1)]], ['c', [m(500, 2)]]])],
    ]);
    const fetches = new Map([
      [
        'heavy',
        new Map([
          ['a', { subgraphs: 16, bySubgraph: { inventory: 7, reviews: 9 }, rest: 3, burst: 16 }],
          ['h', { subgraphs: 8, bySubgraph: { inventory: 2, reviews: 6 }, rest: 3, burst: 1 }],
          ['c', { subgraphs: 12, bySubgraph: { inventory: 4, reviews: 8 }, rest: 3, burst: 12 }],
        ]),
      ],
    ]);
    const rows = buildRows(measured, ['a', 'h'], fetches);
    const heavyC = rows.find((r) => r.scenario === 'heavy' && r.config === 'c')!;
    expect(heavyC.ratios.a?.rps).toBe(3);
    expect(heavyC.ratios.a?.cpuMsPerRequest).toBeCloseTo(0.4);
    expect(heavyC.ratios.h?.rps).toBe(0.75);
    expect(heavyC.ratios.h?.cpuMsPerRequest).toBeCloseTo(1.6);
    expect(heavyC.ratios.a?.fetchesPerRequest).toBe(0.75);
    expect(heavyC.ratios.h?.fetchesPerRequest).toBe(1.5);
    // A reference has no ratio to itself, but has one to the other reference.
    const heavyA = rows.find((r) => r.scenario === 'heavy' && r.config === 'a')!;
    expect(Object.keys(heavyA.ratios)).toEqual(['h']);
    // No Hive row in the light scenario: only the ratio to (a), and no fetch counts.
    const lightC = rows.find((r) => r.scenario === 'light' && r.config === 'c')!;
    expect(lightC.ratios.a?.rps).toBe(0.5);
    expect(lightC.ratios.h).toBeUndefined();
    expect(lightC.fetches).toBeUndefined();
  });

  it('prints one Markdown table with labels and a ratio to each reference', () => {
    const fetches = new Map([
      [
        'heavy',
        new Map([
          ['a', { subgraphs: 16, bySubgraph: {}, rest: 0, burst: 16 }],
          ['h', { subgraphs: 8, bySubgraph: {}, rest: 0, burst: 1 }],
          ['b', { subgraphs: 8, bySubgraph: {}, rest: 0, burst: 8 }],
        ]),
      ],
    ]);
    const rows = buildRows(new Map([['heavy', new Map([['a', [m(50, 10)]], ['h', [m(200, 2)]], ['b', [m(100, 5)]]])]]), ['a', 'h'], fetches);
    const lines = formatTable(rows, { a: '(a) stock', h: '(h) Hive', b: '(b) Tessera' }, ['a', 'h']).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\| scenario +\| configuration +\| req\/s \(× a · × h\)/);
    expect(lines[1]).toMatch(/^\|-+\|/);
    expect(lines[2]).toContain('50.0 (– · 0.25×)');
    expect(lines[3]).toContain('200 (4.00× · –)');
    expect(lines[4]).toContain('(b) Tessera');
    expect(lines[4]).toContain('100 (2.00× · 0.50×)');
    expect(lines[4]).toContain('5.00 (0.50× · 2.50×)');
    expect(lines[4]).toContain('8 (0.50× · 1.00×)');
    // Every line has the same width, so the table reads in a terminal as well.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('prints where each row sent its subgraph fetches', () => {
    const rows = buildRows(
      new Map([['heavy', new Map([['a', [m(50, 10)]]])]]),
      ['a'],
      new Map([['heavy', new Map([['a', { subgraphs: 7.5, bySubgraph: { reviews: 2, inventory: 5.5, users: 0 }, rest: 3, burst: 0.875 }]])]]),
    );
    expect(formatFetches(rows, { a: '(a) stock' })).toBe('heavy (a) stock: 7.5 = inventory 5.5, reviews 2 · REST calls 3 · in a burst 0.9 · mocks CPU 2.00 ms');
  });
});

describe('answer comparison', () => {
  it('finds nothing between equal answers, whatever their key order', () => {
    expect(firstDifference({ data: { a: 1, b: [1, { c: null }] } }, { data: { b: [1, { c: null }], a: 1 } })).toBeUndefined();
  });

  it('names the path of the first difference', () => {
    const expected = { data: { users: [{ id: '1', name: 'Ada' }, { id: '2', name: 'Lin' }] } };
    expect(firstDifference(expected, { data: { users: [{ id: '1', name: 'Ada' }, { id: '2', name: null }] } })).toBe(
      'data.users[1].name: "Lin" ≠ null',
    );
    expect(firstDifference(expected, { data: { users: [{ id: '1', name: 'Ada' }] } })).toBe('data.users: 2 items ≠ 1');
    expect(firstDifference(expected, { data: null })).toBe('data: {"users":[{"id":"1","name":"Ada"},{"id":"2","name":"Lin"}]} ≠ null');
    expect(firstDifference({ data: { a: 1 } }, { data: { a: 1 }, errors: [] })).toBe('errors: not expected ([])');
    expect(firstDifference({ data: { a: 1 } }, {})).toBe('data: missing');
  });
});

describe('cpu profile summary', () => {
  const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
  const profile: CpuProfile = {
    startTime: 0,
    endTime: 10_000,
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4, 5] },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('updateOutputValue', 'file:///x/node_modules/@apollo/gateway/dist/resultShaping.js', 145) },
      { id: 4, callFrame: frame('process', 'file:///x/src/gateway/subgraphCall/httpTransport.ts', 0) },
      { id: 5, callFrame: frame('(garbage collector)', '') },
    ],
    // Each delta is charged to the sample before it.
    samples: [3, 3, 4, 5, 2, 3],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
  };

  it('ranks functions by self time and leaves idle out of busy time', () => {
    const summary = summarizeProfile(profile, 10);
    expect(summary.totalMs).toBe(5);
    expect(summary.busyMs).toBe(4);
    expect(summary.gcMs).toBe(1);
    expect(summary.top[0]).toMatchObject({ name: 'updateOutputValue (@apollo/gateway/dist/resultShaping.js:146)', selfMs: 2 });
    expect(summary.top.map((f) => f.name)).not.toContain('(idle)');
    expect(summary.byOrigin.find((o) => o.origin === 'app')?.selfMs).toBe(1);
  });

  it('falls back to hit counts when there are no samples', () => {
    const summary = summarizeProfile({
      startTime: 0,
      endTime: 4_000,
      nodes: [
        { id: 1, callFrame: frame('a', 'node:internal/x'), hitCount: 3 },
        { id: 2, callFrame: frame('b', 'file:///x/node_modules/undici/index.js'), hitCount: 1 },
      ],
    });
    expect(summary.top.map((f) => [f.name.split(' ')[0], f.selfMs])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });

  it('names where code comes from', () => {
    expect(originOf('file:///r/node_modules/@apollo/gateway/dist/a.js')).toBe('@apollo/gateway');
    expect(originOf('file:///r/node_modules/.pnpm/x/node_modules/undici/lib/a.js')).toBe('undici');
    expect(originOf('node:internal/streams')).toBe('node');
    expect(originOf('file:///r/src/app.ts')).toBe('app');
  });
});
