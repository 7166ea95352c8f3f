// The machine's debugger as this window sees it: the breakpoints with their hit
// counts, the pause (why, at which event, the vector's state) and the device-side
// work queued until continue. Main announces every change (debuggerChanged); a pause
// selects the paused device and reveals the event on the timeline.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Reply, RequestName, RequestParams, RequestResult } from '../../src-shared/ipc/contract';
import type { BreakpointInfo, BreakpointSpec, BreakpointSpecInput, DebuggerState, PauseReport, VectorRef } from '../../src-shared/debugger/breakpoints';
import { MASK_CAUSES } from '../../src-shared/debugger/breakpoint-words';
import { formatBreakpoint } from '../../src-shared/debugger/breakpoint-text';
import { useStatusStore } from './status';
import { useDevicesStore } from './devices';
import { useTimelineStore } from './timeline';

const REASON_TEXT: Record<PauseReport['reason'], string> = { breakpoint: 'breakpoint', step: 'step', 'until-vector': 'run until vector event', user: 'pause' };

/** The banner's headline: which breakpoint (or the step) stopped the machine. */
export function pauseHeadline(report: PauseReport): string {
  const bp = report.breakpoint;
  if (report.reason === 'user') return 'Paused (F8): F5 continues';
  return bp === null ? `Paused: ${REASON_TEXT[report.reason]} ended` : `Paused at breakpoint #${bp.id}: ${formatBreakpoint(bp.spec)}`;
}

export const describeBreakpoint = (bp: BreakpointInfo): string => formatBreakpoint(bp.spec);

/** A plain stop on every unmask (any cause) of exactly this vector. */
function isUnmaskOf(spec: BreakpointSpec, bdf: number, vector: number): boolean {
  return (
    spec.kind === 'unmask' &&
    spec.bdf === bdf &&
    Array.isArray(spec.vectors) &&
    spec.vectors.length === 1 &&
    spec.vectors[0] === vector &&
    spec.causes.length === MASK_CAUSES.length &&
    spec.condition === undefined &&
    !spec.tracepoint
  );
}

export const useDebuggerStore = defineStore('debugger', () => {
  const status = useStatusStore();
  const devices = useDevicesStore();
  const timeline = useTimelineStore();

  const state = shallowRef<DebuggerState | null>(null);
  /** performance.now() when the current pause reached this window: where the UI's break latency starts. */
  const pauseReceivedAt = ref<number | null>(null);
  const panelOpen = ref(false);

  const breakpoints = computed(() => state.value?.breakpoints ?? []);
  const paused = computed(() => state.value?.paused ?? null);
  const queue = computed(() => state.value?.queue ?? []);
  /** A step or run-until the machine is running toward: shown until it lands, and cancellable. */
  const armed = computed(() => {
    const s = state.value;
    if (s === null || s.paused !== null || s.mode === 'run') return null;
    return { mode: s.mode, until: s.until };
  });
  /** The vector the machine paused at, when the event names one. */
  const pausedVector = computed<VectorRef | null>(() => {
    const v = paused.value?.vector ?? null;
    return v === null ? null : { bdf: v.bdf, vector: v.vector };
  });

  function apply(next: DebuggerState): void {
    const before = state.value?.paused?.markerSeq ?? null;
    state.value = next;
    const report = next.paused;
    if (report === null) {
      pauseReceivedAt.value = null;
      return;
    }
    if (report.markerSeq === before) return;
    pauseReceivedAt.value = performance.now();
    if (report.vector !== null) devices.select(report.vector.bdf);
    timeline.revealEvent(report.event.seq, report.event.record.timeNs);
  }

  async function refresh(): Promise<void> {
    const got = await status.call('debuggerState', {});
    if (got !== undefined) apply(got);
  }

  /** A request that changes the debugger, then the state it left (main announces it too, to every window). */
  async function change<N extends RequestName>(name: N, params: RequestParams<N>): Promise<Reply<RequestResult<N>>> {
    const reply = await status.request(name, params);
    await refresh();
    return reply;
  }

  const add = (spec: BreakpointSpecInput, enabled = true) => change('addBreakpoint', { spec, enabled });
  const replace = (id: number, spec: BreakpointSpecInput) => change('replaceBreakpoint', { id, spec });
  const remove = (id: number) => change('removeBreakpoint', { id });
  const setEnabled = (id: number, enabled: boolean) => change('setBreakpointEnabled', { id, enabled });

  /** "Break when unmasked" for one vector; an identical breakpoint is enabled rather than doubled. */
  async function breakOnUnmask(bdf: number, vector: number): Promise<Reply<BreakpointInfo>> {
    const twin = breakpoints.value.find((b) => isUnmaskOf(b.spec, bdf, vector));
    if (twin === undefined) return add({ kind: 'unmask', bdf, vectors: [vector] });
    return twin.enabled ? { ok: true, value: twin } : setEnabled(twin.id, true);
  }

  /** Pauses the machine wherever it is (F8). */
  const pause = () => change('pause', {});
  const continueRun = () => change('continue', {});
  const step = () => change('step', {});
  const runUntilVectorEvent = (target?: VectorRef) => change('runUntilVectorEvent', target === undefined ? {} : { target });
  const cancelRun = () => change('cancelRun', {});

  /** "Show on timeline": every time, not only when the pause arrives; the canvas takes the keyboard. */
  function showPausedEvent(): void {
    const report = paused.value;
    if (report === null) return;
    timeline.revealEvent(report.event.seq, report.event.record.timeNs);
    timeline.requestFocus();
    status.view = 'timeline';
  }

  return {
    state,
    breakpoints,
    paused,
    queue,
    armed,
    pausedVector,
    pauseReceivedAt,
    panelOpen,
    apply,
    refresh,
    add,
    replace,
    remove,
    setEnabled,
    breakOnUnmask,
    pause,
    continueRun,
    step,
    runUntilVectorEvent,
    cancelRun,
    showPausedEvent,
  };
});
