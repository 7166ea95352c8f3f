// The timeline as the renderer asks for it: a window at pixel resolution, or a run of
// events (details, the log view), both answered from the host's history after taking
// in what the machine logged since the last pump, so a query never lags the machine.
import type { Handlers, LiveTarget } from './handler-kit';
import type { EventHistory } from './event-history';
import { laneKey } from '../../src-shared/timeline/lanes';
import { eventRecord } from '../../src-shared/timeline/event-record';

export type TimelineRequest = 'timelineWindow' | 'timelineEvents';

/** The host's history, and the live target whose events it takes in. */
export interface TimelineAccess extends LiveTarget {
  readonly history: EventHistory;
}

export function timelineHandlers(session: TimelineAccess): Pick<Handlers, TimelineRequest> {
  const history = session.history;
  return {
    timelineWindow: ({ startNs, endNs, pixels, lanes }) => {
      history.ingest(session.target.events);
      return history.window(startNs, endNs, pixels, lanes.map((l) => laneKey(l.bdf, l.vector)));
    },
    timelineEvents: ({ fromSeq, count }) => {
      history.ingest(session.target.events);
      const columns = history.slice(fromSeq, count);
      const events = Array.from({ length: columns.kind.length }, (_, k) => eventRecord(columns, k));
      return { events, firstSeq: history.firstSeq, total: history.total };
    },
  };
}
