import { describe, expect, it } from 'vitest';
import { EventStore, FUNCTION_LANE, laneKey } from '../../src-renderer/timeline/event-store';
import { EDGE, MarkerClass } from '../../src-shared/timeline/lanes';
import { TimeScale, tickStep, zoomView } from '../../src-renderer/timeline/time-scale';
import { hitTest, renderTimeline, type KindFilter, type TimelineLane, type TimelineLayout } from '../../src-renderer/timeline/render-timeline';
import { describeEvent } from '../../src-renderer/timeline/event-describe';
import { emptyColumns, type EventColumns } from '../../src-shared/timeline/columns';
import { MaskCause } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';
import type { TimelineWindow, WindowLane } from '../../src-shared/timeline/window';

const NIC = 0x18;

function columns(events: { time: number; kind: number; vector?: number; a?: number; b?: number; c?: number; detail?: number }[], firstSeq = 0): EventColumns {
  const c = emptyColumns(events.length);
  c.firstSeq = firstSeq;
  events.forEach((e, i) => {
    c.time[i] = e.time;
    c.kind[i] = e.kind;
    c.bdf[i] = NIC;
    c.vector[i] = e.vector ?? 0;
    c.a[i] = e.a ?? 0;
    c.b[i] = e.b ?? 0;
    c.c[i] = e.c ?? 0;
    c.detail[i] = e.detail ?? 0;
  });
  return c;
}

/** A 2D context that records what was drawn. */
function recordingContext(): { ctx: CanvasRenderingContext2D; rects: { x: number; y: number; w: number; h: number; style: string }[] } {
  const rects: { x: number; y: number; w: number; h: number; style: string }[] = [];
  let tx = 0;
  const stack: number[] = [];
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    font: '',
    textBaseline: '',
    fillRect(x: number, y: number, w: number, h: number) {
      rects.push({ x: x + tx, y, w, h, style: String(this.fillStyle) });
    },
    strokeRect() {},
    fillText() {},
    save() {
      stack.push(tx);
    },
    restore() {
      tx = stack.pop() ?? 0;
    },
    translate(x: number) {
      tx += x;
    },
    beginPath() {},
    rect() {},
    clip() {},
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, rects };
}

const LAYOUT: TimelineLayout = { width: 1100, height: 200, labelWidth: 100, axisHeight: 20, laneHeight: 20, firstLane: 0 };
const ALL: KindFilter = { delivered: true, pended: true, dropped: true, other: true, breakpoint: true, masked: true };
const lane = (vector: number, maskedNow: boolean | null = false): TimelineLane => ({ key: laneKey(NIC, vector), bdf: NIC, vector, label: `v${vector}`, maskedNow });

describe('event store', () => {
  it('puts each event in the lane of its vector or its function, or in none', () => {
    const store = new EventStore();
    store.append(
      columns([
        { time: 1, kind: EventKind.NotifyDelivered, vector: 0 },
        { time: 2, kind: EventKind.NotifyPended, vector: 1 },
        { time: 4, kind: EventKind.VectorMasked, vector: 1 },
        { time: 5, kind: EventKind.FunctionMaskChanged, a: 1 },
        { time: 6, kind: EventKind.ConfigWrite },
        { time: 7, kind: EventKind.Reset },
      ]),
    );
    expect([0, 1, 2, 3, 4, 5].map((abs) => store.laneOf(abs))).toEqual([laneKey(NIC, 0), laneKey(NIC, 1), laneKey(NIC, 1), laneKey(NIC, FUNCTION_LANE), laneKey(NIC, FUNCTION_LANE), null]);
    expect(store.laneOf(6)).toBeNull();
  });

  it('drops the oldest half past its cap, keeping lanes consistent with the columns', () => {
    const store = new EventStore(1 << 16);
    const n = (1 << 16) + 1000;
    store.append(columns(Array.from({ length: n }, (_, i) => ({ time: i, kind: EventKind.NotifyDelivered, vector: i % 2 }))));
    expect(store.end).toBe(n);
    expect(store.length).toBeLessThanOrEqual(1 << 16);
    expect(store.dropped).toBe(n - store.length);
    expect(store.time[0]).toBe(store.dropped);
    expect(store.seq[0]).toBe(store.dropped);
    expect(store.indexOfSeq(n - 1)).toBe(n - 1);
    expect(store.indexOfSeq(store.dropped - 1)).toBeNull();
  });
});

