/** One sample of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface Exposition {
  readonly types: Map<string, string>;
  readonly samples: Sample[];
  /** Sum of the samples of `name` whose labels include `labels`. */
  value(name: string, labels?: Record<string, string>): number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseValue(text: string, line: string): number {
  // Prometheus reads values with Go's ParseFloat: Inf and NaN in any case.
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`Bad value in: ${line}`);
  return value;
}

/** Parses the Prometheus text exposition format (0.0.4) strictly: any malformed line throws. */
export function parsePrometheus(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([^ ]+) ?(.*)$/.exec(line);
      if (!m) throw new Error(`Bad comment line: ${line}`);
      if (!NAME.test(m[2]!)) throw new Error(`Bad metric name: ${line}`);
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!)) throw new Error(`Bad type: ${line}`);
        types.set(m[2]!, m[3]!);
      }
      continue;
    }
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const name = brace >= 0 ? line.slice(0, brace) : line.slice(0, space);
    if (!NAME.test(name)) throw new Error(`Bad sample name: ${line}`);
    const labels: Record<string, string> = {};
    let rest = line.slice(name.length);
    if (rest.startsWith('{')) {
      const close = rest.lastIndexOf('}');
      const body = rest.slice(1, close);
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < body.length) {
        const m = LABEL.exec(body);
        if (!m) throw new Error(`Bad labels: ${line}`);
        labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
      rest = rest.slice(close + 1);
    }
    const parts = rest.trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2) throw new Error(`Bad sample: ${line}`);
    samples.push({ name, labels, value: parseValue(parts[0]!, line) });
  }
  return {
    types,
    samples,
    value(name, wanted = {}) {
      return samples
        .filter((s) => s.name === name && Object.entries(wanted).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0);
    },
  };
}

/** Scrapes a gateway's `/metrics` (its own listener: `metricsUrl`). */
export async function scrapeMetrics(metricsUrl: string): Promise<Exposition> {
  return parsePrometheus(await (await fetch(metricsUrl)).text());
}
