// Wires the transport's streams to the stores and loads the first state. Device
// changes are coalesced: one refresh of the selected device in flight at a time, and
// under a stream of changes (a source flooding a vector) at most one per
// STREAM_REFRESH_MS, so the page keeps its thread for the user; the user's own edits
// re-read at once (the stores do that themselves). A change of vectors only (what a
// flood makes) re-reads the vectors, not the device list and config space.
import type { Pinia } from 'pinia';
import type { Transport } from './transport/transport';
import { useStatusStore } from './stores/status';
import { useDevicesStore } from './stores/devices';
import { useRegistersStore } from './stores/registers';
import { useVectorsStore } from './stores/vectors';
import { useAttachStore } from './stores/attach';
import { useTimelineStore } from './stores/timeline';
import { useDebuggerStore } from './stores/debugger';
import { useHistoryStore } from './stores/history';
import { useImportStore } from './stores/import';
import { useScriptStore } from './stores/script';
import { useFilesStore } from './stores/files';
import { LIVE_TEXT_MS } from './lib/live-text';

export interface AppSession {
  stop(): void;
}

/** Least time between two refreshes that device-change notices cause: the grid's text is live text too. */
export const STREAM_REFRESH_MS = LIVE_TEXT_MS;

export function startAppSession(transport: Transport, pinia: Pinia): AppSession {
  const status = useStatusStore(pinia);
  const devices = useDevicesStore(pinia);
  const registers = useRegistersStore(pinia);
  const vectors = useVectorsStore(pinia);
  const timeline = useTimelineStore(pinia);
  const debug = useDebuggerStore(pinia);
  const script = useScriptStore(pinia);

  // One re-read of the selected device at a time, and one a notice asks for starts no
  // sooner than STREAM_REFRESH_MS after the last one started.
  let running = false;
  /** Asked for while one ran: another round follows. */
  let again = false;
  /** The next round re-reads the device list and registers too. */
  let whole = false;
  /** The next round starts at once. */
  let urgent = false;
  let lastRound = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const round = async (): Promise<void> => {
    timer = null;
    running = true;
    urgent = false;
    lastRound = performance.now();
    try {
      if (whole) {
        whole = false;
        await devices.refresh();
        script.fitMachine(devices.list);
        await Promise.all([registers.load(), vectors.refresh()]);
      } else {
        await vectors.refresh();
      }
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      schedule();
    }
  };
  const schedule = (): void => {
    if (running) {
      again = true;
      return;
    }
    const wait = urgent ? 0 : lastRound + STREAM_REFRESH_MS - performance.now();
    if (wait > 0) {
      timer ??= setTimeout(() => void round(), wait);
      return;
    }
    if (timer !== null) clearTimeout(timer);
    void round();
  };
  /** Re-reads the device list and the selected device; `vectorsOnly`: its vectors alone; `paced`: a notice's. */
  const refreshSelected = (vectorsOnly = false, paced = false): void => {
    whole ||= !vectorsOnly;
    urgent ||= !paced;
    schedule();
  };

  /**
   * The user's own edits are re-read at once by their stores. What the machine does in
   * answer (a vector masked under a flood pends at its next notify) comes with the next
   * notice, which is then not paced behind the last re-read.
   */
  let answerDue = false;
  const edited = (): void => {
    answerDue = true;
  };
  const VECTOR_EDITS = new Set(['writeEntry', 'setMasked', 'fire', 'use', 'unuse', 'setRate']);
  const REGISTER_EDITS = new Set(['writeConfig', 'poke', 'setpci']);
  const unwatchEdits = [
    vectors.$onAction(({ name, after }) => VECTOR_EDITS.has(name) && after(edited)),
    registers.$onAction(({ name, after }) => REGISTER_EDITS.has(name) && after(edited)),
  ];

  /** What the app holds belongs to another machine, or to a connection that dropped: start again. */
  const startOver = (): void => {
    timeline.reset();
    useHistoryStore(pinia).forget();
    refreshSelected();
    // A new machine's pause is news even if its marker has the old one's number.
    debug.state = null;
    void debug.refresh();
  };

  const unsubscribe = [
    ...unwatchEdits,
    transport.subscribe('timeline', (buffer) => timeline.ingest(buffer)),
    transport.subscribe('deviceStateChanged', ({ bdfs, registers: touched }) => {
      const selected = devices.selectedBdf;
      if (selected === null || !bdfs.includes(selected)) return;
      refreshSelected(!touched.includes(selected), !answerDue);
      answerDue = false;
    }),
    transport.subscribe('machineLoaded', (machine) => {
      status.machine = machine;
      registers.reset();
      startOver();
    }),
    transport.subscribe('viewRequested', ({ view }) => {
      status.view = view;
    }),
    transport.subscribe('importRequested', ({ files }) => void useImportStore(pinia).open(files)),
    transport.subscribe('attachRequested', () => useAttachStore(pinia).open()),
    transport.subscribe('debuggerChanged', (state) => debug.apply(state)),
    transport.subscribe('exportProgress', (progress) => useFilesStore(pinia).exportProgressed(progress)),
  ];

  status.connected();
  // The host sends a new connection the whole retained timeline again.
  transport.onReconnect(() => {
    status.connection = 'open';
    void status.refresh();
    startOver();
  });
  void status.refresh();
  void status.loadPresets();
  refreshSelected();
  void debug.refresh();

  return {
    stop: () => {
      if (timer !== null) clearTimeout(timer);
      for (const u of unsubscribe) u();
    },
  };
}
