// The host's copy of the whole timeline, which the renderer queries instead of
// holding: a columnar ring of its full capacity (27 B per event) plus, per lane and
// class, the ascending list of its events' sequence numbers (4 B per event), so a
// window query costs what the screen shows, not what is held.
// It pulls from the machine's log (a far smaller ring) at every pump; events the log
// overwrote before they were pulled, and events it evicts itself, are counted.
import type { EventStream } from '../target/target';
import { DEFAULT_HISTORY_CAPACITY } from '../operations/limits';
import { copyColumns, emptyColumns, sharedColumns, type ColumnArrays, type EventColumns } from '../../src-shared/timeline/columns';
import { BYTES_PER_EVENT } from '../../src-shared/timeline/event-schema';
import { EDGE, LANE_CLASSES, LANE_CLASS_COUNT, classInLane, edgeMasked, laneOfEvent, laneRunEnd } from '../../src-shared/timeline/lanes';
import type { TimelineWindow, WindowLane } from '../../src-shared/timeline/window';
import type { SeqChunks } from './seq-chunks';
import { LaneIndex } from './lane-index';
import { PagePrefaulter } from './page-prefaulter';

const MIN_CAPACITY = 1 << 16;
/** Past this many events the history is under a flood: the rest of its ring is brought in ahead of the events. */
const PREFAULT_AFTER = 1 << 18;
/** How far ahead of the events (slots): about a second of a million events a second. */
const PREFAULT_LEAD = 1 << 20;
/** A history dropped while its prefaulter still waits for work: the worker ends, and with it its hold on the ring. */
const CLOSE_WHEN_DROPPED = new FinalizationRegistry<PagePrefaulter>((prefaulter) => prefaulter.close());
/** The schema's columns plus a 4-byte entry in the event's lane list. */
export const HISTORY_BYTES_PER_EVENT = BYTES_PER_EVENT + 4;

export class EventHistory {
  private mask: number;
  /**
   * The ring, allocated whole at the first event: zeroed memory the system hands out
   * untouched, so only what events filled is resident. Growing it step by step would
   * write every held event again into fresh pages (here a first write to a page costs
   * about 13 µs), stalling the host for a third of a second at a few million events.
   * Shared, so a worker can bring its pages in ahead of a flood (page-prefaulter.ts).
   */
  private cols: ColumnArrays = emptyColumns(0);
  private buffers: SharedArrayBuffer[] = [];
  /** Ring slots written since the ring was allocated, up to its capacity, from the slot of the first. */
  private filled = 0;
  private origin = 0;
  /** Brings the ring's pages in ahead of the events under a flood; null before one and once every page is in. */
  private prefaulter: PagePrefaulter | null = null;
  private readonly lanes = new LaneIndex();
  /** Sequence number of the oldest event held; everything below was never held or was evicted. */
  firstSeq = 0;
  /** Sequence number of the next event. */
  total = 0;
  /** Events the machine's log overwrote before they reached the history. */
  missed = 0;
  /** Bumped when the history starts over (another machine): what was derived from it is stale. */
  generation = 0;

  /**
   * Events it holds: as asked, or less where the system refused to reserve that much
   * (a host that does not overcommit memory): then `refused` says what was asked.
   */
  capacity: number;
  refused: { capacity: number; error: string } | null = null;

  constructor(
    capacity = DEFAULT_HISTORY_CAPACITY,
    private readonly reserve: (n: number) => { columns: EventColumns; buffers: SharedArrayBuffer[] } = sharedColumns,
  ) {
    if (!Number.isInteger(capacity) || capacity < MIN_CAPACITY || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`history capacity must be a power of two >= ${MIN_CAPACITY}, got ${capacity}`);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
  }

  /** Reserves the ring at the first event, halving what it asks for while the system refuses (down to MIN_CAPACITY). */
  private reserveRing(): void {
    const asked = this.capacity;
    for (;;) {
      try {
        const ring = this.reserve(this.capacity);
        this.cols = ring.columns;
        this.buffers = ring.buffers;
        return;
      } catch (err) {
        if (!(err instanceof RangeError) || this.capacity <= MIN_CAPACITY) throw err;
        this.refused ??= { capacity: asked, error: err.message };
        this.capacity >>>= 1;
        this.mask = this.capacity - 1;
      }
    }
  }

