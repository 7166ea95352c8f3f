// The machine's event log: a ring of columns in typed arrays, so appending is a
// handful of stores and nothing is allocated. It counts exactly what it evicted.
import type { Clock } from './clock';
import { Origin } from '../../src-shared/timeline/event-kinds';
import { copyColumns, emptyColumns, type ColumnArrays, type EventColumns } from '../../src-shared/timeline/columns';
import { BYTES_PER_EVENT, COLUMN_NAMES, COLUMN_TYPES, FIELD_COLUMNS, type ColumnName, type ColumnSet } from '../../src-shared/timeline/event-schema';
import { EventEmitter, type EventSink } from '../../src-shared/timeline/event-emitter';

export type EventTap = (seq: number) => void;

/** More events than a run logs: about a year of notifies at full speed. A saved log claiming more is refused. */
export const MAX_LOG_TOTAL = 2 ** 50;

// Its columns are the event schema's (declared once there, allocated here).
export interface EventLog extends ColumnArrays {}

export class EventLog implements EventSink {
  readonly capacity: number;
  private readonly mask: number;
  /** Events ever appended; the sequence number of the next event. */
  total = 0;
  /** Who is acting right now; stamped on every event appended. */
  currentOrigin: Origin = Origin.Guest;
  /** Called after each append (the debugger's breakpoint check); null keeps the hot path bare. */
  tap: EventTap | null = null;
  /** Events before this sequence number were never kept here (a restore brought fewer than its total). */
  private restoredFrom = 0;
  /** Counts clears and restores: a history kept beside the log (checkpoints) is of this epoch only. */
  epoch = 0;
  /** The typed append helpers, one per event kind (event-emitter.ts): how the machine logs. */
  readonly emit: EventEmitter = new EventEmitter(this);

  constructor(
    private readonly clock: Clock,
    capacity = 1 << 20,
  ) {
    if (!Number.isInteger(capacity) || capacity < 16 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`event log capacity must be a power of two >= 16, got ${capacity}`);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    for (const c of COLUMN_NAMES) (this as Record<ColumnName, unknown>)[c] = new COLUMN_TYPES[c](capacity);
  }

  /** Bytes of storage per retained event. */
  static readonly BYTES_PER_EVENT = BYTES_PER_EVENT;

  /** One row, as the typed helpers lay it out (EventSink). */
  put(kind: number, detail: number, bdf: number, vector: number, a: number, b: number, c: number): void {
    const seq = this.total++;
    const i = seq & this.mask;
    this.time[i] = this.clock.now;
    this.kind[i] = kind;
    this.detail[i] = detail;
    this.origin[i] = this.currentOrigin;
    this.bdf[i] = bdf;
    this.vector[i] = vector;
    this.a[i] = a;
    this.b[i] = b;
    this.c[i] = c;
    if (this.tap !== null) this.tap(seq);
  }

  /** Appends a copy of event j of `from` (its kind, device and fields), stamped now and with the current origin. */
  copy(from: ColumnSet, j: number): void {
    const seq = this.total++;
    const i = seq & this.mask;
    this.time[i] = this.clock.now;
    this.kind[i] = from.kind[j]!;
    this.origin[i] = this.currentOrigin;
    this.bdf[i] = from.bdf[j]!;
    for (const c of FIELD_COLUMNS) this[c][i] = from[c][j]!;
    if (this.tap !== null) this.tap(seq);
  }

  get evicted(): number {
    const overwritten = this.total > this.capacity ? this.total - this.capacity : 0;
    return overwritten > this.restoredFrom ? overwritten : this.restoredFrom;
  }

  get retained(): number {
    return this.total - this.evicted;
  }

  /** Sequence number of the oldest retained event. */
  get firstSeq(): number {
    return this.evicted;
  }

  /** Ring index of a retained sequence number (callers check it is retained). */
  indexOf(seq: number): number {
    return seq & this.mask;
  }

  isRetained(seq: number): boolean {
    return seq >= this.evicted && seq < this.total;
  }

  clear(): void {
    this.epoch++;
    this.total = 0;
    this.restoredFrom = 0;
  }

  /** Replaces the whole content (session restore): events in sequence order, oldest first. */
  restore(total: number, columns: EventColumns): void {
    const n = columns.kind.length;
    if (n > this.capacity || n > total) throw new RangeError(`cannot restore ${n} events into a log of ${this.capacity}`);
    this.epoch++;
    this.total = total;
    this.restoredFrom = total - n;
    const start = (total - n) & this.mask;
    const first = Math.min(n, this.capacity - start);
    copyColumns(this, start, columns, 0, first);
    copyColumns(this, 0, columns, first, n - first);
  }

  /** Copies events [fromSeq, toSeq) into fresh contiguous columns (for batches and saving). */
  slice(fromSeq: number, toSeq: number): EventColumns {
    const from = Math.max(fromSeq, this.evicted);
    const to = Math.min(toSeq, this.total);
    const n = Math.max(0, to - from);
    const out = emptyColumns(n);
    const start = from & this.mask;
    const first = Math.min(n, this.capacity - start);
    copyColumns(out, 0, this, start, first);
    copyColumns(out, first, this, 0, n - first);
    out.firstSeq = from;
    return out;
  }
}
