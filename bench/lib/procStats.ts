import { readdirSync, readFileSync } from 'node:fs';

/** CPU and memory of a process and all its descendants (a cluster primary and its workers), from /proc. */
export interface TreeStats {
  /** User + system CPU, ms. */
  readonly cpuMs: number;
  /** Sum of each process's peak RSS (VmHWM), MiB. */
  readonly peakRssMiB: number;
  /** Sum of current RSS (VmRSS), MiB. */
  readonly rssMiB: number;
  readonly pids: readonly number[];
}

// Linux reports CPU in clock ticks; 100 per second on every mainstream kernel build.
const TICK_MS = 10;

function statOf(pid: number): { ppid: number; cpuTicks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the name: state(0) ppid(1) … utime(11) stime(12).
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** `root` and every live descendant. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = statOf(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function treeStats(root: number): TreeStats {
  const pids = processTree(root);
  let ticks = 0;
  let hwm = 0;
  let rss = 0;
  for (const pid of pids) {
    ticks += statOf(pid)?.cpuTicks ?? 0;
    hwm += statusKiB(pid, 'VmHWM');
    rss += statusKiB(pid, 'VmRSS');
  }
  return { cpuMs: ticks * TICK_MS, peakRssMiB: hwm / 1024, rssMiB: rss / 1024, pids };
}
