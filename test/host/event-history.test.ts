import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventLog } from '../../src-main/machine/event-log';
import { Clock } from '../../src-main/machine/clock';
import { EventHistory, HISTORY_BYTES_PER_EVENT } from '../../src-main/host/event-history';
import { sharedColumns } from '../../src-shared/timeline/columns';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { FUNCTION_LANE, LANE_CLASS_COUNT, MarkerClass, classInLane, laneKey, laneOfEvent } from '../../src-shared/timeline/lanes';
import { NotifierKind } from '../../src-shared/timeline/event-kinds';

const NIC = 0x18;

function logWith(capacity = 1 << 10): { log: EventLog; clock: Clock } {
  const clock = new Clock();
  return { log: new EventLog(clock, capacity), clock };
}

function at(clock: Clock, log: EventLog, t: number, kind: number, vector = 0, a = 0): void {
  clock.now = t;
  log.put(kind, 0, NIC, vector, a, 0, 0);
}

describe('the host history', () => {
  it('holds far more than the machine log, and counts what it evicts', () => {
    const { log, clock } = logWith(1 << 8);
    const history = new EventHistory(1 << 16);
    for (let i = 0; i < (1 << 16) + 1000; i++) {
      at(clock, log, i, EventKind.NotifyDelivered);
      if ((i & 127) === 0) history.ingest(log);
    }
    history.ingest(log);
    expect(history.retained).toBe(1 << 16);
    expect(history.evicted).toBe(1000);
    expect(history.missed).toBe(0);
    expect(history.timeOfSeq(999)).toBeNull();
    expect(history.timeOfSeq(1000)).toBe(1000);
    // Evicted events leave the lane lists too: the window sees only what is held.
    const w = history.window(0, 2000, 1000, [laneKey(NIC, 0)], 1e9);
    expect(w.lanes[0]!.totals[MarkerClass.Delivered]).toBe(1001);
    expect(w.lanes[0]!.seq[0]).toBe(1000);
    expect(w).toMatchObject({ evicted: 1000, oldestTimeNs: 1000, total: (1 << 16) + 1000 });
  });

  it('holds less where the system refuses to reserve the ring it asks for, and says so', () => {
    const { log, clock } = logWith(1 << 8);
    const asked: number[] = [];
    // A host that does not overcommit refuses a reservation past what it can back.
    const history = new EventHistory(1 << 18, (n) => {
      asked.push(n);
      if (n > 1 << 16) throw new RangeError('Array buffer allocation failed');
      return sharedColumns(n);
    });
    for (let i = 0; i < (1 << 16) + 500; i++) {
      at(clock, log, i, EventKind.NotifyDelivered);
      if ((i & 127) === 0) history.ingest(log);
    }
    history.ingest(log);
    expect(asked).toEqual([1 << 18, 1 << 17, 1 << 16]);
    expect(history.capacity).toBe(1 << 16);
    expect(history.refused).toEqual({ capacity: 1 << 18, error: 'Array buffer allocation failed' });
    expect(history.retained).toBe(1 << 16);
    expect(history.evicted).toBe(500);
    expect(history.timeOfSeq(500)).toBe(500);
    expect(history.timeOfSeq((1 << 16) + 499)).toBe((1 << 16) + 499);
    // The app is told (the status bar shows it).
    expect(history.window(0, 10, 10, []).reduced).toEqual({ asked: 1 << 18, capacity: 1 << 16 });
    const whole = new EventHistory(1 << 16);
    whole.ingest(log);
    expect(whole.window(0, 10, 10, []).reduced).toBeUndefined();
  });

  it('a refusal at the smallest ring, or anything but a refusal, is not taken for one', () => {
    const { log, clock } = logWith(1 << 8);
    at(clock, log, 0, EventKind.NotifyDelivered);
    const none = new EventHistory(1 << 16, () => {
      throw new RangeError('Array buffer allocation failed');
    });
    expect(() => none.ingest(log)).toThrow('Array buffer allocation failed');
    const broken = new EventHistory(1 << 17, () => {
      throw new TypeError('not a refusal');
    });
    expect(() => broken.ingest(log)).toThrow('not a refusal');
  });

  it('counts the events the log overwrote before they were pulled', () => {
    const { log, clock } = logWith(16);
    const history = new EventHistory(1 << 16);
    for (let i = 0; i < 10; i++) at(clock, log, i, EventKind.NotifyPended);
    history.ingest(log);
    for (let i = 10; i < 50; i++) at(clock, log, i, EventKind.NotifyPended);
    history.ingest(log);
    expect(history.missed).toBe(24);
    expect(history.firstSeq).toBe(34);
    expect(history.retained).toBe(16);
  });

  it('stays at most 31 bytes per event once full', () => {
    const { log, clock } = logWith(1 << 12);
    const history = new EventHistory(1 << 16);
    for (let i = 0; i < 1 << 17; i++) {
      at(clock, log, i, i % 3 === 0 ? EventKind.NotifyDelivered : EventKind.NotifyPended, i % 4);
      if ((i & 1023) === 1023) history.ingest(log);
    }
    expect(HISTORY_BYTES_PER_EVENT).toBeLessThanOrEqual(32);
    // Lane lists hold one chunk of slack per list at most.
    expect(history.bytes / history.retained).toBeLessThan(32);
  });

  it('zoomed in, every event is its own mark at its exact x; zoomed out, one bucket per class and pixel with its count', () => {
    const { log, clock } = logWith();
    const history = new EventHistory(1 << 16);
    for (let i = 0; i < 100; i++) at(clock, log, i * 10, i % 10 === 0 ? EventKind.NotifyDropped : EventKind.NotifyDelivered);
    history.ingest(log);
    const key = laneKey(NIC, 0);
    const exact = history.window(0, 99, 99, [key]).lanes[0]!;
    expect(exact.exact).toBe(true);
    expect(exact.x).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 0]);
    expect(exact.seq).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
    const zoomedOut = history.window(0, 1000, 10, [key]).lanes[0]!;
    expect(zoomedOut.exact).toBe(false);
    const delivered = zoomedOut.cls.map((c, i) => (c === MarkerClass.Delivered ? zoomedOut.count[i] : 0)).filter((n) => n !== 0);
    expect(delivered).toEqual([9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
    expect(zoomedOut.totals).toEqual([90, 0, 10, 0, 0, 0]);
    // The first event of a bucket is what a click on it selects.
    expect(zoomedOut.seq[zoomedOut.cls.indexOf(MarkerClass.Delivered)]).toBe(1);
  });

  it('bucket counts add up to the events in the window, for any window and resolution', () => {
    const { log, clock } = logWith(1 << 12);
    const history = new EventHistory(1 << 16);
    let t = 0;
    for (let i = 0; i < 3000; i++) {
      t += (i * 7919) % 13;
      at(clock, log, t, i % 5 === 0 ? EventKind.NotifyPended : EventKind.NotifyDelivered);
    }
    history.ingest(log);
    fc.assert(
      fc.property(fc.integer({ min: -100, max: t }), fc.integer({ min: 1, max: t }), fc.integer({ min: 1, max: 2000 }), (start, span, pixels) => {
        const lane = history.window(start, start + span, pixels, [laneKey(NIC, 0)]).lanes[0]!;
        let inWindow = 0;
        for (let s = 0; s < 3000; s++) {
          const time = history.timeOfSeq(s)!;
          if (time >= start && time <= start + span) inWindow++;
        }
        expect(lane.count.reduce((a, b) => a + b, 0)).toBe(inWindow);
        expect(lane.totals[0]! + lane.totals[1]!).toBe(inWindow);
        for (const x of lane.x) expect(x >= 0 && x <= pixels).toBe(true);
      }),
      // The example is a window whose end event once rounded to x just past `pixels`.
      { numRuns: 60, examples: [[6845, 727, 741]] },
    );
  });

  it('draws masked spans from mask changes, and knows the state at the window start', () => {
    const { log, clock } = logWith();
    const history = new EventHistory(1 << 16);
    at(clock, log, 100, EventKind.VectorUnmasked);
    at(clock, log, 300, EventKind.VectorMasked);
    at(clock, log, 500, EventKind.VectorUnmasked);
    clock.now = 600;
    log.put(EventKind.FunctionMaskChanged, 0, NIC, 0, 1, 0, 0);
    history.ingest(log);
    const [v0, fn] = history.window(0, 1000, 100, [laneKey(NIC, 0), laneKey(NIC, FUNCTION_LANE)]).lanes;
    expect(v0!.masked).toEqual([0, 10, 30, 50]);
    expect(v0!.maskedAtStart).toBe(true);
    expect(fn!.masked).toEqual([60, 100]);
    expect(history.window(350, 450, 10, [laneKey(NIC, 0)]).lanes[0]!).toMatchObject({ maskedAtStart: true, masked: [0, 10] });
    expect(history.window(0, 1000, 10, [laneKey(NIC, 2)]).lanes[0]!).toMatchObject({ maskedAtStart: null, masked: [], x: [] });
    // Idle lanes are the ones not listed active, whatever was asked for.
    expect(history.window(0, 1, 1, []).activeLanes).toEqual([laneKey(NIC, 0), laneKey(NIC, FUNCTION_LANE)]);
  });

  it('indexes runs of same-lane events as it would one by one, the log ring wrapping between pulls', () => {
    // Floods (one long run), alternating vectors (runs of one), two devices, and poll
    // notifiers, whose lane a field decides (none: they name a range of vectors).
    const kinds = [EventKind.NotifyDelivered, EventKind.NotifyPended, EventKind.NotifyDropped, EventKind.VectorMasked, EventKind.ConfigWrite, EventKind.NotifierFired];
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom(...kinds), bdf: fc.constantFrom(NIC, NIC + 8), vector: fc.integer({ min: 0, max: 2 }), poll: fc.boolean(), repeat: fc.integer({ min: 1, max: 3000 }) }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 5000 }),
        (runs, pullEvery) => {
          const { log, clock } = logWith(1 << 13);
          const history = new EventHistory(1 << 16);
          const expected = new Map<number, number[]>();
          let seq = 0;
          for (const r of runs) {
            for (let k = 0; k < r.repeat; k++) {
              clock.now = seq;
              const notifier = r.poll ? NotifierKind.Poll : NotifierKind.Use;
              log.put(r.kind, r.kind === EventKind.NotifierFired ? notifier : 0, r.bdf, r.vector, 0, 0, 0);
              const i = log.indexOf(seq);
              const key = laneOfEvent(log, i);
              if (key >= 0) {
                const totals = expected.get(key) ?? new Array<number>(LANE_CLASS_COUNT).fill(0);
                totals[classInLane(log, i)]! += 1;
                expected.set(key, totals);
              }
              seq++;
              if (seq % pullEvery === 0) history.ingest(log);
            }
          }
          history.ingest(log);
          expect([history.missed, history.evicted, history.retained]).toEqual([0, 0, seq]);
          const w = history.window(-1, seq, 100, [...expected.keys()], 0);
          for (const lane of w.lanes) expect(lane.totals).toEqual(expected.get(lane.key));
          expect(w.activeLanes).toEqual([...expected.keys()].sort((x, y) => x - y));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a long flood wraps the ring: the lanes hold exactly the newest capacity events', () => {
    const { log, clock } = logWith(1 << 12);
    const history = new EventHistory(1 << 16);
    const n = (1 << 16) * 2 + 12345;
    for (let i = 0; i < n; i++) {
      at(clock, log, i, EventKind.NotifyDelivered, i < n - 100 ? 0 : 1);
      if ((i & 4095) === 4000) history.ingest(log);
    }
    history.ingest(log);
    expect(history.evicted).toBe(n - (1 << 16));
    const [v0, v1] = history.window(0, n, 10, [laneKey(NIC, 0), laneKey(NIC, 1)], 0).lanes;
    expect(v0!.totals[MarkerClass.Delivered]).toBe((1 << 16) - 100);
    expect(v1!.totals[MarkerClass.Delivered]).toBe(100);
    expect(v0!.seq[0]).toBe(history.firstSeq);
    expect(history.timeOfSeq(history.firstSeq)).toBe(history.firstSeq);
  });

  it('counts as its bytes what its events filled, not the capacity it reserved', () => {
    const { log, clock } = logWith();
    const history = new EventHistory(1 << 20);
    history.ingest(log);
    expect(history.bytes).toBe(0);
    for (let i = 0; i < 1000; i++) at(clock, log, i, EventKind.NotifyDelivered);
    history.ingest(log);
    // 27 B of columns per event, and the one 4 KiB chunk of the lane list they are in.
    expect(history.bytes).toBe(1000 * 27 + 4096);
  });

  it('a machine started over (a shorter log) starts the history over', () => {
    const { log, clock } = logWith();
    const history = new EventHistory(1 << 16);
    at(clock, log, 1, EventKind.NotifyDelivered);
    history.ingest(log);
    log.clear();
    history.ingest(log);
    expect([history.total, history.retained]).toEqual([0, 0]);
  });
});
