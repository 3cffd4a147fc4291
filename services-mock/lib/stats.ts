import type { IncomingHttpHeaders } from 'node:http';
import type { StatsSnapshot } from './types.js';

/** Request counters. Route keys are pre-filled with 0 so a snapshot shows what was never called. */
export class StatsRecorder {
  private total = 0;
  private counts = new Map<string, number>();
  private lastHeaders: Record<string, string> = {};

  constructor(private readonly routeKeys: readonly string[]) {
    this.reset();
  }

  record(keys: readonly string[], headers: IncomingHttpHeaders): void {
    this.total++;
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.lastHeaders = flattenHeaders(headers);
  }

  reset(): void {
    this.total = 0;
    this.counts = new Map(this.routeKeys.map((k) => [k, 0]));
    this.lastHeaders = {};
  }

  snapshot(): StatsSnapshot {
    return { total: this.total, routes: Object.fromEntries(this.counts), lastHeaders: { ...this.lastHeaders } };
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
