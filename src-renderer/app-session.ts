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

export interface AppSession {
  /**
   * Re-reads the device list and the selected device (registers and vectors);
   * `vectorsOnly`: its vectors alone; `paced` (a device-change notice): no sooner than
   * STREAM_REFRESH_MS after the last re-read started.
   */
  refreshSelected(vectorsOnly?: boolean, paced?: boolean): Promise<void>;
  stop(): void;
}

/** Least time between two refreshes that device-change notices cause. */
export const STREAM_REFRESH_MS = 100;

export function startAppSession(transport: Transport, pinia: Pinia): AppSession {
  const status = useStatusStore(pinia);
  const devices = useDevicesStore(pinia);
  const registers = useRegistersStore(pinia);
  const vectors = useVectorsStore(pinia);
  const timeline = useTimelineStore(pinia);
  const debug = useDebuggerStore(pinia);
  const script = useScriptStore(pinia);

  let inFlight: Promise<void> | null = null;
  let again = false;
  /** The next round re-reads the device list and registers too. */
  let whole = false;
  /** When the last round started: notices start one at most every STREAM_REFRESH_MS. */
  let lastRound = -Infinity;
  const refreshSelected = async (vectorsOnly = false, paced = false): Promise<void> => {
    whole ||= !vectorsOnly;
    if (inFlight !== null) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      let wait = paced ? lastRound + STREAM_REFRESH_MS - performance.now() : 0;
      do {
        again = false;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        lastRound = performance.now();
        if (whole) {
          whole = false;
          await devices.refresh();
          script.fitMachine(devices.list);
          await Promise.all([registers.load(), vectors.refresh()]);
        } else {
          await vectors.refresh();
        }
        wait = lastRound + STREAM_REFRESH_MS - performance.now();
      } while (again);
    })();
    try {
      await inFlight;
    } finally {
      inFlight = null;
    }
  };

  /** What the app holds belongs to another machine, or to a connection that dropped: start again. */
  const startOver = (): void => {
    timeline.reset();
    useHistoryStore(pinia).forget();
    void refreshSelected();
    // A new machine's pause is news even if its marker has the old one's number.
    debug.state = null;
    void debug.refresh();
  };

  const unsubscribe = [
    transport.subscribe('timeline', (buffer) => timeline.ingest(buffer)),
    transport.subscribe('deviceStateChanged', ({ bdfs, registers: touched }) => {
      const selected = devices.selectedBdf;
      if (selected !== null && bdfs.includes(selected)) void refreshSelected(!touched.includes(selected), true);
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
  void refreshSelected();
  void debug.refresh();

  return {
    refreshSelected,
    stop: () => {
      for (const u of unsubscribe) u();
    },
  };
}
