// The state at an event, rebuilt by the history (checkpoints + replay of the run's
// events), against a fresh run of the same script on a new machine: stopped after the
// line that logged the event, and stopped right at the event itself.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPreset } from '../doctor/preset';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { StateHistory } from '../../src-main/history/state-history';
import { CHECKPOINT_EVERY } from '../../src-main/machine/checkpoint-trail';
import type { Machine } from '../../src-main/machine/machine';
import { DropReason } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';

const TABLE = 0xfebd0000;
const hex = (n: number): string => `0x${n.toString(16)}`;
const SETUP = ['outl 0xcf8 0x80001814', `outl 0xcfc ${hex(TABLE)}`];
const VALUES = [0, 1, 2, 0xfee01000, 0xfee09000, 0xd0000000, 0x1000, 0x41, 0x05, 0x4041];

const line = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 15 }), fc.constantFrom(...VALUES)).map(([d, v]) => `writel ${hex(TABLE + d * 4)} ${hex(v)}`),
  fc.integer({ min: 0, max: 15 }).map((d) => `readl ${hex(TABLE + d * 4)}`),
  fc.constantFrom('readl 0xfebd0800', 'writel 0xfebd0800 0x1', 'writew 0xfebd0008 0x41', 'writel 0xfebd0030 0x0', 'writeq 0xfebd0008 0x0000000000000042'),
  fc.constantFrom('0x0000', '0x0002', '0x0004', '0x0006', '0x0406').map((c) => `outl 0xcf8 0x80001804\noutw 0xcfc ${c}`),
  fc.constantFrom('0x80000011', '0xc0000011', '0x00000011', '0x40000011').map((c) => `outl 0xcf8 0x80001884\noutl 0xcfc ${c}`),
  fc.integer({ min: 0, max: 3 }).map((v) => `device_irq 00:03.0 ${v}`),
  fc.integer({ min: 0, max: 2 }).map((v) => `msix_notify 00:03.0 ${v}`),
  fc.integer({ min: 0, max: 2 }).map((v) => `msix_use 00:03.0 ${v}`),
  fc.integer({ min: 0, max: 2 }).map((v) => `msix_unuse 00:03.0 ${v}`),
  fc.constantFrom('msix_reset 00:03.0', 'system_reset', 'clock_step 1000'),
);
const script = fc.array(line, { minLength: 1, maxLength: 40 }).map((ls) => [...SETUP, ...ls.flatMap((l) => l.split('\n'))]);

/** Everything the history promises to rebuild. */
function stateOf(m: Machine): unknown {
  return {
    now: m.clock.now,
    functions: m.functions().map((fn) => ({
      config: Array.from(fn.config.bytes),
      table: fn.msix && Array.from(fn.msix.table),
      pba: fn.msix && Array.from(fn.msix.pba),
      use: fn.msix && Array.from(fn.msix.useCount),
      delivered: fn.msix && Array.from(fn.msix.delivered),
      functionMasked: fn.msix?.functionMasked,
      mapped: fn.bars.map((b) => b?.mappedAt ?? null),
      intx: fn.intxOutput,
    })),
    counts: Array.from(m.apic.counts),
    special: Array.from(m.apic.special),
  };
}

class Stop extends Error {}

/**
 * A new machine running `lines` that stops right after event `seq`, or after the last
 * line. A line's last event is its end: what the line does after logging it (a reset
 * setting mask bits) belongs to it.
 */
function freshRunTo(lines: string[], seq: number | null): Machine {
  const m = loadPreset('virtio-net', true);
  const q = new QtestSession(m);
  if (seq !== null) {
    m.log.tap = (s) => {
      if (s === seq) throw new Stop();
    };
  }
  try {
    for (const l of lines) q.execute(l);
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    // The engine counts a message as delivered before it knows it reached nothing, and takes it back right after the drop.
    const i = m.log.indexOf(seq!);
    if (m.log.kind[i] === EventKind.NotifyDropped && [DropReason.BusMasterDisabled, DropReason.Unclaimed, DropReason.NoSuchCpu].includes(m.log.detail[i]! as 2)) {
      const msix = m.fn(m.log.bdf[i]!)!.msix!;
      msix.delivered[m.log.vector[i]!]!--;
    }
  }
  m.log.tap = null;
  return m;
}

