// The log view: the host's history as rows of text, through the timeline's display
// filter. The renderer never holds the rows: it asks the host for the few on screen
// (eventRows), so millions of events scroll as fast as forty. It follows the newest
// rows until the user scrolls up, and follows the timeline's selection: a selection
// made anywhere scrolls its row into view (locateEvent).
import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { EventRows, RequestParams } from '../../src-shared/ipc/contract';
import type { EventRecord } from '../../src-shared/timeline/event-record';
import { LatestRequest } from '../lib/latest-request';
import { useStatusStore } from './status';
import { useTimelineStore } from './timeline';
import { useHistoryStore } from './history';
import { LIVE_TEXT_MS } from '../lib/live-text';

/** How often the log following the newest asks for its rows while events stream in: as often as live text is rewritten. */
export const FOLLOW_REFRESH_MS = LIVE_TEXT_MS;

export const useEventLogStore = defineStore('eventLog', () => {
  const status = useStatusStore();
  const timeline = useTimelineStore();
  const history = useHistoryStore();

  /** Rows the filter gives (so far: `complete` false while the host is still testing), and the first shown. */
  const rowCount = ref(0);
  const complete = ref(true);
  const topRow = ref(0);
  /** Rows that fit on screen (the component measures them). */
  const visibleRows = ref(20);
  /** Keep the newest row at the bottom as events come in; scrolling up turns it off. */
  const followTail = ref(true);
  const rows = shallowRef<EventRecord[]>([]);
  const rowsFrom = ref(0);

  const filterParam = (): { filter?: string } => (timeline.appliedFilter === '' ? {} : { filter: timeline.appliedFilter });

  const fetcher = new LatestRequest<RequestParams<'eventRows'>, EventRows>(
    (params) => status.call('eventRows', params),
    (page, params) => {
      if ((params.filter ?? '') !== timeline.appliedFilter) return;
      // The end, answered after the user scrolled away from it: the rows asked for since are on their way.
      if (params.tail === true && !followTail.value) return;
      rowCount.value = page.rowCount;
      complete.value = page.complete;
      if (params.tail === true) topRow.value = Math.max(0, page.rowCount - visibleRows.value);
      rows.value = page.rows;
      rowsFrom.value = page.fromRow;
      if (!page.complete) refresh();
    },
  );

  /**
   * Asks for the rows on screen (and one screen's worth of the rows count). Following the
   * newest, it asks for the last rows as the host has them: a row number would be behind
   * the end by the time the answer came under any live stream, and asking again then
   * left the view blank and the host answering a request per round trip.
   */
  function refresh(): void {
    const count = Math.max(1, Math.min(1000, visibleRows.value + 1));
    fetcher.want(followTail.value ? { ...filterParam(), tail: true, count: Math.min(1000, visibleRows.value) } : { ...filterParam(), fromRow: topRow.value, count });
  }

  function scrollTo(row: number): void {
    const max = Math.max(0, rowCount.value - visibleRows.value);
    const top = Math.min(max, Math.max(0, Math.round(row)));
    followTail.value = top >= max;
    if (top === topRow.value) return;
    topRow.value = top;
    refresh();
  }

  function setFollowTail(on: boolean): void {
    followTail.value = on;
    if (on) refresh();
  }

  /** A row clicked: selected everywhere, shown on the timeline, and the machine shown as it was right after it. */
  function choose(record: EventRecord): void {
    timeline.revealEvent(record.seq, record.timeNs);
    void history.view(record.seq);
  }

  /** Scrolls the selected event's row into view when it is not on screen. */
  async function showSelected(seq: number): Promise<void> {
    if (rows.value.some((r) => r.seq === seq) && rows.value.findIndex((r) => r.seq === seq) < visibleRows.value) return;
    const found = await status.call('locateEvent', { ...filterParam(), seq });
    if (found?.row == null || found.event?.seq !== seq || timeline.selectedSeq !== seq) return;
    rowCount.value = found.rowCount;
    followTail.value = false;
    scrollTo(found.row - Math.floor(visibleRows.value / 2));
    followTail.value = false;
  }

  /**
   * New events: the rows (and their count) change. Following the newest under a live
   * stream they are asked for at most every FOLLOW_REFRESH_MS (the last change always
   * shown): rows of text replaced faster are not read, and each change lays them out again.
   */
  let followTimer: ReturnType<typeof setTimeout> | null = null;
  let followAsked = -Infinity;
  function refreshOnEvents(): void {
    if (!followTail.value) {
      refresh();
      return;
    }
    if (followTimer !== null) return;
    const wait = followAsked + FOLLOW_REFRESH_MS - performance.now();
    const ask = (): void => {
      followTimer = null;
      followAsked = performance.now();
      refresh();
    };
    if (wait <= 0) ask();
    else followTimer = setTimeout(ask, wait);
  }
  watch(() => [timeline.revision, timeline.machineTotal], refreshOnEvents);
  watch(
    () => timeline.appliedFilter,
    () => {
      topRow.value = 0;
      rows.value = [];
      followTail.value = true;
      refresh();
    },
  );
  watch(visibleRows, refresh);
  watch(
    () => timeline.selectedSeq,
    (seq) => {
      if (seq !== null) void showSelected(seq);
    },
  );

  return { rowCount, complete, topRow, visibleRows, followTail, rows, rowsFrom, refresh, scrollTo, setFollowTail, choose };
});
