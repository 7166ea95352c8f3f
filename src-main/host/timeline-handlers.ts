// The timeline as the renderer asks for it: a window at pixel resolution, a run of
// events (details), the log view's rows and finding an event, all answered from the
// host's history after taking in what the machine logged since the last pump, so a
// query never lags the machine. A display filter narrows windows, rows and finding
// alike; it runs over the history a slice per request (filter-index.ts).
import type { Handlers, LiveTarget } from './handler-kit';
import type { EventHistory } from './event-history';
import { laneKey } from '../../src-shared/timeline/lanes';
import { eventRecord, type EventRecord } from '../../src-shared/timeline/event-record';
import { FilterCache, type FilterIndex } from './filter-index';

export type TimelineRequest = 'timelineWindow' | 'timelineEvents' | 'eventRows' | 'locateEvent';

/** The host's history, and the live target whose events it takes in. */
export interface TimelineAccess extends LiveTarget {
  readonly history: EventHistory;
}

export function timelineHandlers(session: TimelineAccess): Pick<Handlers, TimelineRequest> {
  const history = session.history;
  const filters = new FilterCache();
  const records = (seqs: number[]): EventRecord[] => {
    const cols = history.view();
    // The view is a ring: the record's seq is the event's, not its slot's.
    return seqs.map((seq) => ({ ...eventRecord(cols, history.slot(seq)), seq }));
  };
  const rows = (index: FilterIndex | null): number => (index === null ? history.retained : index.rowCount);
  const seqOfRow = (index: FilterIndex | null, row: number): number => (index === null ? history.firstSeq + row : index.seqOfRow(row));
  const progress = (index: FilterIndex | null) => ({ rowCount: rows(index), complete: index === null || index.progress(history).complete, firstSeq: history.firstSeq, total: history.total });
  return {
    timelineWindow: ({ startNs, endNs, pixels, lanes, filter }) => {
      history.ingest(session.target.events);
      const index = filters.get(filter, history);
      const window = history.window(startNs, endNs, pixels, lanes.map((l) => laneKey(l.bdf, l.vector)), pixels, index?.lanes);
      window.filter = index?.progress(history) ?? null;
      return window;
    },
    timelineEvents: ({ fromSeq, count }) => {
      history.ingest(session.target.events);
      const columns = history.slice(fromSeq, count);
      const events = Array.from({ length: columns.kind.length }, (_, k) => eventRecord(columns, k));
      return { events, firstSeq: history.firstSeq, total: history.total };
    },
    eventRows: ({ filter, fromRow, tail, count }) => {
      history.ingest(session.target.events);
      const index = filters.get(filter, history);
      const from = tail === true ? Math.max(0, rows(index) - count) : fromRow!;
      const to = Math.min(rows(index), from + count);
      const seqs: number[] = [];
      for (let row = from; row < to; row++) seqs.push(seqOfRow(index, row));
      return { fromRow: from, rows: records(seqs), ...progress(index) };
    },
    locateEvent: ({ filter, seq, timeNs }) => {
      history.ingest(session.target.events);
      const index = filters.get(filter, history);
      const from = seq ?? history.seqAtTime(timeNs!);
      const n = rows(index);
      if (n === 0) return { row: null, event: null, ...progress(index) };
      // The event itself, else the first one the filter lets through after it, else the last before it.
      const row = Math.min(n - 1, index === null ? Math.max(0, from - history.firstSeq) : index.rowAtOrAfter(from));
      return { row, event: records([seqOfRow(index, row)])[0]!, ...progress(index) };
    },
  };
}
