import { describe, expect, it } from 'vitest';
import { HeavyOperationGate } from '../../src/demand/heavyOperations.js';

describe('heavy operation gate', () => {
  it('refuses a client over its own share at once, while others still get slots', async () => {
    const gate = new HeavyOperationGate({ maxConcurrent: 4, maxPerClient: 2, waitMs: 1_000 });
    const a1 = await gate.acquire('a');
    const a2 = await gate.acquire('a');
    expect(typeof a1).toBe('function');
    expect(typeof a2).toBe('function');
    expect(await gate.acquire('a')).toBe('client');
    const b = await gate.acquire('b');
    expect(typeof b).toBe('function');
    expect(gate.running).toBe(3);
    (a1 as () => void)();
    expect(typeof (await gate.acquire('a'))).toBe('function');
  });

  it('queues past the global bound, first come first served, and hands the slot on release', async () => {
    const gate = new HeavyOperationGate({ maxConcurrent: 1, maxPerClient: 5, waitMs: 5_000 });
    const first = (await gate.acquire('a')) as () => void;
    const order: string[] = [];
    const second = gate.acquire('b').then((r) => (order.push('b'), r));
    const third = gate.acquire('c').then((r) => (order.push('c'), r));
    expect(gate.waiting).toBe(2);
    first();
    const releaseSecond = (await second) as () => void;
    expect(order).toEqual(['b']);
    expect(gate.running).toBe(1);
    releaseSecond();
    expect(typeof (await third)).toBe('function');
    expect(order).toEqual(['b', 'c']);
  });

  it('gives up waiting after waitMs, and counts a waiting request against its client', async () => {
    const gate = new HeavyOperationGate({ maxConcurrent: 1, maxPerClient: 1, waitMs: 30 });
    const held = (await gate.acquire('a')) as () => void;
    const waiting = gate.acquire('b');
    expect(await gate.acquire('b')).toBe('client');
    expect(await waiting).toBe('busy');
    expect(gate.waiting).toBe(0);
    held();
    expect(gate.running).toBe(0);
  });

  it('keeps at most four waiters per slot: one more is refused at once', async () => {
    const gate = new HeavyOperationGate({ maxConcurrent: 1, maxPerClient: 10, waitMs: 50 });
    const held = (await gate.acquire('a')) as () => void;
    const waiters = Array.from({ length: 4 }, (_, i) => gate.acquire(`w${i}`));
    expect(gate.waiting).toBe(4);
    expect(await gate.acquire('late')).toBe('busy');
    expect(await Promise.all(waiters)).toEqual(['busy', 'busy', 'busy', 'busy']);
    held();
  });

  it('releases once however often release is called', async () => {
    const gate = new HeavyOperationGate({ maxConcurrent: 2, maxPerClient: 2, waitMs: 0 });
    const release = (await gate.acquire('a')) as () => void;
    release();
    release();
    expect(gate.running).toBe(0);
    await gate.acquire('a');
    await gate.acquire('b');
    expect(await gate.acquire('c')).toBe('busy');
  });
});
