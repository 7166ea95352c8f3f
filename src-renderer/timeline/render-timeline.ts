// Draws the timeline lanes onto a 2D canvas from a window the host answered
// (src-shared/timeline/window.ts): at most one mark per class and pixel column when
// zoomed out, every event when zoomed in, so the cost follows the pixels on screen,
// not the events held. A window cut for an older view still draws where its times
// fall in the current one, so panning never waits for the host.
import { EDGE, FUNCTION_LANE, MARKER_CLASSES, MarkerClass } from '../../src-shared/timeline/lanes';
import type { TimelineWindow, WindowLane } from '../../src-shared/timeline/window';
import { TimeScale, axisTicks } from './time-scale';
import { count as formatCount, formatTime, unitFor } from '../lib/format';
export interface TimelineLane {
  key: number;
  bdf: number;
  /** FUNCTION_LANE for the device's function-wide lane. */
  vector: number;
  label: string;
  /** The masked state now, for a lane with no mask changes in the loaded events; null when unknown. */
  maskedNow: boolean | null;
}

export interface KindFilter {
  delivered: boolean;
  pended: boolean;
  dropped: boolean;
  other: boolean;
  breakpoint: boolean;
  masked: boolean;
}

export interface TimelineLayout {
  width: number;
  height: number;
  labelWidth: number;
  axisHeight: number;
  laneHeight: number;
  /** Index of the first lane drawn (vertical scroll). */
  firstLane: number;
}

export interface DrawStats {
  /** Events of each class inside the view, over the lanes drawn. */
  delivered: number;
  pended: number;
  dropped: number;
  other: number;
  breakpoint: number;
  /** Masked spans drawn. */
  maskedSpans: number;
  lanesDrawn: number;
  /** Lanes drawn from per-pixel buckets rather than every event. */
  bucketLanes: number;
  /** Events before the oldest one the host holds (drawn as an evicted range). */
  evicted: number;
}

export const COLORS = {
  background: '#12151a',
  laneAlt: '#161a20',
  grid: '#262c35',
  axisText: '#8b96a5',
  label: '#c3ccd8',
  labelMuted: '#7c8796',
  masked: 'rgba(148, 163, 184, 0.16)',
  maskedEdge: 'rgba(148, 163, 184, 0.45)',
  delivered: '#4ade80',
  pended: '#fbbf24',
  dropped: '#f87171',
  other: '#64748b',
  breakpoint: '#c084fc',
  selected: '#ffffff',
  evicted: 'rgba(248, 113, 113, 0.10)',
  evictedText: '#f87171',
} as const;

/** By lane class: the marker classes, then EDGE (a mask change, drawn as the span's edge). */
const CLASS_COLORS = [COLORS.delivered, COLORS.pended, COLORS.dropped, COLORS.other, COLORS.breakpoint, COLORS.maskedEdge];
const CLASS_KEYS = ['delivered', 'pended', 'dropped', 'other', 'breakpoint', 'masked'] as const;

export function visibleLaneCount(layout: TimelineLayout): number {
  return Math.max(0, Math.ceil((layout.height - layout.axisHeight) / layout.laneHeight));
}

/** Maps a window's pixel x to the current view's pixels. */
function windowToView(window: TimelineWindow, scale: TimeScale): (x: number) => number {
  const nsPerPx = (window.endNs - window.startNs) / window.pixels;
  return (x) => scale.toPx(window.startNs + x * nsPerPx);
}

