// Timeline events as columns: the shape of the machine's ring, of IPC batches and of
// saved sessions. The columns and their storage are the event schema's.
import { COLUMN_NAMES, COLUMN_TYPES, type ColumnName } from './event-schema';

/** One typed array per column, as the event schema declares them. */
export type ColumnArrays = { -readonly [C in ColumnName]: InstanceType<(typeof COLUMN_TYPES)[C]> };

export interface EventColumns extends ColumnArrays {
  firstSeq: number;
}

export function emptyColumns(n: number): EventColumns {
  const out = { firstSeq: 0 } as EventColumns;
  for (const c of COLUMN_NAMES) (out as Record<ColumnName, unknown>)[c] = new COLUMN_TYPES[c](n);
  return out;
}

/** Zeroed columns for n events over SharedArrayBuffers (which a worker thread can see too), and those buffers. */
export function sharedColumns(n: number): { columns: EventColumns; buffers: SharedArrayBuffer[] } {
  const columns = { firstSeq: 0 } as EventColumns;
  const buffers: SharedArrayBuffer[] = [];
  for (const c of COLUMN_NAMES) {
    const type = COLUMN_TYPES[c] as unknown as new (buffer: SharedArrayBuffer) => unknown;
    const buffer = new SharedArrayBuffer(n * COLUMN_TYPES[c].BYTES_PER_ELEMENT);
    buffers.push(buffer);
    (columns as Record<ColumnName, unknown>)[c] = new type(buffer);
  }
  return { columns, buffers };
}

/** Copies `n` events of every column from `src` at `from` into `dst` at `to`. */
export function copyColumns(dst: ColumnArrays, to: number, src: ColumnArrays, from: number, n: number): void {
  for (const c of COLUMN_NAMES) (dst[c] as Uint32Array).set((src[c] as Uint32Array).subarray(from, from + n), to);
}

/**
 * One past the last of the events from i (below `end`) that are event i again but for
 * their time: the same kind, origin, device and fields. A source's flood is one long
 * such run, which the host's scan and the doctor take at once.
 */
export function repeatRunEnd(cols: ColumnArrays, i: number, end: number): number {
  const { kind, detail, origin, bdf, vector, a, b, c } = cols;
  const k = kind[i]!, d = detail[i]!, o = origin[i]!, f = bdf[i]!, v = vector[i]!, x = a[i]!, y = b[i]!, z = c[i]!;
  let j = i + 1;
  while (j < end && kind[j] === k && a[j] === x && vector[j] === v && bdf[j] === f && b[j] === y && c[j] === z && detail[j] === d && origin[j] === o) j++;
  return j;
}
