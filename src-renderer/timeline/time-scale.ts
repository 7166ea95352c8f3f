// The px <-> virtual time transform of the timeline: [start, end) ns over `width` px.
export class TimeScale {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly width: number,
  ) {}

  get nsPerPx(): number {
    return (this.end - this.start) / Math.max(1, this.width);
  }

  toPx(t: number): number {
    return ((t - this.start) / (this.end - this.start)) * this.width;
  }

  toTime(px: number): number {
    return this.start + (px / this.width) * (this.end - this.start);
  }
}

/** The view after zooming by `factor` (<1 zooms in) around time `at`, never narrower than minSpan. */
export function zoomView(start: number, end: number, factor: number, at: number, minSpan = 10): [number, number] {
  const span = Math.max(minSpan, (end - start) * factor);
  const ratio = end === start ? 0.5 : (at - start) / (end - start);
  const s = at - ratio * span;
  return [s, s + span];
}

/** Tick spacing: 1, 2 or 5 times a power of ten (at least 1 ns: time is whole ns), giving at least `minPx` between ticks. */
export function tickStep(nsPerPx: number, minPx = 80): number {
  const raw = Math.max(1, nsPerPx * minPx);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/**
 * The axis's ticks: a step whose labels, written to the step's precision
 * (formatTime), fit between two ticks, so zoomed in on a late time the labels
 * grow digits instead of repeating (`230.580001 s`, `230.580002 s`, never six `230.58 s`).
 */
export function axisTicks(scale: TimeScale, labelOf: (t: number, step: number, unit: number) => string, charPx: number, unit: number): { step: number; first: number } {
  let minPx = 80;
  let step = tickStep(scale.nsPerPx, minPx);
  for (let k = 0; k < 4; k++) {
    const widest = Math.max(labelOf(scale.start, step, unit).length, labelOf(scale.end, step, unit).length);
    const need = widest * charPx + 12;
    if (need <= step / scale.nsPerPx) break;
    minPx = need;
    step = tickStep(scale.nsPerPx, minPx);
  }
  return { step, first: Math.ceil(scale.start / step) * step };
}
