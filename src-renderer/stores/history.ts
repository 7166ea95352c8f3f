// Going back in time: which event the app is showing the machine right after (null:
// live), and the moves between them — any event, one event back (Shift+F10), back to
// the previous breakpoint hit (Shift+F5). The machine rebuilds the state; every view
// re-reads what it shows.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { BreakpointDetail } from '../../src-shared/timeline/event-kinds';
import { EventKind, eventField } from '../../src-shared/timeline/event-schema';
import { useStatusStore } from './status';
import { useTimelineStore } from './timeline';
import { useDevicesStore } from './devices';
import { useRegistersStore } from './registers';
import { useVectorsStore } from './vectors';

export const useHistoryStore = defineStore('history', () => {
  const status = useStatusStore();
  const timeline = useTimelineStore();
  const viewing = ref<number | null>(null);

  async function view(seq: number | null): Promise<boolean> {
    const done = await status.call('viewAt', { seq });
    if (done === undefined) return false;
    viewing.value = done.seq;
    await useDevicesStore().refresh();
    await Promise.all([useRegistersStore().load(), useVectorsStore().refresh()]);
    return true;
  }

  /** The newest event the window holds. */
  function latest(): number | null {
    const store = timeline.events;
    return store.length === 0 ? null : store.seq[store.length - 1]!;
  }

  /** Shift+F10: the state one event earlier than shown (from live: right after the newest event but one). */
  function stepBack(): Promise<boolean> {
    const from = viewing.value ?? (latest() === null ? null : latest()! + 1);
    if (from === null || from <= 0) return Promise.resolve(false);
    timeline.selectSeq(from - 1);
    return view(from - 1);
  }

  /** Shift+F5: the state right after the event that last stopped the machine before the one shown. */
  function backToBreakpoint(): Promise<boolean> {
    const store = timeline.events;
    const before = viewing.value ?? Infinity;
    for (let i = store.length - 1; i >= 0; i--) {
      if (store.kind[i] !== EventKind.Breakpoint || eventField.Breakpoint.why(store, i) !== BreakpointDetail.Stop) continue;
      const hit = eventField.Breakpoint.event(store, i);
      if (hit >= before) continue;
      timeline.selectSeq(hit);
      return view(hit);
    }
    status.reportError('no breakpoint hit before the event shown');
    return Promise.resolve(false);
  }

  /** A new machine is live. */
  function forget(): void {
    viewing.value = null;
  }

  return { viewing, view, stepBack, backToBreakpoint, forget };
});