  get retained(): number {
    return this.total - this.firstSeq;
  }

  /** Events below firstSeq: evicted here, missed, or never in the machine's log (a restored tail). */
  get evicted(): number {
    return this.firstSeq;
  }

  /** Bytes of columns the events filled or that were brought in ahead of them, and of lane lists allocated. */
  get bytes(): number {
    return Math.max(this.filled, this.prefaulter?.requested ?? 0) * BYTES_PER_EVENT + this.lanes.bytes;
  }

  clear(): void {
    this.firstSeq = 0;
    this.total = 0;
    this.missed = 0;
    this.generation++;
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
    const end = log.total;
    if (end === this.total) return;
    const evictedBefore = this.firstSeq;
    const reserving = this.cols.time.length === 0;
    if (reserving) this.reserveRing();
    if (end - this.firstSeq > this.capacity) this.firstSeq = end - this.capacity;
    if (reserving) this.origin = Math.max(this.total, this.firstSeq) & this.mask;
    // Copied in runs that neither ring wraps inside (what this pull evicts at once is never
    // copied), then indexed by lane a run of same-lane events at a time.
    for (let seq = Math.max(this.total, this.firstSeq); seq < end; ) {
      const from = log.indexOf(seq);
      const i = seq & this.mask;
      const n = Math.min(end - seq, log.capacity - from, this.capacity - i);
      copyColumns(this.cols, i, log, from, n);
      this.indexLanes(i, i + n, seq);
      this.filled = Math.min(this.capacity, this.filled + n);
      seq += n;
    }
    this.total = end;
    if (this.firstSeq !== evictedBefore) this.dropLanesBelowFirst();
    this.prefault();
  }

  private prefault(): void {
    if (this.filled >= this.capacity) {
      this.prefaulter?.close();
      this.prefaulter = null;
      return;
    }
    if (this.prefaulter === null && this.filled >= PREFAULT_AFTER) {
      this.prefaulter = new PagePrefaulter(this.buffers, this.capacity, this.origin);
      CLOSE_WHEN_DROPPED.register(this, this.prefaulter);
    }
    // In half-lead steps: waking the worker is a system call, and each wake may hand it this core.
    if (this.prefaulter !== null && this.filled + PREFAULT_LEAD / 2 > this.prefaulter.requested) {
      this.prefaulter.ahead(Math.min(this.capacity, this.filled + PREFAULT_LEAD));
    }
  }

  /** Puts ring slots [from, to), event `seq` first, into their lanes' lists. */
  private indexLanes(from: number, to: number, seq: number): void {
    const cols = this.cols;
    for (let i = from; i < to; ) {
      const next = laneRunEnd(cols, i, to);
      const key = laneOfEvent(cols, i);
      if (key >= 0) this.lanes.pushRun(key, classInLane(cols, i), seq + (i - from), next - i);
      i = next;
    }
  }

  private dropLanesBelowFirst(): void {
    this.lanes.dropBelow(this.firstSeq);
  }

  private readonly timeOf = (seq32: number): number => this.cols.time[seq32 & this.mask]!;

  timeOfSeq(seq: number): number | null {
    return seq >= this.firstSeq && seq < this.total ? this.cols.time[seq & this.mask]! : null;
  }

  /** Copies the held events of [fromSeq, fromSeq + count) into fresh columns. */
  slice(fromSeq: number, count: number): EventColumns {
    const from = Math.max(fromSeq, this.firstSeq);
    const to = Math.min(fromSeq + count, this.total);
    const n = Math.max(0, to - from);
    const out = emptyColumns(n);
    const start = from & this.mask;
    const first = Math.min(n, this.capacity - start);
    copyColumns(out, 0, this.cols, start, first);
    copyColumns(out, first, this.cols, 0, n - first);
    out.firstSeq = from;
    return out;
  }

  /** The held columns as a ring: event `seq` is at index `slot(seq)` (valid until the next ingest). */
  view(): EventColumns {
    return { ...this.cols, firstSeq: this.firstSeq };
  }

  slot(seq: number): number {
    return seq & this.mask;
  }

