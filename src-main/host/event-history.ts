// The host's copy of the whole timeline, which the renderer queries instead of
// holding: a columnar ring that grows by doubling up to its capacity (27 B per event)
// plus, per lane and class, the ascending list of its events' sequence numbers
// (4 B per event), so a window query costs what the screen shows, not what is held.
// It pulls from the machine's log (a far smaller ring) at every pump; events the log
// overwrote before they were pulled, and events it evicts itself, are counted.
import type { EventStream } from '../target/target';
import { DEFAULT_HISTORY_CAPACITY } from '../operations/limits';
import { emptyColumns, type EventColumns } from '../../src-shared/timeline/columns';
import { EDGE, LANE_CLASSES, LANE_CLASS_COUNT, classInLane, edgeMasked, laneOfEvent } from '../../src-shared/timeline/lanes';
import type { TimelineWindow, WindowLane } from '../../src-shared/timeline/window';
import { SeqChunks } from './seq-chunks';

const FIRST_CAPACITY = 1 << 16;
export const HISTORY_BYTES_PER_EVENT = 8 + 1 + 1 + 1 + 2 + 2 + 4 + 4 + 4 + 4;

type Lane = SeqChunks[];

export class EventHistory {
  private capacity = 0;
  private mask = 0;
  private time = new Float64Array(0);
  private kind = new Uint8Array(0);
  private detail = new Uint8Array(0);
  private origin = new Uint8Array(0);
  private bdf = new Uint16Array(0);
  private vector = new Uint16Array(0);
  private a = new Uint32Array(0);
  private b = new Uint32Array(0);
  private c = new Uint32Array(0);
  private readonly lanes = new Map<number, Lane>();
  /** Sequence number of the oldest event held; everything below was never held or was evicted. */
  firstSeq = 0;
  /** Sequence number of the next event. */
  total = 0;
  /** Events the machine's log overwrote before they reached the history. */
  missed = 0;
  /** Every lane list holds only sequence numbers >= this (their low 32 bits are expanded against it). */
  private listFloor = 0;

  constructor(readonly maxCapacity = DEFAULT_HISTORY_CAPACITY) {
    if (!Number.isInteger(maxCapacity) || maxCapacity < FIRST_CAPACITY || (maxCapacity & (maxCapacity - 1)) !== 0) {
      throw new RangeError(`history capacity must be a power of two >= ${FIRST_CAPACITY}, got ${maxCapacity}`);
    }
  }

  get retained(): number {
    return this.total - this.firstSeq;
  }

  /** Events below firstSeq: evicted here, missed, or never in the machine's log (a restored tail). */
  get evicted(): number {
    return this.firstSeq;
  }

  /** Bytes of columns and lane lists allocated. */
  get bytes(): number {
    let lists = 0;
    for (const lane of this.lanes.values()) for (const list of lane) lists += list.bytes;
    return this.capacity * (HISTORY_BYTES_PER_EVENT - 4) + lists;
  }

  clear(): void {
    this.firstSeq = 0;
    this.total = 0;
    this.missed = 0;
    this.listFloor = 0;
    this.lanes.clear();
  }

  /** Pulls every event the log logged since the last pull. */
  ingest(log: EventStream): void {
    if (log.total < this.total) this.clear();
    if (log.firstSeq > this.total) {
      // The log no longer has what came next: the history restarts at what it does have.
      if (this.total > 0) this.missed += log.firstSeq - this.total;
      this.firstSeq = this.total = log.firstSeq;
      this.dropLanesBelowFirst();
    }
    const evictedBefore = this.firstSeq;
    for (let seq = this.total; seq < log.total; seq++) {
      if (seq - this.firstSeq === this.capacity) {
        if (this.capacity < this.maxCapacity) this.grow();
        else this.firstSeq++;
      }
      const from = log.indexOf(seq);
      const i = seq & this.mask;
      const kind = log.kind[from]!;
      const detail = log.detail[from]!;
      const bdf = log.bdf[from]!;
      const vector = log.vector[from]!;
      this.time[i] = log.time[from]!;
      this.kind[i] = kind;
      this.detail[i] = detail;
      this.origin[i] = log.origin[from]!;
      this.bdf[i] = bdf;
      this.vector[i] = vector;
      this.a[i] = log.a[from]!;
      this.b[i] = log.b[from]!;
      this.c[i] = log.c[from]!;
      const key = laneOfEvent(kind, detail, bdf, vector);
      if (key >= 0) this.laneFor(key)[classInLane(kind, detail)]!.push(seq >>> 0);
    }
    this.total = log.total;
    if (this.firstSeq !== evictedBefore) this.dropLanesBelowFirst();
  }

