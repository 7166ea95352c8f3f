import { describe, expect, it } from 'vitest';
import { EventStore, FUNCTION_LANE, MarkerClass, laneKey } from '../../src-renderer/timeline/event-store';
import { TimeScale, tickStep, zoomView } from '../../src-renderer/timeline/time-scale';
import { hitTest, renderTimeline, type KindFilter, type TimelineLane, type TimelineLayout } from '../../src-renderer/timeline/render-timeline';
import { describeEvent } from '../../src-renderer/timeline/event-describe';
import { emptyColumns, type EventColumns } from '../../src-shared/timeline/columns';
import { EventKind, MaskCause } from '../../src-shared/timeline/event-kinds';

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
  it('indexes events into lanes by device, vector and marker class', () => {
    const store = new EventStore();
    store.append(
      columns([
        { time: 1, kind: EventKind.NotifyDelivered, vector: 0 },
        { time: 2, kind: EventKind.NotifyPended, vector: 1 },
        { time: 3, kind: EventKind.NotifyDropped, vector: 1 },
        { time: 4, kind: EventKind.VectorMasked, vector: 1 },
        { time: 5, kind: EventKind.FunctionMaskChanged, a: 1 },
        { time: 6, kind: EventKind.ConfigWrite },
      ]),
    );
    const v1 = store.lane(laneKey(NIC, 1))!;
    expect([v1.markers[MarkerClass.Pended].length, v1.markers[MarkerClass.Dropped].length, v1.edges.length]).toEqual([1, 1, 1]);
    const fn = store.lane(laneKey(NIC, FUNCTION_LANE))!;
    expect([fn.edges.length, fn.markers[MarkerClass.Other].length]).toEqual([1, 1]);
    expect(store.lowerBound(store.lane(laneKey(NIC, 0))!.markers[MarkerClass.Delivered], 1)).toBe(0);
  });

  it('drops the oldest half past its cap, keeping lanes consistent with the columns', () => {
    const store = new EventStore(1 << 16);
    const n = (1 << 16) + 1000;
    store.append(columns(Array.from({ length: n }, (_, i) => ({ time: i, kind: EventKind.NotifyDelivered, vector: i % 2 }))));
    expect(store.end).toBe(n);
    expect(store.length).toBeLessThanOrEqual(1 << 16);
    expect(store.dropped).toBe(n - store.length);
    expect(store.timeAt(store.dropped)).toBe(store.dropped);
    const even = store.lane(laneKey(NIC, 0))!.markers[MarkerClass.Delivered];
    expect(even.data[0]).toBeGreaterThanOrEqual(store.dropped);
    for (let j = 0; j < even.length; j++) expect(store.timeAt(even.data[j]!) % 2).toBe(0);
    expect(store.seq[0]).toBe(store.dropped);
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

describe('timeline rendering', () => {
  it('draws at most one marker per pixel column per class, however many events are in view', () => {
    const store = new EventStore();
    const n = 1_000_000;
    store.append(columns(Array.from({ length: n }, (_, i) => ({ time: i, kind: EventKind.NotifyDelivered }))));
    const { ctx, rects } = recordingContext();
    const stats = renderTimeline(ctx, store, new TimeScale(0, n, 1000), [lane(0)], LAYOUT, { ...ALL, masked: false }, null);
    const markers = rects.filter((r) => r.style === '#4ade80');
    expect(stats.delivered).toBe(n);
    expect(markers.length).toBeLessThanOrEqual(1000);
    expect(markers.length).toBeGreaterThanOrEqual(999);
  });

  it('draws a masked span from the mask event to the unmask event, and none for kinds filtered out', () => {
    const store = new EventStore();
    store.append(
      columns([
        { time: 100, kind: EventKind.VectorMasked, detail: MaskCause.VectorBit },
        { time: 200, kind: EventKind.NotifyPended },
        { time: 300, kind: EventKind.VectorUnmasked },
        { time: 300, kind: EventKind.NotifyDelivered },
      ]),
    );
    const { ctx, rects } = recordingContext();
    const stats = renderTimeline(ctx, store, new TimeScale(0, 1000, 1000), [lane(0)], LAYOUT, ALL, null);
    expect(stats).toMatchObject({ delivered: 1, pended: 1, maskedSpans: 1 });
    const span = rects.find((r) => r.style.startsWith('rgba(148, 163, 184, 0.16'))!;
    expect([span.x, span.w]).toEqual([100 + 100, 200]);
    const { ctx: ctx2 } = recordingContext();
    expect(renderTimeline(ctx2, store, new TimeScale(0, 1000, 1000), [lane(0)], LAYOUT, { ...ALL, masked: false, pended: false }, null)).toMatchObject({ pended: 0, maskedSpans: 0 });
  });

  it('marks breakpoint and tracepoint hits on the lane of the event that hit, in their own colour', () => {
    const store = new EventStore();
    store.append(
      columns([
        { time: 100, kind: EventKind.NotifyDelivered },
        { time: 100, kind: EventKind.Breakpoint },
      ]),
    );
    const { ctx, rects } = recordingContext();
    const stats = renderTimeline(ctx, store, new TimeScale(0, 1000, 1000), [lane(0)], LAYOUT, ALL, null);
    expect(stats).toMatchObject({ delivered: 1, breakpoint: 1 });
    expect(rects.filter((r) => r.style === '#c084fc')).toHaveLength(1);
    const { ctx: ctx2, rects: hidden } = recordingContext();
    expect(renderTimeline(ctx2, store, new TimeScale(0, 1000, 1000), [lane(0)], LAYOUT, { ...ALL, breakpoint: false }, null).breakpoint).toBe(0);
    expect(hidden.filter((r) => r.style === '#c084fc')).toHaveLength(0);
  });

  it('shades a lane with no mask events by its current state', () => {
    const store = new EventStore();
    const { ctx } = recordingContext();
    expect(renderTimeline(ctx, store, new TimeScale(0, 1000, 1000), [lane(0, true), lane(1, false)], LAYOUT, ALL, null).maskedSpans).toBe(1);
  });

  it('draws only the lanes that fit, from the first lane scrolled to', () => {
    const store = new EventStore();
    const lanes = Array.from({ length: 2048 }, (_, v) => lane(v));
    const { ctx } = recordingContext();
    expect(renderTimeline(ctx, store, new TimeScale(0, 1000, 1000), lanes, { ...LAYOUT, firstLane: 1000 }, ALL, null).lanesDrawn).toBe(9);
  });

  it('hit-tests the nearest event in the lane under the pointer', () => {
    const store = new EventStore();
    store.append(columns([{ time: 100, kind: EventKind.NotifyDelivered }, { time: 104, kind: EventKind.NotifyPended }, { time: 500, kind: EventKind.NotifyDelivered, vector: 1 }]));
    const scale = new TimeScale(0, 1000, 1000);
    const lanes = [lane(0), lane(1)];
    expect(hitTest(store, scale, lanes, LAYOUT, ALL, 100 + 103, 30)).toBe(1);
    expect(hitTest(store, scale, lanes, LAYOUT, ALL, 100 + 500, 50)).toBe(2);
    expect(hitTest(store, scale, lanes, LAYOUT, ALL, 100 + 300, 30)).toBeNull();
    expect(hitTest(store, scale, lanes, LAYOUT, { ...ALL, pended: false }, 100 + 103, 30)).toBe(0);
  });

  it('describes a delivered notify in plain words (A1)', () => {
    const store = new EventStore();
    store.append(columns([{ time: 1500, kind: EventKind.NotifyDelivered, vector: 2, a: 1, b: 0x31, c: 0xfee01000 }], 41));
    expect(describeEvent(store, 0)).toMatchObject({ seq: 41, kind: 'NotifyDelivered', device: '00:03.0', vector: 2, summary: 'vector 2 delivered to APIC 1, IDT vector 0x31 (fixed)' });
    expect(describeEvent(store, 1)).toBeNull();
  });
});
