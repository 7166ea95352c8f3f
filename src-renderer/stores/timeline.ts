// The timeline: every event received, in columns behind a shallowRef with a
// revision counter (Vue does not track writes inside typed arrays), the counts
// that say what was never received, the lanes to draw, filters, selection, the
// visible time window and "follow live".
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import { decodeBatch } from '../../src-shared/timeline/wire';
import type { TimelineWindow } from '../../src-shared/timeline/window';
import type { EventRecord } from '../../src-shared/timeline/event-record';
import { WindowFetcher, type WindowParams } from '../timeline/window-fetcher';
import { EventStore, FUNCTION_LANE, laneKey } from '../timeline/event-store';
import type { KindFilter, TimelineLane } from '../timeline/render-timeline';
import { zoomView } from '../timeline/time-scale';
import { parseVectorFilter } from '../lib/vector-filter';
import { useDevicesStore } from './devices';
import { useVectorsStore } from './vectors';
import { useStatusStore } from './status';
import { ENTRY_DWORDS, vectorMaskBit } from '../../src-shared/registers/msix-entry';
import { vectorMasked } from '../../src-shared/registers/msix-mask-rule';

const DEFAULT_SPAN = 1e9;

export const useTimelineStore = defineStore('timeline', () => {
  const devices = useDevicesStore();
  const vectors = useVectorsStore();
  const status = useStatusStore();

  const events = shallowRef(new EventStore());
  const revision = ref(0);
  /** Events received, and events the machine overwrote before they could be sent to us. */
  const received = ref(0);
  const lost = ref(0);
  /** The machine's counts and virtual time as of the last batch. */
  const machineTotal = ref(0);
  /** Events the machine had logged but had not yet sent when the last batch was cut. */
  const unsent = ref(0);
  const machineEvicted = ref(0);
  /** Events the host kept but did not stream to this window (the stream outran the screen). */
  const skipped = ref(0);
  const now = ref(0);
  /** What the canvas draws: the host's answer for the latest view asked for. */
  const hostWindow = shallowRef<TimelineWindow | null>(null);
  const fetcher = new WindowFetcher(
    (params) => status.call('timelineWindow', params),
    (w) => {
      hostWindow.value = w;
      // Only a change re-lays the lanes (which asks for another window).
      if (w.activeLanes.join() !== activeLanes.value.join()) activeLanes.value = w.activeLanes;
    },
  );
  /** Lanes with an event in the host's history. */
  const activeLanes = shallowRef<number[]>([]);
  /** The next sequence number the stream will send this window. */
  let streamEnd = 0;
  /** The selected event by sequence number, and its record when this window does not hold it. */
  const selectedSeq = ref<number | null>(null);
  const selectedRecord = shallowRef<EventRecord | null>(null);

  const deviceFilter = ref<number[] | null>(null);
  const vectorFilterText = ref('');
  const show = reactive<KindFilter>({ delivered: true, pended: true, dropped: true, other: true, breakpoint: true, masked: true });
  const selected = ref<number | null>(null);
  /** Lanes without a single event are hidden unless asked for (a 65-vector device is mostly idle). */
  const showIdleLanes = ref(false);
  /** The view ends at the newest time, keeping its span (off at first: the view opens on the events). */
  const follow = ref(false);
  /** The view keeps every event in sight until the user zooms or pans (how the timeline opens). */
  const fitting = ref(true);
  /** Why follow live went off when the user did not turn it off themselves; null once it is back on. */
  const followNotice = ref<string | null>(null);
  const view = ref({ start: 0, end: DEFAULT_SPAN });
  /** An event to select as soon as its batch arrives (a pause can be announced first). */
  let awaitedSeq: number | null = null;

  const vectorFilter = computed(() => parseVectorFilter(vectorFilterText.value));

  const shownDevices = computed(() => {
    const chosen = deviceFilter.value;
    const candidates = devices.list.filter((d) => d.msix !== null);
    return chosen === null ? candidates : candidates.filter((d) => chosen.includes(d.bdf));
  });

  const lanes = computed<TimelineLane[]>(() => {
    const filter = vectorFilter.value;
    const accepts = filter.ok ? filter.accepts : () => true;
    const snap = vectors.snapshot;
    const active = new Set(activeLanes.value);
    const out: TimelineLane[] = [];
    for (const d of shownDevices.value) {
      const current = snap !== null && snap.bdf === d.bdf ? snap : null;
      out.push({ key: laneKey(d.bdf, FUNCTION_LANE), bdf: d.bdf, vector: FUNCTION_LANE, label: `${d.address} function`, maskedNow: current?.functionMasked ?? null });
      for (let v = 0; v < (d.msix?.vectors ?? 0); v++) {
        if (!accepts(v) || (!showIdleLanes.value && !active.has(laneKey(d.bdf, v)))) continue;
        // The snapshot has this vector's entry only when it is the selected device's.
        const known = current !== null && v < current.table.length / ENTRY_DWORDS;
        out.push({
          key: laneKey(d.bdf, v),
          bdf: d.bdf,
          vector: v,
          label: `${d.address} v${v}`,
          maskedNow: known ? vectorMasked(vectorMaskBit(current.table, v), current.functionMasked) : null,
        });
      }
    }
    return out;
  });

  function ingest(buffer: ArrayBuffer): void {
    const decoded = decodeBatch(buffer);
    if (!decoded.ok) {
      status.reportError(`timeline: ${decoded.error}`);
      return;
    }
    const batch = decoded.batch;
    lost.value += batch.lost;
    skipped.value += batch.skipped;
    machineTotal.value = batch.total;
    machineEvicted.value = batch.evicted;
    unsent.value = batch.total - (batch.firstSeq + batch.columns.kind.length);
    streamEnd = batch.firstSeq + batch.columns.kind.length;
    now.value = batch.now;
    const n = batch.columns.kind.length;
    if (n > 0) {
      events.value.append(batch.columns);
      received.value += n;
      revision.value++;
      if (awaitedSeq !== null) selectSeq(awaitedSeq);
    }
    if (follow.value) followTo(Math.max(batch.now, events.value.lastTime));
    else if (fitting.value && n > 0) fitView();
  }

  function followTo(t: number): void {
    const span = view.value.end - view.value.start;
    if (view.value.end !== t) view.value = { start: t - span, end: t };
  }

  /** A new machine: nothing received so far belongs to it. */
  function reset(): void {
    events.value.clear();
    received.value = 0;
    lost.value = 0;
    skipped.value = 0;
    streamEnd = 0;
    hostWindow.value = null;
    activeLanes.value = [];
    selectedSeq.value = null;
    selectedRecord.value = null;
    machineTotal.value = 0;
    unsent.value = 0;
    machineEvicted.value = 0;
    now.value = 0;
    selected.value = null;
    awaitedSeq = null;
    view.value = { start: -DEFAULT_SPAN * 0.02, end: DEFAULT_SPAN * 0.98 };
    fitting.value = true;
    revision.value++;
  }

  /** A view the user chose: the timeline stops fitting itself to the events. */
  function setView(start: number, end: number): void {
    if (!(end > start)) return;
    fitting.value = false;
    view.value = { start, end };
  }

  /** Follow live turned off by a zoom or pan, said so where the user looks. */
  function leaveFollow(why: string): void {
    if (!follow.value) return;
    follow.value = false;
    followNotice.value = `Follow live is off: ${why}. Press F or tick "follow live" to go back.`;
  }

  function zoom(factor: number, at = (view.value.start + view.value.end) / 2): void {
    const [start, end] = zoomView(view.value.start, view.value.end, factor, at);
    if (factor < 1 && end < now.value) leaveFollow('you zoomed into the past');
    setView(start, end);
  }

  function pan(fraction: number): void {
    const span = view.value.end - view.value.start;
    if (fraction < 0) leaveFollow('you panned into the past');
    setView(view.value.start + fraction * span, view.value.end + fraction * span);
  }

  /** Every held event in view (the host's oldest to newest, or now), with a margin. */
  function fitView(): void {
    const store = events.value;
    const w = hostWindow.value;
    const first = w?.oldestTimeNs ?? store.firstTime;
    const last = Math.max(w?.newestTimeNs ?? 0, store.lastTime, now.value);
    const span = Math.max(1000, last - first);
    view.value = { start: first - span * 0.02, end: last + span * 0.02 };
  }

  /** Fits the view to the events, and keeps it fitted as more arrive until the user zooms or pans. */
  function fitAll(): void {
    follow.value = false;
    fitView();
    fitting.value = true;
  }

  /** Selects an event: from this window's copy when it holds it, else its record from the host. */
  function selectSeq(seq: number | null): void {
    selectedSeq.value = seq;
    selectedRecord.value = null;
    awaitedSeq = null;
    if (seq === null) {
      selected.value = null;
      return;
    }
    const abs = events.value.indexOfSeq(seq);
    selected.value = abs;
    if (abs !== null) return;
    if (seq >= streamEnd) {
      // Announced ahead of its batch (a pause): it arrives in a moment, or is skipped and then asked for.
      awaitedSeq = seq;
      return;
    }
    void status.call('timelineEvents', { fromSeq: seq, count: 1 }).then((reply) => {
      const record = reply?.events[0];
      if (selectedSeq.value === seq && record?.seq === seq) selectedRecord.value = record;
    });
  }

  /** Asks the host for what the canvas shows (answered into hostWindow). */
  function requestWindow(params: WindowParams): void {
    fetcher.want(params);
  }

  /** Stops following, centres the view on the event and selects it (now, or when it arrives). */
  /** Set when the canvas should take the keyboard as soon as it is shown; the canvas clears it. */
  const focusPending = ref(false);
  function requestFocus(): void {
    focusPending.value = true;
  }

  function revealEvent(seq: number, timeNs: number): void {
    follow.value = false;
    const span = view.value.end - view.value.start;
    setView(timeNs - span / 2, timeNs + span / 2);
    selectSeq(seq);
  }

  function setFollow(on: boolean): void {
    follow.value = on;
    if (on) followNotice.value = null;
    if (on) followTo(Math.max(now.value, events.value.lastTime));
  }

  return {
    events,
    revision,
    received,
    lost,
    machineTotal,
    unsent,
    machineEvicted,
    skipped,
    now,
    hostWindow,
    selectedSeq,
    selectedRecord,
    selectSeq,
    requestWindow,
    deviceFilter,
    vectorFilterText,
    vectorFilter,
    show,
    selected,
    showIdleLanes,
    follow,
    fitting,
    followNotice,
    view,
    lanes,
    shownDevices,
    ingest,
    reset,
    setView,
    leaveFollow,
    zoom,
    pan,
    fitAll,
    setFollow,
    revealEvent,
    focusPending,
    requestFocus,
  };
});
