// Draws the timeline lanes onto a 2D canvas. Each lane draws only its own index
// lists, binary-searched to the view, and at most one marker per pixel column per
// class: the cost follows the pixels on screen, not the events loaded.
import { EventStore, FUNCTION_LANE, MARKER_CLASSES, MarkerClass, edgeMasked, type LaneIndex } from './event-store';
import { TimeScale, tickStep } from './time-scale';
import type { IndexList } from './seq-list';
import { formatNs } from '../lib/format';

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
} as const;

const CLASS_COLORS = [COLORS.delivered, COLORS.pended, COLORS.dropped, COLORS.other, COLORS.breakpoint];
const CLASS_KEYS = ['delivered', 'pended', 'dropped', 'other', 'breakpoint'] as const;

export function visibleLaneCount(layout: TimelineLayout): number {
  return Math.max(0, Math.ceil((layout.height - layout.axisHeight) / layout.laneHeight));
}

export function renderTimeline(
  ctx: CanvasRenderingContext2D,
  store: EventStore,
  scale: TimeScale,
  lanes: readonly TimelineLane[],
  layout: TimelineLayout,
  show: KindFilter,
  selected: number | null,
): DrawStats {
  const { width, height, labelWidth, axisHeight, laneHeight } = layout;
  const stats: DrawStats = { delivered: 0, pended: 0, dropped: 0, other: 0, breakpoint: 0, maskedSpans: 0, lanesDrawn: 0 };
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, width, height);
  drawAxis(ctx, scale, layout);
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
    const index = store.lane(lane.key);
    ctx.save();
    ctx.beginPath();
    ctx.rect(labelWidth, y, width - labelWidth, laneHeight);
    ctx.clip();
    ctx.translate(labelWidth, 0);
    if (show.masked) stats.maskedSpans += drawMaskSpans(ctx, store, index, lane.maskedNow, scale, y, laneHeight);
    if (index !== undefined) {
      for (const cls of MARKER_CLASSES) {
        if (!show[CLASS_KEYS[cls]]) continue;
        const list = index.markers[cls];
        stats[CLASS_KEYS[cls]] += store.lowerBound(list, scale.end + 1e-9) - store.lowerBound(list, scale.start);
        drawMarkers(ctx, store, list, scale, cls, y, laneHeight);
      }
      if (selected !== null) drawSelection(ctx, store, index, scale, selected, y, laneHeight);
    }
    ctx.restore();
    ctx.fillStyle = lane.vector === FUNCTION_LANE ? COLORS.label : COLORS.labelMuted;
    ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
    ctx.textBaseline = 'middle';
    ctx.fillText(lane.label, 6, y + laneHeight / 2, labelWidth - 10);
    stats.lanesDrawn++;
  }
  ctx.restore();
  ctx.fillStyle = COLORS.grid;
  ctx.fillRect(labelWidth - 1, axisHeight, 1, height - axisHeight);
  return stats;
}

function drawAxis(ctx: CanvasRenderingContext2D, scale: TimeScale, layout: TimelineLayout): void {
  const { width, height, labelWidth, axisHeight } = layout;
  const step = tickStep(scale.nsPerPx);
  ctx.font = '10px ui-monospace, SFMono-Regular, Menlo, monospace';
  ctx.textBaseline = 'middle';
  const first = Math.ceil(scale.start / step) * step;
  for (let t = first; t <= scale.end; t += step) {
    const x = labelWidth + Math.round(scale.toPx(t));
    ctx.fillStyle = COLORS.grid;
    ctx.fillRect(x, axisHeight - 5, 1, height - axisHeight + 5);
    ctx.fillStyle = COLORS.axisText;
    ctx.fillText(formatNs(t), x + 3, axisHeight / 2);
  }
  ctx.fillStyle = COLORS.grid;
  ctx.fillRect(0, axisHeight - 1, width, 1);
}

/** [top, height, width] of a class's marker in a lane at y of height h: each class its own shape and place. */
function markerShape(cls: MarkerClass, y: number, h: number): [number, number, number] {
  switch (cls) {
    case MarkerClass.Delivered:
      return [y + 3, h - 6, 2];
    case MarkerClass.Pended:
      return [y + 3, (h - 6) / 2, 3];
    case MarkerClass.Dropped:
      return [y + h / 2, (h - 6) / 2, 3];
    case MarkerClass.Breakpoint:
      return [y + 1, 4, 4];
    default:
      return [y + h - 6, 4, 1];
  }
}

