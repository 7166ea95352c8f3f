// Reads an --events file (the JSON lines `irqscope qtest --events` writes) back into
// event columns. Every line is checked; the first bad one is named with its number.
import { readFileSync } from 'node:fs';
import { emptyColumns, type EventColumns } from '../../src-shared/timeline/columns';
import { EVENT_KIND_NAMES, FIELD_COLUMNS, kindSpec, upgradeLegacyRow, writeFields } from '../../src-shared/timeline/event-schema';
import { parseEventBdf } from '../../src-shared/pci-text/bdf';

const ORIGINS = ['guest', 'device', 'user', 'machine'];
const NUMBERS = [['vector', 0xffff], ['detail', 0xff], ['a', 0xffffffff], ['b', 0xffffffff], ['c', 0xffffffff]] as const;

export type EventsFileResult = { ok: true; columns: EventColumns } | { ok: false; error: string };

export function readEventsFile(path: string): EventsFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, error: `cannot read ${path}: ${(err as Error).message}` };
  }
  const records: Record<string, unknown>[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { ok: false, error: `${path}:${n + 1}: not JSON` };
    }
    if (typeof value !== 'object' || value === null) return { ok: false, error: `${path}:${n + 1}: not a JSON object` };
    const record = value as Record<string, unknown>;
    if (record.type === 'log') continue;
    if (record.type !== 'event') return { ok: false, error: `${path}:${n + 1}: type must be "event" or "log"` };
    const problem = checkRecord(record, records.length === 0 ? null : (records[records.length - 1]!.seq as number));
    if (problem !== null) return { ok: false, error: `${path}:${n + 1}: ${problem}` };
    records.push(record);
  }
  const columns = emptyColumns(records.length);
  columns.firstSeq = records.length === 0 ? 0 : (records[0]!.seq as number);
  records.forEach((r, i) => {
    columns.time[i] = r.timeNs as number;
    columns.kind[i] = EVENT_KIND_NAMES.indexOf(r.kind as string);
    columns.origin[i] = ORIGINS.indexOf(r.origin as string);
    columns.bdf[i] = r.bdf === null ? 0xffff : parseEventBdf(r.bdf as string)!;
    if (r.fields === undefined) {
      // Written before the event schema: the raw columns, in the layout of then.
      for (const c of FIELD_COLUMNS) columns[c][i] = r[c] as number;
      upgradeLegacyRow(columns, i);
    } else writeFields(columns, i, kindSpec(columns.kind[i]!)!, r.fields as Record<string, unknown>);
  });
  return { ok: true, columns };
}

function checkRecord(r: Record<string, unknown>, previousSeq: number | null): string | null {
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 0) return 'seq must be a non-negative integer';
  if (previousSeq !== null && r.seq !== previousSeq + 1) return `seq ${String(r.seq)} does not follow ${previousSeq}`;
  if (typeof r.timeNs !== 'number' || !Number.isFinite(r.timeNs)) return 'timeNs must be a number';
  if (!EVENT_KIND_NAMES.includes(r.kind as string)) return `kind ${JSON.stringify(r.kind)} is not an event kind`;
  if (!ORIGINS.includes(r.origin as string)) return `origin ${JSON.stringify(r.origin)} is not one of ${ORIGINS.join(', ')}`;
  if (r.bdf !== null && (typeof r.bdf !== 'string' || parseEventBdf(r.bdf) === undefined)) return `bdf ${JSON.stringify(r.bdf)} is not a bus:device.function (events carry no domain)`;
  if (r.fields !== undefined) {
    if (typeof r.fields !== 'object' || r.fields === null || Array.isArray(r.fields)) return 'fields must be an object of numbers';
    // Checked on a scratch row: the fields decide the columns.
    return writeFields(emptyColumns(1), 0, kindSpec(EVENT_KIND_NAMES.indexOf(r.kind as string))!, r.fields as Record<string, unknown>);
  }
  for (const [name, max] of NUMBERS) {
    const v = r[name];
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > max) return `${name} must be an integer 0..0x${max.toString(16)}`;
  }
  return null;
}
