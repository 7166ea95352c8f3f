// An advance or a resume run in slices (a budget of firings, then proceed, as the qtest
// line pump runs a long clock_step) ends exactly where the same work run in one call
// ends: the same events, the same time, the same pause and queue. Random sources (rates
// with and without a whole-ns period), steps, slice sizes, and breakpoints that hit
// mid-advance.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPreset } from '../doctor/preset';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { Underway } from '../../src-main/machine/debugger/underway';
import type { Machine } from '../../src-main/machine/machine';
import { COLUMN_NAMES } from '../../src-shared/timeline/event-schema';

const TABLE = 0xfebd0000;
const hex = (n: number): string => `0x${n.toString(16)}`;
/** virtio-net's BAR1 at TABLE, memory and bus master on, MSI-X enabled; each vector's message set and `masked` as chosen. */
function bringUp(masked: boolean[]): string[] {
  const lines = ['outl 0xcf8 0x80001814', `outl 0xcfc ${hex(TABLE)}`, 'outl 0xcf8 0x80001804', 'outw 0xcfc 0x0006', 'outl 0xcf8 0x80001884', 'outl 0xcfc 0x80000011'];
  masked.forEach((m, v) => {
    const entry = TABLE + v * 16;
    lines.push(`writel ${hex(entry)} 0xfee0${v}000`, `writel ${hex(entry + 8)} ${hex(0x41 + v)}`, `writel ${hex(entry + 12)} ${m ? '0x1' : '0x0'}`);
  });
  return lines;
}

interface Case {
  masked: boolean[];
  sources: { vector: number; rate: number }[];
  /** Lines between the bring-up and the advances (breakpoints). */
  extra: string[];
  /** Each advance: ns to step by. */
  steps: number[];
  /** Slice budgets, used in turn. */
  budgets: number[];
}

/** At most this many firings per case, so a run stays quick. */
const FIRINGS = 40_000;

const testCase: fc.Arbitrary<Case> = fc
  .record({
    masked: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    sources: fc.uniqueArray(
      fc.record({ vector: fc.integer({ min: 0, max: 2 }), rate: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1000, max: 100_000_000 }), fc.constantFrom(3, 7, 999_999_937)) }),
      { minLength: 1, maxLength: 3, selector: (s) => s.vector },
    ),
    breaks: fc.array(
      fc.oneof(
        fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 30_000 })).map(([v, n]) => `break notify 00:03.0 ${v} delivered,pended minhits=${n}`),
        fc.integer({ min: 1, max: 30_000 }).map((n) => `break pending any any minhits=${n}`),
        fc.integer({ min: 1, max: 20_000 }).map((n) => `break deliver 1 any minhits=${n} trace`),
      ),
      { maxLength: 2 },
    ),
    fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
    budgets: fc.array(fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 50, max: 20_000 })), { minLength: 1, maxLength: 5 }),
  })
  .map(({ masked, sources, breaks, fractions, budgets }) => {
    // Steps that fire the sources about FIRINGS times in all.
    const perNs = sources.reduce((sum, s) => sum + s.rate / 1e9, 0);
    const total = fractions.reduce((a, b) => a + b, 0) || 1;
    const steps = fractions.map((f) => Math.max(1, Math.floor(((f / total) * FIRINGS) / perNs)));
    return { masked, sources, extra: breaks, steps, budgets };
  });

function machineFor(c: Case): Machine {
  const m = loadPreset('virtio-net', true, (d) => (d.eventLogCapacity = 1 << 17));
  const q = new QtestSession(m);
  for (const line of [...bringUp(c.masked), ...c.sources.map((s) => `source_start 00:03.0 ${s.vector} ${s.rate}`), ...c.extra]) {
    expect(q.execute(line), line).not.toMatch(/^FAIL/);
  }
  q.dispose();
  return m;
}

/** Runs work begun with the first budget to its end, a slice per budget in turn. */
function sliced<T>(first: T | Underway<T>, budgets: number[]): T {
  let outcome = first;
  for (let k = 1; outcome instanceof Underway; k++) {
    const next: T | null = outcome.proceed(budgets[k % budgets.length]!);
    if (next !== null) outcome = next;
  }
  return outcome;
}

/** Each step as an advance, and a continue whenever a breakpoint paused the machine. */
function run(m: Machine, c: Case, budgets: number[] | null): unknown[] {
  const dbg = m.debugger;
  const outcomes: unknown[] = [];
  for (const ns of c.steps) {
    const action = { kind: 'advance' as const, targetNs: m.clock.now + ns };
    outcomes.push(budgets === null ? dbg.perform(action) : sliced(dbg.perform(action, budgets[0]!), budgets));
    for (let k = 0; k < 4 && dbg.paused; k++) outcomes.push(budgets === null ? dbg.continue() : sliced(dbg.continue(budgets[0]!), budgets));
  }
  expect(dbg.underway).toBeNull();
  return outcomes;
}

function stateOf(m: Machine): unknown {
  const log = m.log;
  const cols = log.slice(log.firstSeq, log.total);
  return {
    now: m.clock.now,
    fired: m.clock.fired,
    total: log.total,
    columns: Object.fromEntries(COLUMN_NAMES.map((c) => [c, Array.from(cols[c] as ArrayLike<number>)])),
    debugger: m.debugger.state(),
    pba: Array.from(m.fn(0x18)!.msix!.pba),
    delivered: Array.from(m.fn(0x18)!.msix!.delivered),
  };
}

describe('an advance run in slices', () => {
  it('ends with the same events, time, pause and queue as the same advance in one call (random sources, steps, slices, breakpoints)', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(testCase, (c) => {
        const whole = machineFor(c);
        const inSlices = machineFor(c);
        expect(run(inSlices, c, c.budgets)).toEqual(run(whole, c, null));
        expect(stateOf(inSlices)).toEqual(stateOf(whole));
      }),
      { numRuns: 60 },
    );
  });

  it('is refused a second advance or resume while it is under way, with what is running; device-side work still runs', () => {
    const m = loadPreset('virtio-net', true);
    const q = new QtestSession(m);
    q.execute('source_start 00:03.0 0 1000000');
    const work = m.debugger.perform({ kind: 'advance', targetNs: 1_000_000 }, 10);
    expect(work).toBeInstanceOf(Underway);
    expect(m.clock.now).toBe(10_000);
    expect(m.debugger.perform({ kind: 'advance', targetNs: 5 })).toEqual({ ok: false, error: 'the clock is busy: an advance to 1000000 ns is under way (at 10000 ns now)' });
    expect(q.execute('clock_step 1')).toBe('FAIL clock_step: the clock is busy: an advance to 1000000 ns is under way (at 10000 ns now)');
    expect(m.debugger.perform({ kind: 'raise', bdf: 0x18, vector: 1 })).toEqual({ ok: true, status: 'done' });
    expect(m.clock.now).toBe(10_000);
    const u = work as Underway<unknown>;
    expect([u.firings, u.targetNs]).toEqual([10, 1_000_000]);
    expect(u.abandon()).toBe(0);
    expect(m.debugger.underway).toBeNull();
    expect(m.clock.now).toBe(10_000);
    expect(q.execute('clock_step 1')).toBe('OK 10001');
  });
});