export function renderTimeline(
  ctx: CanvasRenderingContext2D,
  window: TimelineWindow | null,
  scale: TimeScale,
  lanes: readonly TimelineLane[],
  layout: TimelineLayout,
  show: KindFilter,
  selectedSeq: number | null,
): DrawStats {
  const { width, height, labelWidth, axisHeight, laneHeight } = layout;
  const stats: DrawStats = { delivered: 0, pended: 0, dropped: 0, other: 0, breakpoint: 0, maskedSpans: 0, lanesDrawn: 0, bucketLanes: 0, evicted: window?.evicted ?? 0 };
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, width, height);
  drawAxis(ctx, scale, layout);
  const byKey = new Map<number, WindowLane>();
  for (const lane of window?.lanes ?? []) byKey.set(lane.key, lane);
  const toView = window === null ? null : windowToView(window, scale);
  const last = Math.min(lanes.length, layout.firstLane + visibleLaneCount(layout));
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, axisHeight, width, height - axisHeight);
  ctx.clip();
  for (let li = layout.firstLane; li < last; li++) {
    const lane = lanes[li]!;
    const y = axisHeight + (li - layout.firstLane) * laneHeight;
    if ((li & 1) === 1) {
      ctx.fillStyle = COLORS.laneAlt;
      ctx.fillRect(0, y, width, laneHeight);
    }
    const data = byKey.get(lane.key);
    ctx.save();
    ctx.beginPath();
    ctx.rect(labelWidth, y, width - labelWidth, laneHeight);
    ctx.clip();
    ctx.translate(labelWidth, 0);
    if (show.masked) stats.maskedSpans += drawMaskSpans(ctx, data, lane.maskedNow, toView, scale.width, y, laneHeight);
    if (data !== undefined && toView !== null) {
      if (!data.exact) stats.bucketLanes++;
      for (const cls of MARKER_CLASSES) if (show[CLASS_KEYS[cls]]) stats[CLASS_KEYS[cls]] += data.totals[cls] ?? 0;
      drawMarks(ctx, data, toView, show, y, laneHeight, selectedSeq);
    }
    ctx.restore();
    ctx.fillStyle = lane.vector === FUNCTION_LANE ? COLORS.label : COLORS.labelMuted;
    ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
    ctx.textBaseline = 'middle';
    ctx.fillText(lane.label, 6, y + laneHeight / 2, labelWidth - 10);
    stats.lanesDrawn++;
  }
  ctx.restore();
  if (window !== null && window.evicted > 0 && window.oldestTimeNs !== null) drawEvicted(ctx, window, scale, layout);
  ctx.fillStyle = COLORS.grid;
  ctx.fillRect(labelWidth - 1, axisHeight, 1, height - axisHeight);
  return stats;
}

/** What the host no longer holds, shaded up to its oldest event, with how many events it was. */
function drawEvicted(ctx: CanvasRenderingContext2D, window: TimelineWindow, scale: TimeScale, layout: TimelineLayout): void {
  const to = Math.min(scale.width, scale.toPx(window.oldestTimeNs!));
  if (to <= 0) return;
  const { labelWidth, axisHeight, height } = layout;
  ctx.fillStyle = COLORS.evicted;
  ctx.fillRect(labelWidth, axisHeight, to, height - axisHeight);
  ctx.fillStyle = COLORS.evictedText;
  ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
  ctx.textBaseline = 'top';
  ctx.fillText(`evicted: ${formatCount(window.evicted)} events`, labelWidth + 6, axisHeight + 4, Math.max(40, to - 10));
}

/** The width of one character of the axis's 10 px monospace font (a little over, so labels never touch). */
const AXIS_CHAR_PX = 6.5;

function drawAxis(ctx: CanvasRenderingContext2D, scale: TimeScale, layout: TimelineLayout): void {
  const { width, height, labelWidth, axisHeight } = layout;
  ctx.font = '10px ui-monospace, SFMono-Regular, Menlo, monospace';
  ctx.textBaseline = 'middle';
  // One unit for the whole axis, from its widest end; labels to the step's precision.
  const unit = unitFor(Math.max(Math.abs(scale.start), Math.abs(scale.end)));
  const { step, first } = axisTicks(scale, formatTime, AXIS_CHAR_PX, unit);
  for (let t = first; t <= scale.end; t += step) {
    const x = labelWidth + Math.round(scale.toPx(t));
    ctx.fillStyle = COLORS.grid;
    ctx.fillRect(x, axisHeight - 5, 1, height - axisHeight + 5);
    ctx.fillStyle = COLORS.axisText;
    ctx.fillText(formatTime(t, step, unit), x + 3, axisHeight / 2);
  }
  ctx.fillStyle = COLORS.grid;
  ctx.fillRect(0, axisHeight - 1, width, 1);
}

