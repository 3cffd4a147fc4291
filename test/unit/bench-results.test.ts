import { describe, expect, it } from 'vitest';
import { buildRows, formatTable, median, medianOf, type Measurement } from '../../bench/lib/results.js';
import { originOf, summarizeProfile, type CpuProfile } from '../../bench/lib/cpuProfile.js';

const m = (rps: number, cpu: number, extra: Partial<Measurement> = {}): Measurement => ({
  requests: rps * 5,
  rps,
  p50Ms: 10,
  p99Ms: 20,
  errors: 0,
  cpuMsPerRequest: cpu,
  peakRssMiB: 100,
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

  it('gives each row its ratio to the reference of the same scenario', () => {
    const measured = new Map([
      ['heavy', new Map([['a', [m(50, 10)]], ['c', [m(150, 4)]]])],
      ['light', new Map([['a', [m(1000, 1)]], ['c', [m(500, 2)]]])],
    ]);
    const rows = buildRows(measured, 'a');
    const heavyC = rows.find((r) => r.scenario === 'heavy' && r.config === 'c')!;
    expect(heavyC.ratio?.rps).toBe(3);
    expect(heavyC.ratio?.cpuMsPerRequest).toBeCloseTo(0.4);
    expect(rows.find((r) => r.scenario === 'light' && r.config === 'c')!.ratio?.rps).toBe(0.5);
    expect(rows.find((r) => r.config === 'a')!.ratio).toBeUndefined();
  });

  it('prints one Markdown table with labels and ratios', () => {
    const rows = buildRows(new Map([['heavy', new Map([['a', [m(50, 10)]], ['b', [m(100, 5)]]])]]), 'a');
    const lines = formatTable(rows, { a: '(a) stock', b: '(b) Tessera' }).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\| scenario +\| configuration/);
    expect(lines[1]).toMatch(/^\|-+\|/);
    expect(lines[3]).toContain('(b) Tessera');
    expect(lines[3]).toContain('100 (2.00×)');
    expect(lines[3]).toContain('5.00 (0.50×)');
    // Every line has the same width, so the table reads in a terminal as well.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
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
