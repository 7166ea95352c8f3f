// The timeline: every event received, in columns behind a shallowRef with a
// revision counter (Vue does not track writes inside typed arrays), the counts
// that say what was never received, the lanes to draw, filters, selection, the
// visible time window and "follow live".
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef } from 'vue';
import { decodeBatch } from '../../src-shared/timeline/wire';
import { EventStore, FUNCTION_LANE, laneKey } from '../timeline/event-store';
import type { KindFilter, TimelineLane } from '../timeline/render-timeline';
import { zoomView } from '../timeline/time-scale';
import { parseVectorFilter } from '../lib/vector-filter';
import { useDevicesStore } from './devices';
import { useVectorsStore } from './vectors';
import { useStatusStore } from './status';

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
  const now = ref(0);

  const deviceFilter = ref<number[] | null>(null);
  const vectorFilterText = ref('');
  const show = reactive<KindFilter>({ delivered: true, pended: true, dropped: true, other: true, breakpoint: true, masked: true });
  const selected = ref<number | null>(null);
  const follow = ref(true);
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
    const out: TimelineLane[] = [];
    for (const d of shownDevices.value) {
      const current = snap !== null && snap.bdf === d.bdf ? snap : null;
      out.push({ key: laneKey(d.bdf, FUNCTION_LANE), bdf: d.bdf, vector: FUNCTION_LANE, label: `${d.address} function`, maskedNow: current?.functionMasked ?? null });
      for (let v = 0; v < (d.msix?.vectors ?? 0); v++) {
        if (!accepts(v)) continue;
        const control = current?.table[v * 4 + 3];
        out.push({
          key: laneKey(d.bdf, v),
          bdf: d.bdf,
          vector: v,
          label: `${d.address} v${v}`,
          maskedNow: control === undefined || current === null ? null : (control & 1) === 1 || current.functionMasked,
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
    machineTotal.value = batch.total;
    machineEvicted.value = batch.evicted;
    unsent.value = batch.total - (batch.firstSeq + batch.columns.kind.length);
    now.value = batch.now;
    const n = batch.columns.kind.length;
    if (n > 0) {
      events.value.append(batch.columns);
      received.value += n;
      revision.value++;
      if (awaitedSeq !== null) selectSeq(awaitedSeq);
    }
    if (follow.value) followTo(Math.max(batch.now, events.value.lastTime));
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
    machineTotal.value = 0;
    unsent.value = 0;
    machineEvicted.value = 0;
    now.value = 0;
    selected.value = null;
    awaitedSeq = null;
    view.value = { start: -DEFAULT_SPAN * 0.02, end: DEFAULT_SPAN * 0.98 };
    revision.value++;
  }

  function setView(start: number, end: number): void {
    if (!(end > start)) return;
    view.value = { start, end };
  }

  function zoom(factor: number, at = (view.value.start + view.value.end) / 2): void {
    const [start, end] = zoomView(view.value.start, view.value.end, factor, at);
    if (factor < 1) follow.value = follow.value && end >= now.value;
    setView(start, end);
  }

  function pan(fraction: number): void {
    const span = view.value.end - view.value.start;
    if (fraction < 0) follow.value = false;
    setView(view.value.start + fraction * span, view.value.end + fraction * span);
  }

  /** Every loaded event in view, with a margin. */
  function fitAll(): void {
    const store = events.value;
    const first = store.firstTime;
    const last = Math.max(store.lastTime, now.value);
    const span = Math.max(1000, last - first);
    follow.value = false;
    setView(first - span * 0.02, last + span * 0.02);
  }

  function selectSeq(seq: number): void {
    const abs = events.value.indexOfSeq(seq);
    awaitedSeq = abs === null ? seq : null;
    if (abs !== null) selected.value = abs;
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
    now,
    deviceFilter,
    vectorFilterText,
    vectorFilter,
    show,
    selected,
    follow,
    view,
    lanes,
    shownDevices,
    ingest,
    reset,
    setView,
    zoom,
    pan,
    fitAll,
    setFollow,
    revealEvent,
    focusPending,
    requestFocus,
    selectSeq,
  };
});