  /** The first held event at or after time t (total when none is). */
  seqAtTime(t: number): number {
    let lo = this.firstSeq;
    let hi = this.total;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.cols.time[mid & this.mask]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * What a lane shows of [startNs, endNs] at `pixels` columns: each event as its own
   * mark (x exact) when they fit `exactLimit`, otherwise one mark per class and pixel
   * column (x the column, with its count and first event); masked spans in pixels.
   * `marks` is the index the marks come from: every event, or a filter's matches
   * (the masked spans always follow every mask change: they are the lane's state).
   */
  window(startNs: number, endNs: number, pixels: number, keys: readonly number[], exactLimit = pixels, marks: LaneIndex = this.lanes): TimelineWindow {
    // Multiply before dividing: an event at endNs lands on x = pixels exactly, never a rounding past it.
    const span = endNs - startNs;
    const scale: PixelScale = { toPx: (t) => ((t - startNs) * pixels) / span, toTime: (px) => startNs + (px * span) / pixels };
    const lanes = keys.map((key) => this.windowLane(key, startNs, endNs, pixels, scale, exactLimit, marks));
    return {
      startNs,
      endNs,
      pixels,
      total: this.total,
      evicted: this.evicted,
      missed: this.missed,
      oldestTimeNs: this.retained > 0 ? this.cols.time[this.firstSeq & this.mask]! : null,
      newestTimeNs: this.retained > 0 ? this.cols.time[(this.total - 1) & this.mask]! : null,
      lanes,
      activeLanes: marks.active(),
      filter: null,
      ...(this.refused === null ? {} : { reduced: { asked: this.refused.capacity, capacity: this.capacity } }),
    };
  }

  private windowLane(key: number, startNs: number, endNs: number, pixels: number, { toPx, toTime }: PixelScale, exactLimit: number, marks: LaneIndex): WindowLane {
    const out: WindowLane = { key, exact: true, x: [], cls: [], count: [], seq: [], totals: new Array<number>(LANE_CLASS_COUNT).fill(0), masked: [], maskedAtStart: null };
    const lane = marks.get(key);
    const edges = this.lanes.get(key)?.[EDGE];
    if (edges !== undefined) this.maskSpans(edges, out, startNs, endNs, pixels, toPx, toTime);
    if (lane === undefined) return out;
    const ranges = LANE_CLASSES.map((cls) => {
      const list = lane[cls]!;
      const lo = list.lowerBound(startNs, this.timeOf);
      const hi = list.lowerBound(nextUp(endNs), this.timeOf, lo);
      out.totals[cls] = hi - lo;
      return [lo, hi] as const;
    });
    out.exact = out.totals.reduce((s, n) => s + n, 0) <= exactLimit;
    for (const cls of LANE_CLASSES) {
      const list = lane[cls]!;
      let [j, hi] = ranges[cls]!;
      let last = 1;
      while (j < hi) {
        const s32 = list.at(j);
        const x = toPx(this.timeOf(s32));
        const column = Math.min(pixels - 1, Math.floor(x));
        // A bucket ends where the next column starts; it holds about as many as the last one did.
        const next = out.exact ? j + 1 : Math.min(hi, list.lowerBoundNear(toTime(column + 1), this.timeOf, j + 1, j + last));
        last = next - j;
        out.x.push(out.exact ? x : column);
        out.cls.push(cls);
        out.count.push(next - j);
        out.seq.push(marks.expand(s32));
        j = next;
      }
    }
    return out;
  }

  /** Masked spans as [from, to] pixel pairs; edges within one pixel column collapse to the state they leave. */
  private maskSpans(edges: SeqChunks, out: WindowLane, startNs: number, endNs: number, pixels: number, toPx: (t: number) => number, toTime: (px: number) => number): void {
    if (edges.end === edges.start) return;
    const stateAt = (pos: number): boolean => {
      const i = edges.at(pos) & this.mask;
      return edgeMasked(this.cols, i);
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

/** A window's mapping between nanoseconds and pixel columns. */
interface PixelScale {
  toPx(t: number): number;
  toTime(px: number): number;
}

/** The smallest double above t: the upper bound of a closed range. */
function nextUp(t: number): number {
  if (t === 0) return Number.MIN_VALUE;
  return t + Math.abs(t) * Number.EPSILON;
}