describe('state at an event', () => {
  it('after every line of random scripts, equals a fresh run of the script up to that line', () => {
    fc.assert(
      fc.property(script, (lines) => {
        const run = loadPreset('virtio-net', true);
        // A checkpoint of the run every few events, so replays start from the run's own as well as from the build.
        run.checkpoints.every = 3;
        const q = new QtestSession(run);
        const ends: number[] = [];
        for (const l of lines) {
          q.execute(l);
          ends.push(run.log.total);
        }
        const history = new StateHistory(run);
        ends.forEach((end, k) => {
          if (end === 0 || (k > 0 && end === ends[k - 1])) return;
          const at = history.at(end - 1);
          expect(at.ok ? null : at.error).toBeNull();
          if (at.ok) expect(stateOf(at.machine)).toEqual(stateOf(freshRunTo(lines.slice(0, k + 1), null)));
        });
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('right after random events, mid-line included, equals a fresh run stopped at that event', () => {
    fc.assert(
      fc.property(script, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), (lines, points) => {
        const run = loadPreset('virtio-net', true);
        run.checkpoints.every = 5;
        const q = new QtestSession(run);
        for (const l of lines) q.execute(l);
        const history = new StateHistory(run);
        const ends = lines.map((_, k) => {
          const m = loadPreset('virtio-net', true);
          const qk = new QtestSession(m);
          for (const l of lines.slice(0, k + 1)) qk.execute(l);
          return m.log.total;
        });
        for (const p of points) {
          const seq = Math.min(run.log.total - 1, Math.floor(p * run.log.total));
          const at = history.at(seq);
          expect(at.ok ? null : at.error).toBeNull();
          const lineEnd = ends.indexOf(seq + 1);
          const fresh = lineEnd >= 0 ? freshRunTo(lines.slice(0, lineEnd + 1), null) : freshRunTo(lines, seq);
          if (at.ok) expect(stateOf(at.machine)).toEqual(stateOf(fresh));
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('the first query after a long run replays from the run\'s last checkpoint, not from the start', () => {
    const roomy = (d: { ram: { size: string | number }[]; eventLogCapacity?: number }): void => {
      d.ram.forEach((r) => (r.size = 0x10000));
      d.eventLogCapacity = 1 << 17;
    };
    const run = loadPreset('virtio-net', false, roomy);
    const q = new QtestSession(run);
    for (const l of [...SETUP, 'outl 0xcf8 0x80001804', 'outw 0xcfc 0x0006', 'outl 0xcf8 0x80001884', 'outl 0xcfc 0x80000011']) q.execute(l);
    // A flood from an interval source (each firing offers a checkpoint) and a script's lines (each offers one too).
    q.execute('source_start 00:03.0 0 1000000');
    q.execute('clock_step 60000000');
    q.execute('source_stop 00:03.0 0');
    for (let k = 0; k < 3000; k++) q.execute(`writel ${hex(TABLE + 12)} ${hex(k & 1)}`);
    expect(run.log.total).toBeGreaterThan(10 * CHECKPOINT_EVERY);
    const history = new StateHistory(run);
    const last = run.log.total - 1;
    const first = history.at(last);
    expect(first.ok ? null : first.error).toBeNull();
    expect(history.replayed).toBeGreaterThan(0);
    expect(history.replayed).toBeLessThanOrEqual(CHECKPOINT_EVERY);
    // Mid-flood too, and still exact: the same state as a replay from the start (a history of a run without a trail).
    const mid = Math.floor(run.log.total / 3);
    const at = history.at(mid);
    expect(at.ok ? null : at.error).toBeNull();
    expect(history.replayed).toBeLessThanOrEqual(2 * CHECKPOINT_EVERY);
    const midState = at.ok ? stateOf(at.machine) : null;
    const bare = loadPreset('virtio-net', false, roomy);
    bare.log.restore(run.log.total, run.log.slice(0, run.log.total));
    const bareHistory = new StateHistory(bare);
    const fromStart = bareHistory.at(mid);
    expect(bareHistory.replayed).toBe(mid + 1);
    expect(fromStart.ok ? stateOf(fromStart.machine) : null).toEqual(midState);
  }, 60_000);

  it('refuses what it cannot rebuild, and names why', () => {
    const run = loadPreset('virtio-net', true);
    const q = new QtestSession(run);
    q.execute('msix_load 00:03.0 ' + '00'.repeat(3 * 16 + 1));
    q.execute('readl 0x0');
    const history = new StateHistory(run);
    expect(history.at(run.log.total - 1)).toMatchObject({ ok: false, error: expect.stringContaining('msix_load') });
    expect(history.at(run.log.total)).toMatchObject({ ok: false, error: expect.stringContaining(`no event #${run.log.total}`) });
    expect(history.at(-1)).toMatchObject({ ok: false });
  });
});
