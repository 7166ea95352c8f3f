// One event as a plain, named record: for JSON lines, CSV export and the details pane.
// Its fields, text and kind name come from the event schema.
import { emptyColumns, type EventColumns } from './columns';
import { describeEvent, EVENT_KIND_NAMES, FIELD_COLUMNS, readFields, type FieldColumn } from './event-schema';

export interface EventRecord extends Readonly<Record<FieldColumn, number>> {
  seq: number;
  timeNs: number;
  kind: string;
  origin: string;
  bdf: string | null;
  /** The kind's fields by name (event-schema.ts); empty for a kind id no kind has. */
  fields: Record<string, number>;
  text: string;
}

export const ORIGIN_NAMES = ['guest', 'device', 'user', 'machine'] as const;

export function bdfText(bdf: number): string | null {
  if (bdf === 0xffff) return null;
  const dev = ((bdf >>> 3) & 0x1f).toString(16).padStart(2, '0');
  return `${((bdf >>> 8) & 0xff).toString(16).padStart(2, '0')}:${dev}.${bdf & 7}`;
}

export function eventRecord(cols: EventColumns, i: number): EventRecord {
  const kind = cols.kind[i]!;
  // The raw field columns stay in the record, as the files written before the schema had them.
  const raw = Object.fromEntries(FIELD_COLUMNS.map((c) => [c, cols[c][i]!])) as Record<FieldColumn, number>;
  return {
    seq: cols.firstSeq + i,
    timeNs: cols.time[i]!,
    kind: EVENT_KIND_NAMES[kind] ?? String(kind),
    origin: ORIGIN_NAMES[cols.origin[i]!] ?? 'unknown',
    bdf: bdfText(cols.bdf[i]!),
    ...raw,
    fields: readFields(cols, i) ?? {},
    text: describeEvent(cols, i),
  };
}

/** A record back as one row of columns (device `bdf`), for code that reads events through the schema. */
export function recordRow(record: EventRecord, bdf: number): EventColumns {
  const row = emptyColumns(1);
  row.firstSeq = record.seq;
  row.time[0] = record.timeNs;
  row.kind[0] = EVENT_KIND_NAMES.indexOf(record.kind);
  row.origin[0] = Math.max(0, ORIGIN_NAMES.indexOf(record.origin as (typeof ORIGIN_NAMES)[number]));
  row.bdf[0] = bdf;
  for (const c of FIELD_COLUMNS) row[c][0] = record[c];
  return row;
}