  private laneFor(key: number): Lane {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = Array.from({ length: LANE_CLASS_COUNT }, () => new SeqChunks());
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private grow(): void {
    const next = Math.max(FIRST_CAPACITY, this.capacity * 2);
    const nextMask = next - 1;
    const move = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(old: T, fresh: T): T => {
      for (let seq = this.firstSeq; seq < this.firstSeq + this.capacity; seq++) fresh[seq & nextMask] = old[seq & this.mask]!;
      return fresh;
    };
    this.time = move(this.time, new Float64Array(next));
    this.kind = move(this.kind, new Uint8Array(next));
    this.detail = move(this.detail, new Uint8Array(next));
    this.origin = move(this.origin, new Uint8Array(next));
    this.bdf = move(this.bdf, new Uint16Array(next));
    this.vector = move(this.vector, new Uint16Array(next));
    this.a = move(this.a, new Uint32Array(next));
    this.b = move(this.b, new Uint32Array(next));
    this.c = move(this.c, new Uint32Array(next));
    this.capacity = next;
    this.mask = nextMask;
  }

  private dropLanesBelowFirst(): void {
    for (const lane of this.lanes.values()) {
      for (const list of lane) list.dropBelow(list.lowerBound(this.firstSeq, this.expand));
    }
    this.listFloor = this.firstSeq;
  }

  /** The full sequence number of a lane entry. */
  private readonly expand = (seq32: number): number => this.listFloor + ((seq32 - this.listFloor) >>> 0);

  private readonly timeOf = (seq32: number): number => this.time[seq32 & this.mask]!;

  timeOfSeq(seq: number): number | null {
    return seq >= this.firstSeq && seq < this.total ? this.time[seq & this.mask]! : null;
  }

  /** Copies the held events of [fromSeq, fromSeq + count) into fresh columns. */
  slice(fromSeq: number, count: number): EventColumns {
    const from = Math.max(fromSeq, this.firstSeq);
    const to = Math.min(fromSeq + count, this.total);
    const n = Math.max(0, to - from);
    const out = emptyColumns(n);
    for (let k = 0; k < n; k++) {
      const i = (from + k) & this.mask;
      out.time[k] = this.time[i]!;
      out.kind[k] = this.kind[i]!;
      out.detail[k] = this.detail[i]!;
      out.origin[k] = this.origin[i]!;
      out.bdf[k] = this.bdf[i]!;
      out.vector[k] = this.vector[i]!;
      out.a[k] = this.a[i]!;
      out.b[k] = this.b[i]!;
      out.c[k] = this.c[i]!;
    }
    out.firstSeq = from;
    return out;
  }

  /**
   * What a lane shows of [startNs, endNs] at `pixels` columns: each event as its own
   * mark (x exact) when they fit `exactLimit`, otherwise one mark per class and pixel
   * column (x the column, with its count and first event); masked spans in pixels.
   */
  window(startNs: number, endNs: number, pixels: number, keys: readonly number[], exactLimit = pixels): TimelineWindow {
    const pxPerNs = pixels / (endNs - startNs);
    const lanes = keys.map((key) => this.windowLane(key, startNs, endNs, pixels, pxPerNs, exactLimit));
    return {
      startNs,
      endNs,
      pixels,
      total: this.total,
      evicted: this.evicted,
      missed: this.missed,
      oldestTimeNs: this.retained > 0 ? this.time[this.firstSeq & this.mask]! : null,
      newestTimeNs: this.retained > 0 ? this.time[(this.total - 1) & this.mask]! : null,
      lanes,
      activeLanes: this.activeLanes(),
    };
  }

  private activeLanes(): number[] {
    const out: number[] = [];
    for (const [key, lane] of this.lanes) if (lane.some((list) => list.end > list.start)) out.push(key);
    return out.sort((x, y) => x - y);
  }

  private windowLane(key: number, startNs: number, endNs: number, pixels: number, pxPerNs: number, exactLimit: number): WindowLane {
    const out: WindowLane = { key, exact: true, x: [], cls: [], count: [], seq: [], totals: new Array<number>(LANE_CLASS_COUNT).fill(0), masked: [], maskedAtStart: null };
    const lane = this.lanes.get(key);
    if (lane === undefined) return out;
    const ranges = LANE_CLASSES.map((cls) => {
      const list = lane[cls]!;
      const lo = list.lowerBound(startNs, this.timeOf);
      const hi = list.lowerBound(nextUp(endNs), this.timeOf, lo);
      out.totals[cls] = hi - lo;
      return [lo, hi] as const;
    });
    out.exact = out.totals.reduce((s, n) => s + n, 0) <= exactLimit;
    const toPx = (t: number): number => (t - startNs) * pxPerNs;
    const toTime = (px: number): number => startNs + px / pxPerNs;
    for (const cls of LANE_CLASSES) {
      const list = lane[cls]!;
      let [j, hi] = ranges[cls]!;
      while (j < hi) {
        const s32 = list.at(j);
        const x = toPx(this.timeOf(s32));
        const column = Math.min(pixels - 1, Math.floor(x));
        const next = out.exact ? j + 1 : Math.min(hi, list.lowerBound(toTime(column + 1), this.timeOf, j + 1));
        out.x.push(out.exact ? x : column);
        out.cls.push(cls);
        out.count.push(next - j);
        out.seq.push(this.expand(s32));
        j = next;
      }
    }
    this.maskSpans(lane[EDGE]!, out, startNs, endNs, pixels, toPx, toTime);
    return out;
  }

  /** Masked spans as [from, to] pixel pairs; edges within one pixel column collapse to the state they leave. */
  private maskSpans(edges: SeqChunks, out: WindowLane, startNs: number, endNs: number, pixels: number, toPx: (t: number) => number, toTime: (px: number) => number): void {
    if (edges.end === edges.start) return;
    const stateAt = (pos: number): boolean => {
      const i = edges.at(pos) & this.mask;
      return edgeMasked(this.kind[i]!, this.a[i]!);
    };
    let k = edges.lowerBound(startNs, this.timeOf);
    let masked = k > edges.start ? stateAt(k - 1) : !stateAt(edges.start);
    out.maskedAtStart = masked;
    let from = 0;
    while (k < edges.end) {
      const t = this.timeOf(edges.at(k));
      if (t > endNs) break;
      const x = toPx(t);
      const next = edges.lowerBound(toTime(Math.floor(x) + 1), this.timeOf, k + 1);
      const now = stateAt(next - 1);
      if (masked && !now) out.masked.push(from, x);
      if (!masked && now) from = x;
      masked = now;
      k = next;
    }
    if (masked) out.masked.push(from, pixels);
  }
}

/** The smallest double above t: the upper bound of a closed range. */
function nextUp(t: number): number {
  if (t === 0) return Number.MIN_VALUE;
  return t + Math.abs(t) * Number.EPSILON;
}
