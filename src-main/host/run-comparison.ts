// A comparison the app holds open: the current run (A, as it stood when the
// comparison was made) and a saved session's run (B), aligned once by the same
// aligner as `irqscope diff`, then asked for windows of a shared axis. A window costs
// the events inside it (binary search to its start; both axes grow with the event
// index), and answers one mark per lane and pixel column, never one per event.
import type { EventColumns } from '../../src-shared/timeline/columns';
import { diffRuns, emptyAlignment, type Alignment, type DiffOp } from '../../src-shared/diff/run-diff';
import {
  MAX_COMPARED_LANES,
  MAX_LISTED_DIFFERENCES,
  type CompareAxis,
  type CompareMark,
  type CompareWindow,
  type ComparedPair,
  type ComparedRun,
  type Difference,
  type RunComparison,
} from '../../src-shared/diff/comparison';
import { eventRecord, type EventRecord } from '../../src-shared/timeline/event-record';
import { MarkerClass, classInLane, laneOfEvent, splitLaneKey } from '../../src-shared/timeline/lanes';

/** By lane class (MarkerClass, then EDGE): which a column shows when it holds several — dropped, then pended, then delivered. */
const CLASS_RANK = [2, 3, 4, 0, 1, 0];
const OP_NAMES: readonly (DiffOp | 'alike')[] = ['alike', 'onlyA', 'onlyB', 'different'];

interface Side {
  cols: EventColumns;
  step: Int32Array;
  op: Uint8Array;
  /** Per event: its lane's index in the comparison's lanes, or -1 (not drawn). */
  lane: Int32Array;
  /** Per event: its class in its lane (classInLane), so a window reads it rather than works it out. */
  cls: Uint8Array;
}

export class OpenComparison {
  readonly summary: RunComparison;
  private readonly sides: [Side, Side];

  constructor(a: EventColumns, b: EventColumns, names: [string, string]) {
    const align: Alignment = emptyAlignment(a.kind.length, b.kind.length);
    const diff = diffRuns(a, b, align);
    const keys = laneKeys(a, b);
    const shown = keys.slice(0, MAX_COMPARED_LANES);
    const index = new Map(shown.map((k, i) => [k, i]));
    this.sides = [side(a, align.stepA, align.opA, index), side(b, align.stepB, align.opB, index)];
    const differences: Difference[] = diff.divergences.slice(0, MAX_LISTED_DIFFERENCES).map((d) => {
      const inA = d.op !== 'onlyB';
      const inB = d.op !== 'onlyA';
      return {
        op: d.op,
        step: inA ? align.stepA[d.a - a.firstSeq]! : align.stepB[d.b - b.firstSeq]!,
        a: inA ? eventRecord(a, d.a - a.firstSeq) : null,
        b: inB ? eventRecord(b, d.b - b.firstSeq) : null,
      };
    });
    this.summary = {
      a: runInfo(a, names[0]),
      b: runInfo(b, names[1]),
      steps: align.steps,
      alike: diff.alike,
      onlyA: diff.onlyA,
      onlyB: diff.onlyB,
      different: diff.different,
      differences,
      lanes: shown.map(splitLaneKey),
      lanesNotShown: keys.length - shown.length,
    };
  }

  window(axis: CompareAxis, start: number, end: number, pixels: number): CompareWindow {
    const lanes = this.summary.lanes.length;
    const runs = this.sides.map((s) => sideWindow(s, axis, start, end, pixels, lanes)) as [CompareMark[][], CompareMark[][]];
    return { axis, start, end, pixels, runs };
  }

  /** The event `seq` of run A or B with its counterpart at the same step; null when the run holds no such event. */
  pairOf(run: 'a' | 'b', seq: number): ComparedPair | null {
    const s = this.sides[run === 'a' ? 0 : 1];
    const i = seq - s.cols.firstSeq;
    if (!(i >= 0 && i < s.cols.kind.length)) return null;
    const step = s.step[i]!;
    const [a, b] = this.sides.map((x) => {
      const at = indexOfStep(x.step, step);
      return at < 0 ? null : eventRecord(x.cols, at);
    }) as [EventRecord | null, EventRecord | null];
    return { step, op: OP_NAMES[s.op[i]!]!, a, b };
  }
}

function side(cols: EventColumns, step: Int32Array, op: Uint8Array, index: Map<number, number>): Side {
  const lane = new Int32Array(cols.kind.length);
  const cls = new Uint8Array(cols.kind.length);
  for (let i = 0; i < lane.length; i++) {
    const key = laneOfEvent(cols, i);
    lane[i] = key < 0 ? -1 : (index.get(key) ?? -1);
    cls[i] = classInLane(cols, i);
  }
  return { cols, step, op, lane, cls };
}

/** Every lane either run draws in, by device and then vector (the function lane first). */
function laneKeys(a: EventColumns, b: EventColumns): number[] {
  const keys = new Set<number>();
  for (const cols of [a, b]) {
    for (let i = 0; i < cols.kind.length; i++) {
      const key = laneOfEvent(cols, i);
      if (key >= 0) keys.add(key);
    }
  }
  // The function lane (vector 0xffff) goes before the device's vectors.
  const order = (k: number): number => {
    const { bdf, vector } = splitLaneKey(k);
    return bdf * 0x10001 + (vector === 0xffff ? 0 : vector + 1);
  };
  return [...keys].sort((x, y) => order(x) - order(y));
}

function runInfo(cols: EventColumns, name: string): ComparedRun {
  const n = cols.kind.length;
  return { name, events: n, firstSeq: cols.firstSeq, startNs: n === 0 ? 0 : cols.time[0]!, endNs: n === 0 ? 0 : cols.time[n - 1]! };
}

/** The first index whose position on the axis is >= x (positions never decrease with the index). */
function lowerBound(n: number, position: (i: number) => number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (position(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the event at `step`, or -1 when the run has none there. */
function indexOfStep(steps: Int32Array, step: number): number {
  const i = lowerBound(steps.length, (k) => steps[k]!, step);
  return i < steps.length && steps[i] === step ? i : -1;
}

function sideWindow(s: Side, axis: CompareAxis, start: number, end: number, pixels: number, lanes: number): CompareMark[][] {
  const out: CompareMark[][] = Array.from({ length: lanes }, () => []);
  const n = s.cols.kind.length;
  // On the aligned axis an event stands in the middle of its step's slot [step, step + 1).
  const positions: ArrayLike<number> = axis === 'time' ? s.cols.time : s.step;
  const shift = axis === 'time' ? 0 : 0.5;
  const perPx = pixels / (end - start);
  const { lane: laneOf, cls: clsOf, op } = s;
  for (let i = lowerBound(n, (k) => positions[k]! + shift, start); i < n; i++) {
    const x = positions[i]! + shift;
    if (x > end) break;
    const lane = laneOf[i]!;
    if (lane < 0) continue;
    const px = Math.min(pixels - 1, Math.floor((x - start) * perPx));
    const marks = out[lane]!;
    let mark = marks[marks.length - 1];
    if (mark === undefined || mark.px !== px) {
      mark = { px, count: 0, cls: MarkerClass.Other, diverging: 0, seq: s.cols.firstSeq + i };
      marks.push(mark);
    }
    const cls = clsOf[i]!;
    if (mark.count === 0 || CLASS_RANK[cls]! > CLASS_RANK[mark.cls]!) mark.cls = cls;
    mark.count++;
    if (op[i] !== 0) {
      if (mark.diverging === 0) mark.seq = s.cols.firstSeq + i;
      mark.diverging++;
    }
  }
  return out;
}