describe('time scale', () => {
  it('maps time to pixels and back', () => {
    const s = new TimeScale(1000, 2000, 500);
    expect(s.toPx(1500)).toBe(250);
    expect(s.toTime(250)).toBe(1500);
    expect(s.nsPerPx).toBe(2);
  });

  it('zooms keeping the point under the cursor where it was', () => {
    const [start, end] = zoomView(0, 1000, 0.5, 800);
    expect([start, end]).toEqual([400, 900]);
    expect((800 - start) / (end - start)).toBe(0.8);
  });

  it('picks 1-2-5 tick steps', () => {
    expect(tickStep(1, 80)).toBe(100);
    expect(tickStep(3, 80)).toBe(500);
    expect(tickStep(12_500, 80)).toBe(1_000_000);
  });
});

interface Mark {
  x: number;
  cls: number;
  count?: number;
  seq: number;
}

/** A window as the host answers it (the host's side is tested in test/host/event-history.test.ts). */
function windowOf(scale: TimeScale, lanes: Record<number, { marks: Mark[]; masked?: number[]; maskedAtStart?: boolean | null; exact?: boolean }>, extra: Partial<TimelineWindow> = {}): TimelineWindow {
  return {
    startNs: scale.start,
    endNs: scale.end,
    pixels: scale.width,
    total: 0,
    evicted: 0,
    missed: 0,
    oldestTimeNs: null,
    newestTimeNs: null,
    activeLanes: [],
    filter: null,
    lanes: Object.entries(lanes).map(([vector, l]): WindowLane => {
      const totals = [0, 0, 0, 0, 0, 0];
      for (const m of l.marks) totals[m.cls]! += m.count ?? 1;
      return {
        key: laneKey(NIC, Number(vector)),
        exact: l.exact ?? true,
        x: l.marks.map((m) => m.x),
        cls: l.marks.map((m) => m.cls),
        count: l.marks.map((m) => m.count ?? 1),
        seq: l.marks.map((m) => m.seq),
        totals,
        masked: l.masked ?? [],
        maskedAtStart: l.maskedAtStart ?? null,
      };
    }),
    ...extra,
  };
}