/** One marker per pixel column: after drawing at px, skip to the first event past it. */
function drawMarkers(ctx: CanvasRenderingContext2D, store: EventStore, list: IndexList, scale: TimeScale, cls: MarkerClass, y: number, h: number): void {
  ctx.fillStyle = CLASS_COLORS[cls]!;
  const [top, height, w] = markerShape(cls, y, h);
  const n = list.length;
  let j = store.lowerBound(list, scale.start);
  while (j < n) {
    const t = store.timeAt(list.data[j]!);
    if (t > scale.end) break;
    const px = Math.floor(scale.toPx(t));
    ctx.fillRect(px, top, w, height);
    j = store.lowerBound(list, scale.toTime(px + 1), j + 1);
  }
}

function drawMaskSpans(ctx: CanvasRenderingContext2D, store: EventStore, index: LaneIndex | undefined, maskedNow: boolean | null, scale: TimeScale, y: number, h: number): number {
  const edges = index?.edges;
  const n = edges?.length ?? 0;
  const stateOf = (k: number): boolean => {
    const i = edges!.data[k]! - store.dropped;
    return edgeMasked(store.kind[i]!, store.a[i]!);
  };
  let k = edges === undefined ? 0 : store.lowerBound(edges, scale.start);
  let masked = k > 0 ? stateOf(k - 1) : n > 0 ? !stateOf(0) : maskedNow === true;
  let spanStart = 0;
  let spans = 0;
  const span = (from: number, to: number): void => {
    ctx.fillStyle = COLORS.masked;
    ctx.fillRect(from, y + 1, Math.max(1, to - from), h - 2);
    ctx.fillStyle = COLORS.maskedEdge;
    ctx.fillRect(from, y + 1, Math.max(1, to - from), 1);
    spans++;
  };
  while (k < n) {
    const t = store.timeAt(edges!.data[k]!);
    if (t > scale.end) break;
    const px = scale.toPx(t);
    const next = store.lowerBound(edges!, scale.toTime(Math.floor(px) + 1), k + 1);
    const now = stateOf(next - 1);
    if (masked && !now) span(spanStart, px);
    if (!masked && now) spanStart = px;
    masked = now;
    k = next;
  }
  if (masked) span(spanStart, scale.width);
  return spans;
}

function drawSelection(ctx: CanvasRenderingContext2D, store: EventStore, index: LaneIndex, scale: TimeScale, selected: number, y: number, h: number): void {
  const inLane = index.markers.some((l) => contains(l, selected)) || contains(index.edges, selected);
  if (!inLane || selected < store.dropped || selected >= store.end) return;
  const x = Math.floor(scale.toPx(store.timeAt(selected)));
  ctx.strokeStyle = COLORS.selected;
  ctx.lineWidth = 1;
  ctx.strokeRect(x - 3.5, y + 1.5, 8, h - 3);
}

function contains(list: IndexList, abs: number): boolean {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list.data[mid]! < abs) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length && list.data[lo] === abs;
}

/** The event nearest to (x, y) within `radius` px in the lane under y, or null. */
export function hitTest(
  store: EventStore,
  scale: TimeScale,
  lanes: readonly TimelineLane[],
  layout: TimelineLayout,
  show: KindFilter,
  x: number,
  y: number,
  radius = 5,
): number | null {
  if (y < layout.axisHeight || x < layout.labelWidth) return null;
  const lane = lanes[layout.firstLane + Math.floor((y - layout.axisHeight) / layout.laneHeight)];
  const index = lane === undefined ? undefined : store.lane(lane.key);
  if (index === undefined) return null;
  const px = x - layout.labelWidth;
  const t0 = scale.toTime(px - radius);
  const t1 = scale.toTime(px + radius);
  const target = scale.toTime(px);
  let best: number | null = null;
  let bestDistance = Infinity;
  const lists = MARKER_CLASSES.filter((c) => show[CLASS_KEYS[c]]).map((c) => index.markers[c]);
  if (show.masked) lists.push(index.edges);
  for (const list of lists) {
    const j = store.lowerBound(list, target);
    for (const k of [j - 1, j]) {
      if (k < 0 || k >= list.length) continue;
      const abs = list.data[k]!;
      const t = store.timeAt(abs);
      const d = Math.abs(t - target);
      if (t >= t0 && t <= t1 && d < bestDistance) {
        bestDistance = d;
        best = abs;
      }
    }
  }
  return best;
}
