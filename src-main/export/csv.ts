// The timeline as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line
// break quoted, quotes doubled): one row per event of the run, as event-record names it.
import { eventRecord } from '../../src-shared/timeline/event-record';
import { chunksOf, type TimelineSource } from './timeline-source';
import { CHUNK_EVENTS, type ExportOptions, type ExportPieces } from './export-pieces';

const HEADER = ['seq', 'time_ns', 'kind', 'origin', 'bdf', 'vector', 'detail', 'a', 'b', 'c', 'text'];

export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function* csvPieces(source: TimelineSource, options: Pick<ExportOptions, 'filter'>): ExportPieces {
  yield { data: `${HEADER.join(',')}\r\n`, progress: 0 };
  const n = source.endSeq - source.firstSeq;
  let done = 0;
  for (const cols of chunksOf(source, CHUNK_EVENTS)) {
    let text = '';
    for (let i = 0; i < cols.kind.length; i++) {
      if (options.filter !== undefined && !options.filter(cols, i, cols.firstSeq + i)) continue;
      const r = eventRecord(cols, i);
      // Only the description can hold a comma, quote or line break: the other fields are numbers and names.
      text += `${r.seq},${r.timeNs},${r.kind},${r.origin},${r.bdf ?? ''},${r.vector},${r.detail},${r.a},${r.b},${r.c},${csvField(r.text)}\r\n`;
    }
    done += cols.kind.length;
    yield { data: text, progress: done / n };
  }
}
