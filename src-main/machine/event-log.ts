// The machine's event log: a ring of columns in typed arrays, so appending is a
// handful of stores and nothing is allocated. It counts exactly what it evicted.
import type { Clock } from './clock';
import { Origin } from '../../src-shared/timeline/event-kinds';
import { emptyColumns, type EventColumns } from '../../src-shared/timeline/columns';
import { EventEmitter, type EventSink } from '../../src-shared/timeline/event-emitter';

export type EventTap = (seq: number) => void;

/** More events than a run logs: about a year of notifies at full speed. A saved log claiming more is refused. */
export const MAX_LOG_TOTAL = 2 ** 50;

export class EventLog implements EventSink {
  readonly capacity: number;
  private readonly mask: number;
  readonly time: Float64Array;
  readonly kind: Uint8Array;
  readonly detail: Uint8Array;
  readonly origin: Uint8Array;
  readonly bdf: Uint16Array;
  readonly vector: Uint16Array;
  readonly a: Uint32Array;
  readonly b: Uint32Array;
  readonly c: Uint32Array;
  /** Events ever appended; the sequence number of the next event. */
  total = 0;
  /** Who is acting right now; stamped on every event appended. */
  currentOrigin: Origin = Origin.Guest;
  /** Called after each append (the debugger's breakpoint check); null keeps the hot path bare. */
  tap: EventTap | null = null;
  /** Events before this sequence number were never kept here (a restore brought fewer than its total). */
  private restoredFrom = 0;
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
    this.time = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.detail = new Uint8Array(capacity);
    this.origin = new Uint8Array(capacity);
    this.bdf = new Uint16Array(capacity);
    this.vector = new Uint16Array(capacity);
    this.a = new Uint32Array(capacity);
    this.b = new Uint32Array(capacity);
    this.c = new Uint32Array(capacity);
  }

  /** Bytes of storage per retained event. */
  static readonly BYTES_PER_EVENT = 8 + 1 + 1 + 1 + 2 + 2 + 4 + 4 + 4;

  /** Temporary: the positional path, until every call site logs through `emit`. */
  append(kind: number, detail: number, bdf: number, vector: number, a: number, b: number, c: number): void {
    this.put(kind, detail, bdf, vector, a, b, c);
  }

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
    this.total = 0;
    this.restoredFrom = 0;
  }

  /** Replaces the whole content (session restore): events in sequence order, oldest first. */
  restore(total: number, columns: EventColumns): void {
    const n = columns.kind.length;
    if (n > this.capacity || n > total) throw new RangeError(`cannot restore ${n} events into a log of ${this.capacity}`);
    this.total = total;
    this.restoredFrom = total - n;
    for (let k = 0; k < n; k++) {
      const i = (total - n + k) & this.mask;
      this.time[i] = columns.time[k]!;
      this.kind[i] = columns.kind[k]!;
      this.detail[i] = columns.detail[k]!;
      this.origin[i] = columns.origin[k]!;
      this.bdf[i] = columns.bdf[k]!;
      this.vector[i] = columns.vector[k]!;
      this.a[i] = columns.a[k]!;
      this.b[i] = columns.b[k]!;
      this.c[i] = columns.c[k]!;
    }
  }

  /** Copies events [fromSeq, toSeq) into fresh contiguous columns (for batches and saving). */
  slice(fromSeq: number, toSeq: number): EventColumns {
    const from = Math.max(fromSeq, this.evicted);
    const to = Math.min(toSeq, this.total);
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
}
