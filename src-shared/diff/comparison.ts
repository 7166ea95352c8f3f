// Two runs side by side in the app: what the host answers about a comparison of the
// current run (A) with a saved session (B), aligned as `irqscope diff` aligns them
// (run-diff.ts). The view asks for windows of one shared axis and draws both runs'
// lanes stacked on it.
import type { DiffOp } from './run-diff';
import type { EventRecord } from '../timeline/event-record';

/**
 * `time`: each run's events at their virtual time; `aligned`: at their step of the
 * alignment, so matched events stand one above the other even when the runs' clocks
 * differ (or never moved, as in a qtest script without clock steps).
 */
export const COMPARE_AXES = ['time', 'aligned'] as const;
export type CompareAxis = (typeof COMPARE_AXES)[number];

/** Events a compared run may hold (each side); beyond it the comparison is refused, naming the count. */
export const MAX_COMPARED_EVENTS = 1 << 22;
/** Differences the comparison answers with their events (the counts cover all of them). */
export const MAX_LISTED_DIFFERENCES = 1000;
/** Lanes a comparison window draws per run; the rest are counted. */
export const MAX_COMPARED_LANES = 32;

export interface ComparedRun {
  name: string;
  events: number;
  firstSeq: number;
  /** Virtual time of the first and last event (0, 0 for an empty run). */
  startNs: number;
  endNs: number;
}

export interface Difference {
  op: DiffOp;
  /** Its place on the aligned axis. */
  step: number;
  /** The event on each side; null on the side it is missing from. */
  a: EventRecord | null;
  b: EventRecord | null;
}

/** The two events at one step of the alignment (null where a run has none there). */
export interface ComparedPair {
  step: number;
  op: DiffOp | 'alike';
  a: EventRecord | null;
  b: EventRecord | null;
}

export interface RunComparison {
  a: ComparedRun;
  b: ComparedRun;
  /** Length of the aligned axis: matched pairs plus unmatched events. */
  steps: number;
  alike: number;
  onlyA: number;
  onlyB: number;
  different: number;
  /** The first MAX_LISTED_DIFFERENCES differences, in order. */
  differences: Difference[];
  /** Lanes (bdf, vector; 65535: the function lane) that have events in either run, in drawing order. */
  lanes: { bdf: number; vector: number }[];
  /** Lanes beyond MAX_COMPARED_LANES, not drawn. */
  lanesNotShown: number;
}

/** One pixel column of one lane: how many events fall in it, the class drawn, and how many of them diverge. */
export interface CompareMark {
  px: number;
  count: number;
  /** MarkerClass of the most telling event in the column (dropped > pended > delivered > other), EDGE for mask changes. */
  cls: number;
  diverging: number;
  /** An event of the column, a diverging one when there is one: what a click selects. */
  seq: number;
}

export interface CompareWindow {
  axis: CompareAxis;
  start: number;
  end: number;
  pixels: number;
  /** Per run, per lane of RunComparison.lanes (same order): the marks in the window. */
  runs: [CompareMark[][], CompareMark[][]];
}
