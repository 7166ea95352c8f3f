import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Doctor } from '../../src-shared/doctor/doctor';
import { EventLog } from '../../src-main/machine/event-log';
import { Clock } from '../../src-main/machine/clock';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { repeatRunEnd } from '../../src-shared/timeline/columns';
import { Origin } from '../../src-shared/timeline/event-kinds';

// What the host's scan does under a flood: one event repeated is fed as a run.
describe('the doctor fed a run of one event repeated', () => {
  it('finds and knows what it would fed them one by one', () => {
    const kinds = [EventKind.NotifyDelivered, EventKind.NotifyPended, EventKind.NotifyDropped, EventKind.VectorMasked, EventKind.VectorUnmasked, EventKind.FunctionMaskChanged, EventKind.PendingCleared];
    const event = fc.record({
      kind: fc.constantFrom(...kinds),
      bdf: fc.constantFrom(0x18, 0x20, 0xffff),
      vector: fc.integer({ min: 0, max: 2 }),
      // belowSixteen (bit 7) and cpuSet (bit 6) of a delivery, Enable of a FunctionMaskChanged, a pended's cause.
      detail: fc.constantFrom(0, 1, 0x40, 0x80),
      a: fc.integer({ min: 0, max: 3 }),
      b: fc.constantFrom(0, 0x4000, 0x8000, 0xc000, 0x31),
      repeat: fc.integer({ min: 1, max: 40 }),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), (events) => {
        const clock = new Clock();
        const log = new EventLog(clock, 1 << 12);
        for (const e of events) {
          for (let k = 0; k < e.repeat; k++) {
            clock.now++;
            log.put(e.kind, e.detail, e.bdf, e.vector, e.a, e.b, 0);
          }
        }
        const oneByOne = new Doctor();
        const byRuns = new Doctor();
        for (let seq = 0; seq < log.total; seq++) oneByOne.feedEvent(log, seq, seq);
        for (let seq = 0; seq < log.total; ) {
          const n = repeatRunEnd(log, seq, log.total) - seq;
          byRuns.feedRun(log, seq, seq, n);
          seq += n;
        }
        expect(byRuns.findings()).toEqual(oneByOne.findings());
        for (const bdf of [0x18, 0x20]) expect(byRuns.track(bdf)).toEqual(oneByOne.track(bdf));
      }),
      { numRuns: 300 },
    );
  });

  it('a run is the events that are the first again but for their time', () => {
    const clock = new Clock();
    const log = new EventLog(clock, 64);
    for (let k = 0; k < 5; k++) {
      clock.now = k;
      log.put(EventKind.NotifyDelivered, 0, 0x18, 0, 1, 0x31, 0);
    }
    log.put(EventKind.NotifyDelivered, 0, 0x18, 0, 1, 0x32, 0);
    log.currentOrigin = Origin.Device;
    log.put(EventKind.NotifyDelivered, 0, 0x18, 0, 1, 0x32, 0);
    expect([repeatRunEnd(log, 0, 7), repeatRunEnd(log, 5, 7), repeatRunEnd(log, 6, 7), repeatRunEnd(log, 0, 3)]).toEqual([5, 6, 7, 3]);
  });
});
