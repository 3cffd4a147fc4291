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
  /** CPU of the mock services' process (every subgraph and REST service) per completed request. */
  readonly mocksCpuMsPerRequest: number;
}

/** Requests the mock services served for one gateway request, counted over a few sequential requests. */
export interface FetchCount {
  /** Calls to GraphQL subgraphs (what the gateway sent), per gateway request. */
  readonly subgraphs: number;
  /** The same, per subgraph. */
  readonly bySubgraph: Readonly<Record<string, number>>;
  /** Calls the REST-wrapped subgraphs made to the REST services, per gateway request. */
  readonly rest: number;
  /**
   * Subgraph calls per request when the same request arrives many times at once: below `subgraphs`
   * when a gateway shares one subgraph call among identical calls in flight.
   */
  readonly burst: number;
}

export interface Ratio {
  readonly rps: number;
  readonly cpuMsPerRequest: number;
  readonly peakRssMiB: number;
  readonly fetchesPerRequest: number;
}

export interface Row {
  readonly scenario: string;
  readonly config: string;
  readonly rounds: readonly Measurement[];
  readonly median: Measurement;
  readonly fetches?: FetchCount;
  /** This row's median divided by each reference's, for the same scenario; a reference has none to itself. */
  readonly ratios: Readonly<Record<string, Ratio>>;
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
    mocksCpuMsPerRequest: m((r) => r.mocksCpuMsPerRequest),
  };
}

/**
 * Builds rows (median of rounds) and each row's ratios to every reference measured in the same
 * scenario. `fetches` holds what the mocks counted per scenario and configuration.
 */
export function buildRows(
  measured: ReadonlyMap<string, ReadonlyMap<string, readonly Measurement[]>>,
  references: readonly string[],
  fetches: ReadonlyMap<string, ReadonlyMap<string, FetchCount>> = new Map(),
): Row[] {
  const rows: Row[] = [];
  for (const [scenario, byConfig] of measured) {
    const medians = new Map<string, Measurement>();
    for (const [config, rounds] of byConfig) if (rounds.length > 0) medians.set(config, medianOf(rounds));
    const counted = fetches.get(scenario);
    for (const [config, med] of medians) {
      const own = counted?.get(config);
      const ratios: Record<string, Ratio> = {};
      for (const reference of references) {
        const ref = medians.get(reference);
        if (!ref || reference === config) continue;
        ratios[reference] = {
          rps: med.rps / ref.rps,
          cpuMsPerRequest: med.cpuMsPerRequest / ref.cpuMsPerRequest,
          peakRssMiB: med.peakRssMiB / ref.peakRssMiB,
          fetchesPerRequest: (own?.subgraphs ?? Number.NaN) / (counted?.get(reference)?.subgraphs ?? Number.NaN),
        };
      }
      rows.push({ scenario, config, rounds: byConfig.get(config)!, median: med, ...(own ? { fetches: own } : {}), ratios });
    }
  }
  return rows;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const times = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : `${n.toFixed(n >= 10 ? 0 : 2)}×`);

/**
 * One Markdown table: the same text goes to the terminal and to docs/benchmarks.md. Each measured
 * column carries the row's ratio to every reference, in the order given (`–` for itself).
 */
export function formatTable(
  rows: readonly Row[],
  labels: Readonly<Record<string, string>> = {},
  references: readonly string[] = [],
): string {
  const refs = references.filter((r) => rows.some((row) => row.config === r));
  const against = refs.length > 0 ? ` (${refs.map((r) => `× ${r}`).join(' · ')})` : '';
  const withRatios = (value: string, row: Row, pick: (r: Ratio) => number) =>
    refs.length === 0 ? value : `${value} (${refs.map((r) => times(row.ratios[r] && pick(row.ratios[r]))).join(' · ')})`;
  const header = [
    'scenario',
    'configuration',
    `req/s${against}`,
    'p50 ms',
    'p99 ms',
    'errors',
    `CPU ms/req${against}`,
    `subgraph fetches/req${against}`,
    `peak RSS MiB${against}`,
  ];
  const body = rows.map((row) => {
    const m = row.median;
    const fetches = row.fetches?.subgraphs ?? Number.NaN;
    return [
      row.scenario,
      labels[row.config] ?? row.config,
      withRatios(fixed(m.rps, m.rps >= 100 ? 0 : 1), row, (r) => r.rps),
      fixed(m.p50Ms, 1),
      fixed(m.p99Ms, 1),
      String(m.errors),
      withRatios(fixed(m.cpuMsPerRequest, 2), row, (r) => r.cpuMsPerRequest),
      withRatios(fixed(fetches, Number.isInteger(fetches) ? 0 : 1), row, (r) => r.fetchesPerRequest),
      withRatios(fixed(m.peakRssMiB, 0), row, (r) => r.peakRssMiB),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/**
 * Where each row's subgraph fetches went, the calls per request in a burst of identical requests,
 * and the mocks' CPU per request under load, one line per row:
 * `heavy (a) …: 16 = inventory 7, … · REST calls 3 · in a burst 16 · mocks CPU 4.10 ms`.
 */
export function formatFetches(rows: readonly Row[], labels: Readonly<Record<string, string>> = {}): string {
  const per = (n: number) => fixed(n, Number.isInteger(n) ? 0 : 1);
  return rows
    .filter((row) => row.fetches)
    .map((row) => {
      const f = row.fetches!;
      const parts = Object.entries(f.bySubgraph)
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, n]) => `${name} ${per(n)}`);
      const cpu = fixed(row.median.mocksCpuMsPerRequest, 2);
      return `${row.scenario} ${labels[row.config] ?? row.config}: ${per(f.subgraphs)}${parts.length > 0 ? ` = ${parts.join(', ')}` : ''} · REST calls ${per(f.rest)} · in a burst ${per(f.burst)} · mocks CPU ${cpu} ms`;
    })
    .join('\n');
}