describe('timeline rendering', () => {
  it('draws at most one marker per pixel column per class, however many events are in view', () => {
    const n = 1_000_000;
    const scale = new TimeScale(0, n, 1000);
    const marks = Array.from({ length: 1000 }, (_, px) => ({ x: px, cls: MarkerClass.Delivered, count: 1000, seq: px * 1000 }));
    const window = windowOf(scale, { 0: { marks, exact: false } });
    const { ctx, rects } = recordingContext();
    const stats = renderTimeline(ctx, window, scale, [lane(0)], LAYOUT, { ...ALL, masked: false }, null);
    const markers = rects.filter((r) => r.style === '#4ade80');
    expect(stats).toMatchObject({ delivered: n, bucketLanes: 1 });
    expect(markers.length).toBeLessThanOrEqual(1000);
    expect(markers.length).toBeGreaterThanOrEqual(999);
  });

  it('draws a masked span from the mask event to the unmask event, and none for kinds filtered out', () => {
    const scale = new TimeScale(0, 1000, 1000);
    const window = windowOf(scale, {
      0: {
        marks: [
          { x: 100, cls: EDGE, seq: 0 },
          { x: 200, cls: MarkerClass.Pended, seq: 1 },
          { x: 300, cls: EDGE, seq: 2 },
          { x: 300, cls: MarkerClass.Delivered, seq: 3 },
        ],
        masked: [100, 300],
        maskedAtStart: false,
      },
    });
    const { ctx, rects } = recordingContext();
    const stats = renderTimeline(ctx, window, scale, [lane(0)], LAYOUT, ALL, null);
    expect(stats).toMatchObject({ delivered: 1, pended: 1, maskedSpans: 1, bucketLanes: 0 });
    const span = rects.find((r) => r.style.startsWith('rgba(148, 163, 184, 0.16'))!;
    expect([span.x, span.w]).toEqual([100 + 100, 200]);
    const { ctx: ctx2 } = recordingContext();
    expect(renderTimeline(ctx2, window, scale, [lane(0)], LAYOUT, { ...ALL, masked: false, pended: false }, null)).toMatchObject({ pended: 0, maskedSpans: 0 });
  });

  it('marks breakpoint and tracepoint hits on the lane of the event that hit, in their own colour', () => {
    const scale = new TimeScale(0, 1000, 1000);
    const window = windowOf(scale, {
      0: {
        marks: [
          { x: 100, cls: MarkerClass.Delivered, seq: 0 },
          { x: 100, cls: MarkerClass.Breakpoint, seq: 1 },
        ],
      },
    });
    const { ctx, rects } = recordingContext();
    const stats = renderTimeline(ctx, window, scale, [lane(0)], LAYOUT, ALL, null);
    expect(stats).toMatchObject({ delivered: 1, breakpoint: 1 });
    expect(rects.filter((r) => r.style === '#c084fc')).toHaveLength(1);
    const { ctx: ctx2, rects: hidden } = recordingContext();
    expect(renderTimeline(ctx2, window, scale, [lane(0)], LAYOUT, { ...ALL, breakpoint: false }, null).breakpoint).toBe(0);
    expect(hidden.filter((r) => r.style === '#c084fc')).toHaveLength(0);
  });

  it('shades a lane with no mask events by its current state', () => {
    const scale = new TimeScale(0, 1000, 1000);
    const { ctx } = recordingContext();
    const lanes = [lane(0, true), lane(1, false)];
    expect(renderTimeline(ctx, windowOf(scale, { 0: { marks: [] }, 1: { marks: [] } }), scale, lanes, LAYOUT, ALL, null).maskedSpans).toBe(1);
  });

  it('draws only the lanes that fit, from the first lane scrolled to', () => {
    const lanes = Array.from({ length: 2048 }, (_, v) => lane(v));
    const { ctx } = recordingContext();
    expect(renderTimeline(ctx, null, new TimeScale(0, 1000, 1000), lanes, { ...LAYOUT, firstLane: 1000 }, ALL, null).lanesDrawn).toBe(9);
  });

  it('draws what the host evicted as such, with its count, up to the oldest event held', () => {
    const scale = new TimeScale(0, 1000, 1000);
    const window = windowOf(scale, { 0: { marks: [{ x: 400, cls: MarkerClass.Delivered, seq: 1234 }] } }, { evicted: 1234, oldestTimeNs: 400 });
    const { ctx, rects } = recordingContext();
    const texts: string[] = [];
    (ctx as unknown as { fillText: (t: string) => void }).fillText = (t) => void texts.push(t);
    expect(renderTimeline(ctx, window, scale, [lane(0)], LAYOUT, ALL, null).evicted).toBe(1234);
    const shade = rects.find((r) => r.style === 'rgba(248, 113, 113, 0.10)')!;
    expect([shade.x, shade.w]).toEqual([100, 400]);
    expect(texts).toContain('evicted: 1,234 events');
  });

  it('hit-tests the nearest event in the lane under the pointer, even from a window cut for an older view', () => {
    const scale = new TimeScale(0, 1000, 1000);
    const lanes = [lane(0), lane(1)];
    const window = windowOf(scale, {
      0: {
        marks: [
          { x: 100, cls: MarkerClass.Delivered, seq: 0 },
          { x: 104, cls: MarkerClass.Pended, seq: 1 },
        ],
      },
      1: { marks: [{ x: 500, cls: MarkerClass.Delivered, seq: 2 }] },
    });
    expect(hitTest(window, scale, lanes, LAYOUT, ALL, 100 + 103, 30)).toBe(1);
    expect(hitTest(window, scale, lanes, LAYOUT, ALL, 100 + 500, 50)).toBe(2);
    expect(hitTest(window, scale, lanes, LAYOUT, ALL, 100 + 300, 30)).toBeNull();
    expect(hitTest(window, scale, lanes, LAYOUT, { ...ALL, pended: false }, 100 + 103, 30)).toBe(0);
    // Panned by 50 ns since the window was cut: the event at 500 is now at x 450.
    expect(hitTest(window, new TimeScale(50, 1050, 1000), lanes, LAYOUT, ALL, 100 + 450, 50)).toBe(2);
  });

  it('describes a delivered notify in plain words (A1)', () => {
    const store = new EventStore();
    store.append(columns([{ time: 1500, kind: EventKind.NotifyDelivered, vector: 2, a: 1, b: 0x31, c: 0xfee01000 }], 41));
    expect(describeEvent(store, 0)).toMatchObject({ seq: 41, kind: 'NotifyDelivered', device: '00:03.0', vector: 2, summary: 'vector 2 delivered to APIC 1, IDT vector 0x31 (fixed)' });
    expect(describeEvent(store, 1)).toBeNull();
  });
});
