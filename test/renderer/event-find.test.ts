// The display filter and go-to in the timeline store, and the log store's rows, against a fake host.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setup, flush, type FakeTransport } from './fake-transport';
import { useTimelineStore } from '../../src-renderer/stores/timeline';
import { FOLLOW_REFRESH_MS, useEventLogStore } from '../../src-renderer/stores/event-log';
import type { EventRecord } from '../../src-shared/timeline/event-record';
import type { TimelineWindow } from '../../src-shared/timeline/window';

let transport: FakeTransport;
beforeEach(() => {
  ({ transport } = setup());
});

const record = (seq: number): EventRecord => ({ seq, timeNs: seq * 1000, kind: 'NotifyPended', origin: 'device', bdf: '00:03.0', vector: 1, detail: 1, a: 0, b: 0, c: 0, fields: { vector: 1, pending: 1 }, text: `vector 1 masked: pending bit set` });
const windowFor = (p: { startNs: number; endNs: number; pixels: number; filter?: string }, complete = true): TimelineWindow => ({
  startNs: p.startNs,
  endNs: p.endNs,
  pixels: p.pixels,
  total: 10,
  evicted: 0,
  missed: 0,
  oldestTimeNs: 0,
  newestTimeNs: 9000,
  lanes: [],
  activeLanes: [],
  filter: p.filter === undefined ? null : { matched: 3, complete, tested: complete ? 10 : 4 },
});

describe('the display filter in the timeline store', () => {
  it('applies a filter once it parses; a bad one keeps the last good one applied; windows carry it', async () => {
    transport.on('timelineWindow', (p) => windowFor(p));
    const timeline = useTimelineStore();
    timeline.requestWindow({ startNs: 0, endNs: 10, pixels: 10, lanes: [] });
    await flush();
    timeline.filterText = 'vector == 1';
    timeline.applyFilter();
    await flush();
    expect(timeline.appliedFilter).toBe('vector == 1');
    expect(transport.named('timelineWindow').at(-1)).toMatchObject({ filter: 'vector == 1' });
    timeline.filterText = 'vector ==';
    timeline.applyFilter();
    expect(timeline.compiledFilter).toMatchObject({ ok: false, column: 10 });
    expect(timeline.appliedFilter).toBe('vector == 1');
    timeline.filterText = '';
    timeline.applyFilter();
    await flush();
    expect(transport.named('timelineWindow').at(-1)).not.toHaveProperty('filter');
  });

  it('asks again while the host has not finished filtering', async () => {
    let calls = 0;
    transport.on('timelineWindow', (p) => windowFor(p, ++calls >= 3));
    const timeline = useTimelineStore();
    timeline.filterText = 'text contains "x"';
    timeline.applyFilter();
    timeline.requestWindow({ startNs: 0, endNs: 10, pixels: 10, lanes: [] });
    await flush();
    await flush();
    await flush();
    expect(calls).toBe(3);
    expect(timeline.hostWindow?.filter).toMatchObject({ complete: true });
  });

  it('go to: #seq and a time go to locateEvent through the filter; a bad target is refused before asking', async () => {
    transport.on('locateEvent', (p) => ({ row: 0, event: record(p.seq ?? Math.ceil((p.timeNs ?? 0) / 1000)), rowCount: 1, complete: true, firstSeq: 0, total: 10 }));
    transport.on('timelineEvents', (p) => ({ events: [record(p.fromSeq)], firstSeq: 0, total: 10 }));
    const timeline = useTimelineStore();
    expect(await timeline.goTo('#7')).toBeNull();
    expect(timeline.selectedSeq).toBe(7);
    expect(await timeline.goTo('4.5us')).toBeNull();
    expect(transport.named('locateEvent').at(-1)).toEqual({ timeNs: 4500 });
    expect(timeline.selectedSeq).toBe(5);
    expect(await timeline.goTo('1.0000000001s')).toContain('finer than 1 ns');
    expect(await timeline.goTo('soon')).toContain('expected #seq or a time');
    expect(transport.named('locateEvent')).toHaveLength(2);
  });
});

describe('the log store', () => {
  it('asks for the rows on screen, follows the newest until scrolled up, and scrolls to a selection made elsewhere', async () => {
    const total = 1_000_000;
    transport.on('eventRows', (p) => {
      const from = p.tail === true ? total - p.count : p.fromRow!;
      return { fromRow: from, rows: Array.from({ length: Math.min(p.count, total - from) }, (_, k) => record(from + k)), rowCount: total, complete: true, firstSeq: 0, total };
    });
    transport.on('locateEvent', (p) => ({ row: p.seq!, event: record(p.seq!), rowCount: total, complete: true, firstSeq: 0, total }));
    transport.on('timelineEvents', (p) => ({ events: [record(p.fromSeq)], firstSeq: 0, total }));
    const log = useEventLogStore();
    log.visibleRows = 20;
    log.refresh();
    await flush();
    await flush();
    expect(log.rowCount).toBe(total);
    expect(log.topRow).toBe(total - 20);
    expect(log.rows[0]!.seq).toBe(total - 20);
    // Following, it asks for the end as the host has it, not for a row number the stream would leave behind.
    expect(transport.named('eventRows').at(-1)).toEqual({ tail: true, count: 20 });
    log.scrollTo(500_000);
    await flush();
    expect(log.followTail).toBe(false);
    expect(log.rows[0]!.seq).toBe(500_000);
    useTimelineStore().selectSeq(123_456);
    await flush();
    await flush();
    expect(log.topRow).toBe(123_456 - 10);
    expect(log.rows.some((r) => r.seq === 123_456)).toBe(true);
  });

  it('following the newest while events stream in, asks for the rows at most every FOLLOW_REFRESH_MS, and for the last change', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    // flush() waits on a timer, which is faked here.
    const settle = async (): Promise<void> => {
      await vi.advanceTimersByTimeAsync(0);
    };
    try {
      let total = 100;
      transport.on('eventRows', (p) => {
        const from = p.tail === true ? Math.max(0, total - p.count) : p.fromRow!;
        return { fromRow: from, rows: Array.from({ length: Math.min(p.count, total - from) }, (_, k) => record(from + k)), rowCount: total, complete: true, firstSeq: 0, total };
      });
      const log = useEventLogStore();
      const timeline = useTimelineStore();
      log.visibleRows = 10;
      // Sixty batches in a second, as a pump sends them.
      for (let batch = 0; batch < 60; batch++) {
        total += 1000;
        timeline.revision++;
        await settle();
        await vi.advanceTimersByTimeAsync(1000 / 60);
      }
      await vi.advanceTimersByTimeAsync(FOLLOW_REFRESH_MS);
      await settle();
      const asked = transport.named('eventRows').length;
      expect(asked).toBeGreaterThanOrEqual(1000 / FOLLOW_REFRESH_MS);
      expect(asked).toBeLessThanOrEqual(1000 / FOLLOW_REFRESH_MS + 2);
      expect(log.rows.at(-1)!.seq).toBe(total - 1);
      // Scrolled up, every change asks at once.
      log.scrollTo(50);
      await settle();
      const before = transport.named('eventRows').length;
      timeline.revision++;
      await settle();
      expect(transport.named('eventRows').length).toBe(before + 1);
    } finally {
      vi.useRealTimers();
    }
  });
});
