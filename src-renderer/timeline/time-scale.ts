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

/** Tick spacing: 1, 2 or 5 times a power of ten, giving at least `minPx` between ticks. */
export function tickStep(nsPerPx: number, minPx = 80): number {
  const raw = nsPerPx * minPx;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}
