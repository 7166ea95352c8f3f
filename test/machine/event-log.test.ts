// The event log: a ring of typed-array columns that counts exactly what it evicted.
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src-main/machine/clock';
import { EventLog } from '../../src-main/machine/event-log';
import { Origin } from '../../src-shared/timeline/event-kinds';

/** Appends events 0..n-1 where every column carries the sequence number (time = 10*seq). */
function filled(capacity: number, n: number): { log: EventLog; clock: Clock } {
  const clock = new Clock();
  const log = new EventLog(clock, capacity);
  for (let s = 0; s < n; s++) {
    clock.now = 10 * s;
    log.currentOrigin = (s % 4) as Origin;
    log.put(s % 24, s & 0xff, s & 0xffff, (s * 3) & 0xffff, s, s + 1, s + 2);
  }
  return { log, clock };
}

function seqs(log: EventLog, from: number, to: number): number[] {
  return Array.from(log.slice(from, to).a);
}

describe('event log', () => {
  it.each([0, 8, 15, 17, 100, 1.5])('refuses a capacity of %s (a power of two >= 16 is needed)', (c) => {
    expect(() => new EventLog(new Clock(), c)).toThrow(/power of two >= 16/);
  });

  it('keeps every event while under capacity, stamped with time, origin and all columns', () => {
    const { log } = filled(16, 10);
    expect([log.total, log.retained, log.evicted, log.firstSeq]).toEqual([10, 10, 0, 0]);
    const c = log.slice(0, 10);
    expect(c.firstSeq).toBe(0);
    expect(Array.from(c.time)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(Array.from(c.kind)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(c.origin)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(Array.from(c.vector)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(Array.from(c.b)).toEqual(Array.from(c.a, (x) => x + 1));
    expect(Array.from(c.c)).toEqual(Array.from(c.a, (x) => x + 2));
  });

  it.each([
    [16, 16, 0],
    [16, 17, 1],
    [16, 40, 24],
    [32, 1000, 968],
  ])('a ring of %i after %i appends has evicted exactly %i, oldest first', (capacity, n, evicted) => {
    const { log } = filled(capacity, n);
    expect(log.evicted).toBe(evicted);
    expect(log.retained).toBe(n - evicted);
    expect(log.firstSeq).toBe(evicted);
    expect(log.isRetained(evicted - 1)).toBe(false);
    expect(log.isRetained(evicted)).toBe(true);
    expect(log.isRetained(n)).toBe(false);
    expect(seqs(log, 0, n)).toEqual(Array.from({ length: n - evicted }, (_, k) => evicted + k));
    expect(log.time[log.indexOf(n - 1)]).toBe(10 * (n - 1));
  });

  it('slice clips to what is retained and reports where it starts', () => {
    const { log } = filled(16, 40);
    const c = log.slice(30, 35);
    expect(c.firstSeq).toBe(30);
    expect(Array.from(c.a)).toEqual([30, 31, 32, 33, 34]);
    expect(log.slice(10, 26).firstSeq).toBe(24);
    expect(seqs(log, 10, 26)).toEqual([24, 25]);
    expect(seqs(log, 38, 100)).toEqual([38, 39]);
    expect(seqs(log, 35, 30)).toEqual([]);
    expect(seqs(log, 0, 10)).toEqual([]);
  });

  it('slice copies: later appends do not change a slice taken before', () => {
    const { log } = filled(16, 16);
    const c = log.slice(0, 16);
    log.put(1, 0, 0, 0, 999, 0, 0);
    expect(c.a[0]).toBe(0);
    expect(seqs(log, 0, 17)[0]).toBe(1);
  });

  it('calls the tap with each new sequence number', () => {
    const { log } = filled(16, 3);
    const seen: number[] = [];
    log.tap = (seq) => void seen.push(seq, log.a[log.indexOf(seq)]!);
    log.put(0, 0, 0, 0, 77, 0, 0);
    log.put(0, 0, 0, 0, 78, 0, 0);
    expect(seen).toEqual([3, 77, 4, 78]);
  });

  it('restore puts back a slice with its sequence numbers', () => {
    const src = filled(16, 40).log;
    const saved = src.slice(0, src.total);
    const dst = new EventLog(new Clock(), 64);
    dst.restore(src.total, saved);
    expect([dst.total, dst.evicted, dst.retained]).toEqual([40, 24, 16]);
    expect(dst.slice(0, 40)).toEqual(saved);
    dst.put(5, 0, 0, 0, 40, 0, 0);
    expect(seqs(dst, 0, 41)).toEqual(Array.from({ length: 17 }, (_, k) => 24 + k));
  });

  it('restore of fewer events than the ring holds counts the rest as evicted', () => {
    const saved = filled(16, 40).log.slice(30, 40);
    const dst = new EventLog(new Clock(), 64);
    dst.restore(40, saved);
    expect([dst.evicted, dst.retained, dst.firstSeq]).toEqual([30, 10, 30]);
    expect(seqs(dst, 0, 40)).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect(dst.isRetained(29)).toBe(false);
  });

  it('restore refuses more events than fit or than the total claims', () => {
    const saved = filled(32, 32).log.slice(0, 32);
    expect(() => new EventLog(new Clock(), 16).restore(32, saved)).toThrow(RangeError);
    expect(() => new EventLog(new Clock(), 64).restore(31, saved)).toThrow(RangeError);
  });

  it('clear starts over from sequence 0', () => {
    const saved = filled(16, 40).log.slice(30, 40);
    const log = new EventLog(new Clock(), 16);
    log.restore(40, saved);
    log.clear();
    expect([log.total, log.evicted, log.retained]).toEqual([0, 0, 0]);
    log.put(3, 0, 0, 0, 5, 0, 0);
    expect(seqs(log, 0, 1)).toEqual([5]);
  });

  it('costs at most 32 bytes of storage per retained event', () => {
    expect(EventLog.BYTES_PER_EVENT).toBeLessThanOrEqual(32);
    const log = new EventLog(new Clock(), 1024);
    const bytes = [log.time, log.kind, log.detail, log.origin, log.bdf, log.vector, log.a, log.b, log.c].reduce((n, col) => n + col.byteLength, 0);
    expect(bytes / log.capacity).toBe(EventLog.BYTES_PER_EVENT);
  });
});
