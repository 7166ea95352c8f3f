// Draws two runs stacked on one axis: run A's lanes, then run B's, the same lanes in
// the same order, each with a strip on top where its events diverge; the selected
// pair is outlined in both. Pure apart from the canvas, so the layout and hit test
// can be tested without one.
import type { CompareMark, CompareWindow, ComparedPair } from '../../src-shared/diff/comparison';
import { EDGE, FUNCTION_LANE } from '../../src-shared/timeline/lanes';
import { COLORS } from './render-timeline';
import { tickStep } from './time-scale';

export const COMPARE_LAYOUT = { labelWidth: 120, axisHeight: 22, runHeader: 20, strip: 8, laneHeight: 16 } as const;
const CLASS_COLORS = [COLORS.delivered, COLORS.pended, COLORS.dropped, COLORS.other, COLORS.breakpoint, COLORS.maskedEdge];
const DIVERGE = '#f43f5e';
const DIVERGE_BAND = 'rgba(244, 63, 94, 0.14)';
const RUN_NAMES = ['A', 'B'] as const;

export interface CompareLaneLabel {
  bdf: number;
  vector: number;
}

/** Top of run r's block (its header), in CSS px. */
export function runTop(run: 0 | 1, lanes: number): number {
  const L = COMPARE_LAYOUT;
  return L.axisHeight + run * (L.runHeader + L.strip + lanes * L.laneHeight);
}

export function compareHeight(lanes: number): number {
  return runTop(1, lanes) * 2 - COMPARE_LAYOUT.axisHeight;
}

export const laneText = (l: CompareLaneLabel): string => {
  const bdf = `${((l.bdf >> 8) & 0xff).toString(16).padStart(2, '0')}:${((l.bdf >> 3) & 0x1f).toString(16).padStart(2, '0')}.${l.bdf & 7}`;
  return l.vector === FUNCTION_LANE ? `${bdf} function` : `${bdf} v${l.vector}`;
};

/** The run, lane and pixel column under (x, y), or null (the axis, a header, the labels). */
export function compareHit(x: number, y: number, lanes: number): { run: 0 | 1; lane: number; px: number } | null {
  const L = COMPARE_LAYOUT;
  if (x < L.labelWidth) return null;
  for (const run of [0, 1] as const) {
    const top = runTop(run, lanes) + L.runHeader + L.strip;
    const lane = Math.floor((y - top) / L.laneHeight);
    if (lane >= 0 && lane < lanes) return { run, lane, px: Math.floor(x - L.labelWidth) };
  }
  return null;
}

/** The mark nearest pixel column px (within `slop` columns) in a lane. */
export function markNear(marks: readonly CompareMark[], px: number, slop = 3): CompareMark | null {
  let best: CompareMark | null = null;
  for (const m of marks) if (Math.abs(m.px - px) <= slop && (best === null || Math.abs(m.px - px) < Math.abs(best.px - px))) best = m;
  return best;
}

export interface CompareDrawStats {
  marks: number;
  diverging: number;
}

