// The renderer's copy of the live stream: the newest events in typed-array columns
// (Vue never sees inside them; the store bumps a revision instead), for the details
// of what is selected and following live. The canvas draws from the host's history
// (timelineWindow), not from here. Indices are store-absolute (counting every event
// ever appended), so dropping the oldest events to stay under the cap never rewrites them.
import { copyColumns, emptyColumns, type ColumnArrays, type EventColumns } from '../../src-shared/timeline/columns';
import { COLUMN_NAMES, COLUMN_TYPES, type ColumnName } from '../../src-shared/timeline/event-schema';
import { laneOfEvent } from '../../src-shared/timeline/lanes';

export { FUNCTION_LANE, laneKey, splitLaneKey } from '../../src-shared/timeline/lanes';

// Its columns are the event schema's, plus each event's sequence number.
export interface EventStore extends ColumnArrays {}

export class EventStore {
  capacity = 0;
  /** Events held. */
  length = 0;
  /** Absolute index of the oldest event held (= events dropped to stay under maxEvents). */
  dropped = 0;
  seq = new Float64Array(0);

  /** The newest 256 Ki events: the host holds the rest. */
  constructor(readonly maxEvents = 1 << 18) {
    for (const c of COLUMN_NAMES) (this as Record<ColumnName, unknown>)[c] = new COLUMN_TYPES[c](0);
  }

  /** Absolute index one past the newest event. */
  get end(): number {
    return this.dropped + this.length;
  }

  timeAt(abs: number): number {
    return this.time[abs - this.dropped]!;
  }

  get lastTime(): number {
    return this.length === 0 ? 0 : this.time[this.length - 1]!;
  }

  get firstTime(): number {
    return this.length === 0 ? 0 : this.time[0]!;
  }

  clear(): void {
    this.length = 0;
    this.dropped = 0;
  }

  append(columns: EventColumns): void {
    const n = columns.kind.length;
    let done = 0;
    while (done < n) {
      if (this.length === this.capacity) this.makeRoom();
      const take = Math.min(n - done, this.capacity - this.length);
      this.copyIn(columns, done, take);
      done += take;
    }
  }

  private copyIn(c: EventColumns, from: number, count: number): void {
    const at = this.length;
    const to = from + count;
    copyColumns(this, at, c, from, count);
    for (let k = 0; k < count; k++) this.seq[at + k] = c.firstSeq + from + k;
    this.length += count;
  }

  /** Grows by doubling up to maxEvents; past that, drops the oldest half. */
  private makeRoom(): void {
    if (this.capacity < this.maxEvents) {
      this.resize(Math.min(this.maxEvents, Math.max(1 << 16, this.capacity * 2)));
      return;
    }
    const drop = this.length >>> 1;
    this.seq.copyWithin(0, drop, this.length);
    for (const c of COLUMN_NAMES) this[c].copyWithin(0, drop, this.length);
    this.length -= drop;
    this.dropped += drop;
  }

  private resize(capacity: number): void {
    const next = emptyColumns(capacity);
    copyColumns(next, 0, this, 0, this.length);
    for (const c of COLUMN_NAMES) (this as Record<ColumnName, unknown>)[c] = next[c];
    const seq = new Float64Array(capacity);
    seq.set(this.seq.subarray(0, this.length));
    this.seq = seq;
    this.capacity = capacity;
  }

  /** The absolute index of the event with sequence number `seq`, or null when it is not held. */
  indexOfSeq(seq: number): number | null {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seq[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.length && this.seq[lo] === seq ? this.dropped + lo : null;
  }

  /** The lane an event is drawn in: its vector's, its function's, or null for neither. */
  laneOf(abs: number): number | null {
    if (abs < this.dropped || abs >= this.end) return null;
    const i = abs - this.dropped;
    const key = laneOfEvent(this, i);
    return key < 0 ? null : key;
  }
}
