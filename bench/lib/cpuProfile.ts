/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and ranks functions by self time:
 * the time spent in the function itself, not in what it calls. Pure: data in, data out.
 */

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber?: number;
  };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface HotFunction {
  /** `name (package-or-file:line)`. */
  readonly name: string;
  readonly selfMs: number;
  /** Share of all sampled time, 0…1 (idle and GC included). */
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Sampled time that was not `(idle)`. */
  readonly busyMs: number;
  readonly gcMs: number;
  readonly top: readonly HotFunction[];
  /** Self time grouped by where the code lives: a package name, `node:` internals, or `app`. */
  readonly byOrigin: readonly { readonly origin: string; readonly selfMs: number; readonly share: number }[];
}

/** Where a script comes from: `@apollo/gateway`, `undici`, `node:internal`, `app` (our sources), `(program)`. */
export function originOf(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node';
  const idx = url.lastIndexOf('/node_modules/');
  if (idx >= 0) {
    const rest = url.slice(idx + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? 'node_modules');
  }
  return 'app';
}

function shortUrl(url: string): string {
  const idx = url.lastIndexOf('/node_modules/');
  if (idx >= 0) return url.slice(idx + '/node_modules/'.length);
  for (const marker of ['/src/', '/bench/', '/services-mock/']) {
    const at = url.lastIndexOf(marker);
    if (at >= 0) return url.slice(at + 1);
  }
  return url.replace(/^file:\/\//, '');
}

/** Self time per node, from samples and time deltas when present, else from hit counts. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (samples && timeDeltas && samples.length === timeDeltas.length && samples.length > 0) {
    // Each delta is the time up to that sample; charge it to the sample before, as Chrome DevTools does.
    for (let i = 0; i < samples.length; i++) {
      const next = timeDeltas[i + 1] ?? 0;
      const id = samples[i]!;
      self.set(id, (self.get(id) ?? 0) + Math.max(0, next));
    }
    return self;
  }
  const hits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const perHit = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
  for (const node of profile.nodes) self.set(node.id, (node.hitCount ?? 0) * perHit);
  return self;
}

export function summarizeProfile(profile: CpuProfile, topN = 25): ProfileSummary {
  const selfUs = selfTimes(profile);
  const byName = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    if (functionName === '(garbage collector)') gcUs += us;
    const label = url === '' ? functionName || '(anonymous)' : `${functionName || '(anonymous)'} (${shortUrl(url)}:${lineNumber + 1})`;
    byName.set(label, (byName.get(label) ?? 0) + us);
    const origin = url === '' ? functionName : originOf(url);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
  }
  const ms = (us: number) => us / 1000;
  const share = (us: number) => (totalUs > 0 ? us / totalUs : 0);
  const ranked = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: ms(totalUs),
    busyMs: ms(totalUs - idleUs),
    gcMs: ms(gcUs),
    top: ranked(byName)
      .slice(0, topN)
      .map(([name, us]) => ({ name, selfMs: ms(us), share: share(us) })),
    byOrigin: ranked(byOrigin).map(([origin, us]) => ({ origin, selfMs: ms(us), share: share(us) })),
  };
}

/** A plain-text report: the busy share of each entry, so idle time does not dilute it. */
export function formatProfileSummary(summary: ProfileSummary, topOrigins = 12): string {
  const busy = summary.busyMs || 1;
  const pct = (ms: number) => `${((ms / busy) * 100).toFixed(1).padStart(5)} %`;
  const lines = [
    `sampled ${summary.totalMs.toFixed(0)} ms, busy ${summary.busyMs.toFixed(0)} ms, GC ${summary.gcMs.toFixed(0)} ms (${pct(summary.gcMs).trim()} of busy)`,
    '',
    'self time by origin (share of busy time):',
    ...summary.byOrigin.filter((o) => o.origin !== '(idle)').slice(0, topOrigins).map((o) => `  ${pct(o.selfMs)}  ${o.selfMs.toFixed(0).padStart(7)} ms  ${o.origin}`),
    '',
    'top functions by self time:',
    ...summary.top.map((f) => `  ${pct(f.selfMs)}  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}`),
  ];
  return lines.join('\n');
}