export function renderCompare(
  ctx: CanvasRenderingContext2D,
  width: number,
  frame: CompareWindow | null,
  lanes: readonly CompareLaneLabel[],
  runNames: readonly [string, string],
  selected: ComparedPair | null,
): CompareDrawStats {
  const L = COMPARE_LAYOUT;
  const height = compareHeight(lanes.length);
  const plot = Math.max(1, width - L.labelWidth);
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, width, height);
  ctx.font = '11px ui-monospace, monospace';
  ctx.textBaseline = 'middle';
  const stats: CompareDrawStats = { marks: 0, diverging: 0 };
  if (frame === null) return stats;
  const toPx = (x: number): number => L.labelWidth + ((x - frame.start) / (frame.end - frame.start)) * plot;
  drawAxis(ctx, frame, width, height, toPx);
  // On the aligned axis a column is the same step in both runs: where either diverges, a band across both says the runs part there.
  if (frame.axis === 'aligned') {
    ctx.fillStyle = DIVERGE_BAND;
    for (const px of divergingColumns(frame)) ctx.fillRect(L.labelWidth + px - 2, L.axisHeight, 5, height - L.axisHeight);
  }
  for (const run of [0, 1] as const) {
    const top = runTop(run, lanes.length);
    ctx.fillStyle = COLORS.label;
    ctx.fillText(`${RUN_NAMES[run]}: ${runNames[run]}`, 6, top + L.runHeader / 2);
    const stripTop = top + L.runHeader;
    ctx.fillStyle = COLORS.labelMuted;
    ctx.fillText('differs', 6, stripTop + L.strip / 2);
    lanes.forEach((lane, i) => {
      const y = stripTop + L.strip + i * L.laneHeight;
      if (i % 2 === 1) {
        ctx.fillStyle = COLORS.laneAlt;
        ctx.fillRect(0, y, width, L.laneHeight);
      }
      ctx.fillStyle = COLORS.labelMuted;
      ctx.fillText(laneText(lane), 6, y + L.laneHeight / 2);
      for (const m of frame.runs[run][i] ?? []) {
        const x = L.labelWidth + m.px;
        stats.marks++;
        ctx.fillStyle = CLASS_COLORS[m.cls] ?? COLORS.other;
        if (m.cls === EDGE) ctx.fillRect(x, y + 2, 1, L.laneHeight - 4);
        else ctx.fillRect(x - 1, y + 4, 3, L.laneHeight - 8);
        if (m.diverging === 0) continue;
        stats.diverging++;
        ctx.strokeStyle = DIVERGE;
        ctx.strokeRect(x - 2.5, y + 2.5, 6, L.laneHeight - 5);
        ctx.fillStyle = DIVERGE;
        ctx.fillRect(x - 1, stripTop + 1, 3, L.strip - 2);
      }
    });
    if (selected !== null) drawSelected(ctx, run, selected, frame, lanes.length, toPx, top);
  }
  return stats;
}

/** The pixel columns where an event of either run diverges. */
export function divergingColumns(frame: CompareWindow): Set<number> {
  const out = new Set<number>();
  for (const run of frame.runs) for (const lane of run) for (const m of lane) if (m.diverging > 0) out.add(m.px);
  return out;
}

function drawAxis(ctx: CanvasRenderingContext2D, frame: CompareWindow, width: number, height: number, toPx: (x: number) => number): void {
  const L = COMPARE_LAYOUT;
  const perPx = (frame.end - frame.start) / Math.max(1, width - L.labelWidth);
  const step = Math.max(frame.axis === 'aligned' ? 1 : 1e-9, tickStep(perPx));
  ctx.strokeStyle = COLORS.grid;
  ctx.fillStyle = COLORS.axisText;
  for (let t = Math.ceil(frame.start / step) * step; t <= frame.end; t += step) {
    const x = Math.round(toPx(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, L.axisHeight - 4);
    ctx.lineTo(x, height);
    ctx.stroke();
    ctx.fillText(frame.axis === 'aligned' ? `step ${Math.round(t)}` : `${t} ns`, x + 3, L.axisHeight / 2);
  }
  ctx.fillText(frame.axis === 'aligned' ? 'aligned events' : 'virtual time', 6, L.axisHeight / 2);
}

/** The selected pair's event in this run: a line across the run's block at its place, named by its sequence number. */
function drawSelected(ctx: CanvasRenderingContext2D, run: 0 | 1, pair: ComparedPair, frame: CompareWindow, lanes: number, toPx: (x: number) => number, top: number): void {
  const L = COMPARE_LAYOUT;
  const event = run === 0 ? pair.a : pair.b;
  const at = frame.axis === 'aligned' ? pair.step + 0.5 : event?.timeNs;
  if (at === undefined || at < frame.start || at > frame.end) return;
  const x = Math.round(toPx(at)) + 0.5;
  ctx.strokeStyle = event === null ? COLORS.labelMuted : COLORS.selected;
  ctx.setLineDash(event === null ? [3, 3] : []);
  ctx.beginPath();
  ctx.moveTo(x, top + L.runHeader);
  ctx.lineTo(x, top + L.runHeader + L.strip + lanes * L.laneHeight);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = COLORS.selected;
  ctx.fillText(event === null ? 'not in this run' : `#${event.seq}`, x + 4, top + L.runHeader / 2);
}
