/** The benchmark's numbers and how they are reduced and printed. Pure: data in, data out. */

export interface Measurement {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Non-2xx answers, GraphQL errors seen in bodies, connection errors and timeouts. */
  readonly errors: number;
  /** Gateway CPU (user + system, every process of the gateway) per completed request. */
  readonly cpuMsPerRequest: number;
  /** Peak resident set size of the gateway so far (sum over its processes), MiB. */
  readonly peakRssMiB: number;
}

export interface Row {
  readonly scenario: string;
  readonly config: string;
  readonly rounds: readonly Measurement[];
  readonly median: Measurement;
  /** This row's median divided by the reference's, for the same scenario; absent for the reference itself. */
  readonly ratio?: { readonly rps: number; readonly cpuMsPerRequest: number; readonly peakRssMiB: number };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of each metric on its own (errors are summed: one error in any round counts). */
export function medianOf(rounds: readonly Measurement[]): Measurement {
  const m = (pick: (r: Measurement) => number) => median(rounds.map(pick));
  return {
    requests: m((r) => r.requests),
    rps: m((r) => r.rps),
    p50Ms: m((r) => r.p50Ms),
    p99Ms: m((r) => r.p99Ms),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    cpuMsPerRequest: m((r) => r.cpuMsPerRequest),
    peakRssMiB: Math.max(...rounds.map((r) => r.peakRssMiB)),
  };
}

/** Builds rows (median of rounds) and each row's ratio to `reference` in the same scenario. */
export function buildRows(
  measured: ReadonlyMap<string, ReadonlyMap<string, readonly Measurement[]>>,
  reference: string,
): Row[] {
  const rows: Row[] = [];
  for (const [scenario, byConfig] of measured) {
    const refRounds = byConfig.get(reference);
    const ref = refRounds && refRounds.length > 0 ? medianOf(refRounds) : undefined;
    for (const [config, rounds] of byConfig) {
      if (rounds.length === 0) continue;
      const med = medianOf(rounds);
      const ratio =
        ref && config !== reference
          ? {
              rps: med.rps / ref.rps,
              cpuMsPerRequest: med.cpuMsPerRequest / ref.cpuMsPerRequest,
              peakRssMiB: med.peakRssMiB / ref.peakRssMiB,
            }
          : undefined;
      rows.push({ scenario, config, rounds, median: med, ...(ratio ? { ratio } : {}) });
    }
  }
  return rows;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const times = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '' : ` (${n.toFixed(n >= 10 ? 0 : 2)}×)`);

/** One Markdown table: the same text goes to the terminal and to docs/benchmarks.md. */
export function formatTable(rows: readonly Row[], labels: Readonly<Record<string, string>> = {}): string {
  const header = ['scenario', 'configuration', 'req/s (× a)', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/req (× a)', 'peak RSS MiB (× a)'];
  const body = rows.map((row) => {
    const m = row.median;
    return [
      row.scenario,
      labels[row.config] ?? row.config,
      `${fixed(m.rps, m.rps >= 100 ? 0 : 1)}${times(row.ratio?.rps)}`,
      fixed(m.p50Ms, 1),
      fixed(m.p99Ms, 1),
      String(m.errors),
      `${fixed(m.cpuMsPerRequest, 2)}${times(row.ratio?.cpuMsPerRequest)}`,
      `${fixed(m.peakRssMiB, 0)}${times(row.ratio?.peakRssMiB)}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
