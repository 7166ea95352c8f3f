// Two runs side by side: aligns their event streams and says where they part. Events
// are matched by what they are about (kind, with the four notify outcomes as one
// class, device, vector), so the same notify delivered in one run and pended in the
// other is one event with a different outcome, not two unrelated ones. After a
// mismatch the aligner looks a bounded window ahead in both runs for the nearest
// place they agree again: O(events × window), nothing quadratic.
import type { EventColumns } from '../timeline/columns';
import { EventKind, sameFields } from '../timeline/event-schema';

export type DiffOp = 'onlyA' | 'onlyB' | 'different';

export interface Divergence {
  op: DiffOp;
  /** Sequence numbers of the events in each run; on the side an event is missing from, the event it would come before. */
  a: number;
  b: number;
}

export interface RunDiff {
  eventsA: number;
  eventsB: number;
  alike: number;
  onlyA: number;
  onlyB: number;
  different: number;
  /** The first MAX_DIVERGENCES divergences, in order. */
  divergences: Divergence[];
}

export const MAX_DIVERGENCES = 10_000;

/** Where the alignment put every event: one step per matched pair or unmatched event, so a step is the shared axis of a side-by-side view. */
export interface Alignment {
  /** Per event of A (index in its columns): its step. */
  stepA: Int32Array;
  stepB: Int32Array;
  /** Per event: 0 alike, else the DiffOp it is part of (DIFF_OP_CODES). */
  opA: Uint8Array;
  opB: Uint8Array;
  steps: number;
}

export const DIFF_OP_CODES: Record<DiffOp, number> = { onlyA: 1, onlyB: 2, different: 3 };

export function emptyAlignment(eventsA: number, eventsB: number): Alignment {
  return { stepA: new Int32Array(eventsA), stepB: new Int32Array(eventsB), opA: new Uint8Array(eventsA), opB: new Uint8Array(eventsB), steps: 0 };
}
/** How far ahead (in events, on each side) a resynchronisation is looked for. */
const WINDOW = 64;
/** Events that must agree after a resynchronisation point for it to count. */
const CONFIRM = 3;

const NOTIFY_CLASS = 0x100;
const OUTCOMES = new Set<number>([EventKind.NotifyDelivered, EventKind.NotifyToMemory, EventKind.NotifyPended, EventKind.NotifyDropped]);

/** What an event is about: equal keys mean "the same event" in both runs. */
function key(cols: EventColumns, i: number): number {
  const kind = cols.kind[i]!;
  const k = OUTCOMES.has(kind) ? NOTIFY_CLASS : kind;
  return (k * 0x10000 + cols.bdf[i]!) * 0x10000 + cols.vector[i]!;
}

function sameContent(a: EventColumns, i: number, b: EventColumns, j: number): boolean {
  // Same key: same kind class, device and vector.
  return a.kind[i] === b.kind[j] && a.origin[i] === b.origin[j] && sameFields(a, i, b, j);
}

/** `align` (sized by emptyAlignment for these runs), when given, gets every event's step. */
export function diffRuns(a: EventColumns, b: EventColumns, align?: Alignment): RunDiff {
  const n = a.kind.length;
  const m = b.kind.length;
  const out: RunDiff = { eventsA: n, eventsB: m, alike: 0, onlyA: 0, onlyB: 0, different: 0, divergences: [] };
  let step = 0;
  const place = (op: number, i: number, j: number, inA: boolean, inB: boolean): void => {
    if (align === undefined) return;
    if (inA) {
      align.stepA[i] = step;
      align.opA[i] = op;
    }
    if (inB) {
      align.stepB[j] = step;
      align.opB[j] = op;
    }
  };
  const note = (op: DiffOp, i: number, j: number): void => {
    out[op]++;
    if (out.divergences.length < MAX_DIVERGENCES) out.divergences.push({ op, a: a.firstSeq + i, b: b.firstSeq + j });
    place(DIFF_OP_CODES[op], i, j, op !== 'onlyB', op !== 'onlyA');
    step++;
  };
  const agrees = (i: number, j: number): boolean => {
    for (let k = 0; k < CONFIRM; k++) {
      if (i + k >= n || j + k >= m) return i + k >= n && j + k >= m;
      if (key(a, i + k) !== key(b, j + k)) return false;
    }
    return true;
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (key(a, i) === key(b, j)) {
      if (sameContent(a, i, b, j)) {
        out.alike++;
        place(0, i, j, true, true);
        step++;
      } else note('different', i, j);
      i++;
      j++;
      continue;
    }
    const skip = resync(i, j, n, m, agrees);
    if (skip === null) {
      note('onlyA', i++, j);
      note('onlyB', i, j++);
      continue;
    }
    for (let k = 0; k < skip.da; k++) note('onlyA', i++, j);
    for (let k = 0; k < skip.db; k++) note('onlyB', i, j++);
  }
  while (i < n) note('onlyA', i++, j);
  while (j < m) note('onlyB', i, j++);
  if (align !== undefined) align.steps = step;
  return out;
}

/** The nearest (fewest events skipped in all) place after (i, j) where both runs agree again. */
function resync(i: number, j: number, n: number, m: number, agrees: (i: number, j: number) => boolean): { da: number; db: number } | null {
  for (let d = 1; d <= 2 * WINDOW; d++) {
    for (let da = Math.max(0, d - WINDOW); da <= Math.min(d, WINDOW); da++) {
      const db = d - da;
      if (i + da > n || j + db > m) continue;
      if (agrees(i + da, j + db)) return { da, db };
    }
  }
  return null;
}

export function runsDiffer(d: RunDiff): boolean {
  return d.onlyA + d.onlyB + d.different > 0;
}