/** [top, height, width] of a class's marker in a lane at y of height h: each class its own shape and place, wide enough to see. */
function markerShape(cls: number, y: number, h: number): [number, number, number] {
  switch (cls) {
    case MarkerClass.Delivered:
      return [y + 3, h - 6, 3];
    case MarkerClass.Pended:
      return [y + 3, (h - 6) / 2, 4];
    case MarkerClass.Dropped:
      return [y + h / 2, (h - 6) / 2, 4];
    case MarkerClass.Breakpoint:
      return [y + 1, 5, 5];
    case EDGE:
      return [y + 1, h - 2, 1];
    default:
      return [y + h - 6, 4, 2];
  }
}

function drawMarks(ctx: CanvasRenderingContext2D, lane: WindowLane, toView: (x: number) => number, show: KindFilter, y: number, h: number, selectedSeq: number | null): void {
  // The host sends a lane's marks class by class: style and shape change once per class, and nothing is allocated per mark.
  let shapeOf = -1;
  let top = 0;
  let height = 0;
  let w = 0;
  for (let k = 0; k < lane.x.length; k++) {
    const cls = lane.cls[k]!;
    if (!show[CLASS_KEYS[cls]!]) continue;
    if (cls !== shapeOf) {
      shapeOf = cls;
      [top, height, w] = markerShape(cls, y, h);
      ctx.fillStyle = CLASS_COLORS[cls]!;
    }
    const px = Math.floor(toView(lane.x[k]!));
    ctx.fillRect(px - (w >> 1), top, w, height);
    if (lane.seq[k] === selectedSeq) {
      ctx.strokeStyle = COLORS.selected;
      ctx.lineWidth = 1;
      ctx.strokeRect(px - 4.5, y + 1.5, 9, h - 3);
    }
  }
}

function drawMaskSpans(ctx: CanvasRenderingContext2D, lane: WindowLane | undefined, maskedNow: boolean | null, toView: ((x: number) => number) | null, width: number, y: number, h: number): number {
  const span = (from: number, to: number): void => {
    ctx.fillStyle = COLORS.masked;
    ctx.fillRect(from, y + 1, Math.max(1, to - from), h - 2);
    ctx.fillStyle = COLORS.maskedEdge;
    ctx.fillRect(from, y + 1, Math.max(1, to - from), 1);
  };
  // A lane that never changed its mask shows the state it has now.
  if (lane === undefined || toView === null || lane.maskedAtStart === null) {
    if (maskedNow !== true) return 0;
    span(0, width);
    return 1;
  }
  for (let k = 0; k < lane.masked.length; k += 2) span(toView(lane.masked[k]!), toView(lane.masked[k + 1]!));
  return lane.masked.length / 2;
}

/** The sequence number of the mark nearest to (x, y) within `radius` px in the lane under y, or null. */
export function hitTest(
  window: TimelineWindow | null,
  scale: TimeScale,
  lanes: readonly TimelineLane[],
  layout: TimelineLayout,
  show: KindFilter,
  x: number,
  y: number,
  radius = 5,
): number | null {
  if (window === null || y < layout.axisHeight || x < layout.labelWidth) return null;
  const lane = lanes[layout.firstLane + Math.floor((y - layout.axisHeight) / layout.laneHeight)];
  const data = lane === undefined ? undefined : window.lanes.find((l) => l.key === lane.key);
  if (data === undefined) return null;
  const toView = windowToView(window, scale);
  const px = x - layout.labelWidth;
  let best: number | null = null;
  let bestDistance = radius + 1;
  for (let k = 0; k < data.x.length; k++) {
    if (!show[CLASS_KEYS[data.cls[k]!]!]) continue;
    const d = Math.abs(toView(data.x[k]!) - px);
    if (d < bestDistance) {
      bestDistance = d;
      best = data.seq[k]!;
    }
  }
  return best;
}
