// Two runs side by side: the current run (A) against a saved session (B), as the
// host aligned them. The store holds the comparison's summary, the part of the shared
// axis on screen and its window (re-asked whenever the view moves), and the pair of
// events selected — a difference from the list, or a mark clicked on either run.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { CompareAxis, ComparedPair, CompareWindow, Difference, RunComparison } from '../../src-shared/diff/comparison';
import { sessionUpload } from '../lib/file-transfer';
import { useStatusStore } from './status';

/** The narrowest view: 8 steps, or 8 ns. */
const MIN_SPAN = 8;

export const useCompareStore = defineStore('compare', () => {
  const status = useStatusStore();
  const summary = shallowRef<RunComparison | null>(null);
  const axis = ref<CompareAxis>('aligned');
  const view = ref<{ start: number; end: number }>({ start: 0, end: 1 });
  const frame = shallowRef<CompareWindow | null>(null);
  const selected = shallowRef<ComparedPair | null>(null);
  const pixels = ref(800);
  const busy = ref(false);
  /** Why the last file was not compared. */
  const error = ref('');
  /** Only the newest window request's answer is shown. */
  let asked = 0;

  /** The whole of both runs on the axis (never empty: a run whose clock never moved spans 1 ns). */
  function fullRange(): { start: number; end: number } {
    const s = summary.value;
    if (s === null) return { start: 0, end: 1 };
    if (axis.value === 'aligned') return { start: 0, end: Math.max(1, s.steps) };
    const runs = [s.a, s.b].filter((r) => r.events > 0);
    const start = Math.min(...runs.map((r) => r.startNs), 0);
    const end = Math.max(...runs.map((r) => r.endNs), start + 1);
    return { start, end };
  }

  async function fetchWindow(): Promise<void> {
    if (summary.value === null) return;
    const ticket = ++asked;
    const got = await status.call('comparisonWindow', { axis: axis.value, start: view.value.start, end: view.value.end, pixels: pixels.value });
    if (got !== undefined && ticket === asked) frame.value = got;
  }

  function setView(start: number, end: number): Promise<void> {
    const full = fullRange();
    const span = Math.min(full.end - full.start, Math.max(MIN_SPAN, end - start));
    const from = Math.min(Math.max(full.start, start), full.end - span);
    view.value = { start: from, end: from + span };
    return fetchWindow();
  }

  const fit = (): Promise<void> => setView(fullRange().start, fullRange().end);

  /** Zooms by `factor` (< 1: in) around the axis position `at`. */
  function zoom(factor: number, at: number): Promise<void> {
    const { start, end } = view.value;
    return setView(at - (at - start) * factor, at + (end - at) * factor);
  }

  function pan(by: number): Promise<void> {
    return setView(view.value.start + by, view.value.end + by);
  }

  /** The other axis, shown whole (a span on one axis means nothing on the other), centred on the selection if any. */
  function setAxis(next: CompareAxis): Promise<void> {
    axis.value = next;
    view.value = fullRange();
    return selected.value === null ? fit() : centre(selected.value);
  }

  /** Where a pair stands on the axis: its step, or the time of its event in A (else B). */
  function positionOf(pair: ComparedPair): number {
    return axis.value === 'aligned' ? pair.step + 0.5 : (pair.a ?? pair.b)!.timeNs;
  }

  /** Shows the pair in the middle of the view, zoomed in to a few dozen steps when the view was wider. */
  function centre(pair: ComparedPair): Promise<void> {
    const full = fullRange();
    const span = axis.value === 'aligned' ? Math.min(view.value.end - view.value.start, 64) : view.value.end - view.value.start;
    const at = positionOf(pair);
    return setView(Math.max(full.start, at - span / 2), at + span / 2);
  }

  /** Compares the current run with a session the user chose. */
  async function open(file: File): Promise<boolean> {
    busy.value = true;
    try {
      const upload = await sessionUpload(file);
      const reply = upload.ok ? await status.request('compareSession', { data: upload.data, fileName: file.name }) : upload;
      if (!reply.ok) {
        error.value = reply.error;
        if (!upload.ok) status.reportError(upload.error);
        return false;
      }
      error.value = '';
      summary.value = reply.value;
      selected.value = null;
      await fit();
      return true;
    } finally {
      busy.value = false;
    }
  }

  function selectDifference(d: Difference): Promise<void> {
    const pair: ComparedPair = { step: d.step, op: d.op, a: d.a, b: d.b };
    selected.value = pair;
    return centre(pair);
  }

  /** A mark clicked on run A or B: that event and its counterpart in the other run. */
  async function selectEvent(run: 'a' | 'b', seq: number): Promise<void> {
    const pair = await status.call('comparisonPair', { run, seq });
    if (pair !== undefined) selected.value = pair;
  }

  async function close(): Promise<void> {
    await status.call('closeComparison', {});
    summary.value = null;
    frame.value = null;
    selected.value = null;
  }

  return { summary, axis, view, frame, selected, pixels, busy, error, fetchWindow, setView, fit, zoom, pan, setAxis, open, selectDifference, selectEvent, close };
});
