// The timeline as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line
// break quoted, quotes doubled): one row per retained event, as event-record names it.
import { eventRecord, type EventRecord } from '../../src-shared/timeline/event-record';
import type { TimelineSource } from './timeline-source';

const COLUMNS: readonly Exclude<keyof EventRecord, 'fields'>[] = ['seq', 'timeNs', 'kind', 'origin', 'bdf', 'vector', 'detail', 'a', 'b', 'c', 'text'];
const HEADER = ['seq', 'time_ns', 'kind', 'origin', 'bdf', 'vector', 'detail', 'a', 'b', 'c', 'text'];

export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(source: TimelineSource): string {
  const rows = [HEADER.join(',')];
  const cols = source.columns;
  for (let i = 0; i < cols.kind.length; i++) {
    const r = eventRecord(cols, i);
    rows.push(COLUMNS.map((c) => csvField(r[c])).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}
