// The doctor's findings for the Problems panel and the status bar: fetched from the
// machine whenever new events have arrived, at most twice a second, and the way a
// finding's event is shown on the timeline.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { DoctorReport } from '../../src-shared/ipc/contract';
import { useStatusStore } from './status';
import { useTimelineStore } from './timeline';

const REFRESH_MS = 500;

export const useProblemsStore = defineStore('problems', () => {
  const status = useStatusStore();
  const timeline = useTimelineStore();
  const report = shallowRef<DoctorReport | null>(null);
  const panelOpen = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastAt = -Infinity;

  const findings = computed(() => report.value?.findings ?? []);
  const errors = computed(() => findings.value.filter((f) => f.severity === 'error').length);
  const warnings = computed(() => findings.value.length - errors.value);

  async function refresh(): Promise<void> {
    lastAt = Date.now();
    const got = await status.call('doctorFindings', {});
    if (got !== undefined) report.value = got;
  }

  /** A refresh soon: now if the last was long enough ago, else when it will have been. */
  function schedule(): void {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, Math.max(0, lastAt + REFRESH_MS - Date.now()));
  }

  watch(() => timeline.revision, schedule);

  /** Shows the event on the timeline and selects it. */
  function reveal(seq: number): void {
    const store = timeline.events;
    const abs = store.indexOfSeq(seq);
    const time = abs === null ? (timeline.view.start + timeline.view.end) / 2 : store.timeAt(abs);
    status.view = 'timeline';
    timeline.revealEvent(seq, time);
  }

  return { report, findings, errors, warnings, panelOpen, refresh, schedule, reveal };
});
