// Timeline batches on the wire: one ArrayBuffer per batch, a fixed header then the
// columns back to back, widest first, so the decoder takes typed-array views over
// the buffer without copying (every column starts at a multiple of its width).
import { emptyColumns, type EventColumns } from './columns';
import { BYTES_PER_EVENT, COLUMN_NAMES, COLUMN_TYPES, type ColumnName } from './event-schema';

export interface BatchHeader {
  /** Sequence number of the first event in the batch. */
  firstSeq: number;
  /** Events the machine had logged when the batch was cut. */
  total: number;
  /** Events the machine's ring had overwritten by then. */
  evicted: number;
  /** Events this receiver will never get: overwritten after the previous batch was sent and before this one was cut. */
  lost: number;
  /**
   * Events this receiver is not sent but the host's history holds: the live stream
   * outran what a screen can show, so it jumped to the newest (the renderer asks
   * the host for any window it draws).
   */
  skipped: number;
  /** The machine's virtual time (ns) when the batch was cut. */
  now: number;
}

export interface DecodedBatch extends BatchHeader {
  columns: EventColumns;
}

const MAGIC = 0x49525142; // "IRQB"
const VERSION = 2;
/** magic u32, version u32, count u32, pad u32, then firstSeq, total, evicted, lost, now, skipped as f64. */
const HEADER_BYTES = 64;
const HEADER_NUMBERS = 6;
export const WIRE_BYTES_PER_EVENT = BYTES_PER_EVENT;
/** The schema's columns, widest first (a stable sort keeps the schema's order among equals). */
const WIRE_ORDER: readonly ColumnName[] = [...COLUMN_NAMES].sort((x, y) => COLUMN_TYPES[y].BYTES_PER_ELEMENT - COLUMN_TYPES[x].BYTES_PER_ELEMENT);

export function encodedSize(count: number): number {
  return HEADER_BYTES + pad8(count * WIRE_BYTES_PER_EVENT);
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

/** Encodes `count` events of `columns` starting at index `from` (defaults: all of them). */
export function encodeBatch(header: BatchHeader, columns: EventColumns, from = 0, count = columns.kind.length - from): ArrayBuffer {
  const buffer = new ArrayBuffer(encodedSize(count));
  const words = new Uint32Array(buffer, 0, 4);
  words[0] = MAGIC;
  words[1] = VERSION;
  words[2] = count;
  const numbers = new Float64Array(buffer, 16, HEADER_NUMBERS);
  numbers[0] = header.firstSeq;
  numbers[1] = header.total;
  numbers[2] = header.evicted;
  numbers[3] = header.lost;
  numbers[4] = header.now;
  numbers[5] = header.skipped;
  const view = viewColumns(buffer, count);
  const to = from + count;
  for (const c of WIRE_ORDER) (view[c] as Uint32Array).set((columns[c] as Uint32Array).subarray(from, to));
  return buffer;
}

export type DecodeResult = { ok: true; batch: DecodedBatch } | { ok: false; error: string };

/** Decodes a batch into views over `buffer` (no copy). */
export function decodeBatch(buffer: ArrayBuffer): DecodeResult {
  if (buffer.byteLength < HEADER_BYTES) return { ok: false, error: `timeline batch of ${buffer.byteLength} bytes is shorter than its header` };
  const words = new Uint32Array(buffer, 0, 4);
  if (words[0] !== MAGIC) return { ok: false, error: 'not a timeline batch (bad magic)' };
  if (words[1] !== VERSION) return { ok: false, error: `timeline batch version ${words[1]}, expected ${VERSION}` };
  const count = words[2]!;
  if (buffer.byteLength !== encodedSize(count)) {
    return { ok: false, error: `timeline batch of ${count} events should be ${encodedSize(count)} bytes, got ${buffer.byteLength}` };
  }
  const numbers = new Float64Array(buffer, 16, HEADER_NUMBERS);
  const columns = viewColumns(buffer, count);
  columns.firstSeq = numbers[0]!;
  return { ok: true, batch: { firstSeq: numbers[0]!, total: numbers[1]!, evicted: numbers[2]!, lost: numbers[3]!, now: numbers[4]!, skipped: numbers[5]!, columns } };
}

function viewColumns(buffer: ArrayBuffer, n: number): EventColumns {
  let at = HEADER_BYTES;
  const columns = emptyColumns(0);
  for (const c of WIRE_ORDER) {
    (columns as Record<ColumnName, unknown>)[c] = new COLUMN_TYPES[c](buffer, at, n);
    at += n * COLUMN_TYPES[c].BYTES_PER_ELEMENT;
  }
  return columns;
}
