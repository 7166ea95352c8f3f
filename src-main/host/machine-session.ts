// One target and everyone watching it. The session owns the Target (a load replaces
// it), and its pump ships the event stream to each attached client in binary columnar
// batches, at most a few messages per pump, telling each client exactly how many events
// were overwritten before they could be sent. It also tells every client the debugger's
// state: at once on a pause (ahead of the batches), and whenever breakpoints, hit
// counts, the queue or the pause change.
import type { Target, TargetInspection } from '../target/target';
import type { DoctorReport, MachineStatus, StreamName, StreamPayload } from '../../src-shared/ipc/contract';
import { encodeBatch } from '../../src-shared/timeline/wire';
import { EVENT_KIND_COUNT, EventKind } from '../../src-shared/timeline/event-schema';
import { VECTOR_KINDS, namesVector } from '../../src-shared/debugger/vector-events';
import { EventHistory } from './event-history';
import { repeatRunEnd } from '../../src-shared/timeline/columns';
import { Doctor } from '../../src-shared/doctor/doctor';
import type { DeviceTrack } from '../../src-shared/doctor/device-track';
import { APP_DEBUGGER_LIMITS, DEFAULT_PUMP_LIMITS, type PumpLimits } from '../operations/limits';
import { ExportJobs } from './export-jobs';
import { exportFileName } from './file-names';

export interface SessionClient {
  /** False while the transport is backed up: the pump leaves this client for a later round. */
  ready(): boolean;
  send<S extends StreamName>(stream: S, payload: StreamPayload<S>): void;
}

export interface LoadedTarget {
  target: Target;
  name: string;
  preset: string | null;
}

interface ClientState {
  readonly client: SessionClient;
  /** Sequence number of the next event this client needs. */
  cursor: number;
  lastSentAt: number;
}

/** What an event kind may change of its device: nothing, its vectors only (table, PBA, counts), or its registers too. */
const TOUCHES_NOTHING = 0;
const TOUCHES_VECTORS = 1;
const TOUCHES_REGISTERS = 2;
const TOUCHES = new Uint8Array(EVENT_KIND_COUNT).fill(TOUCHES_REGISTERS);
for (const k of [EventKind.TableRead, EventKind.PbaRead, EventKind.PbaWrite, EventKind.AccessRefused, EventKind.AccessUnclaimed, EventKind.Breakpoint, EventKind.Divergence]) {
  TOUCHES[k] = TOUCHES_NOTHING;
}
// The other events of a vector change only vector state; plain MSI keeps its mask and
// pending bits in config space, so on a plain-MSI function they touch registers (changeOf).
for (const k of VECTOR_KINDS) if (TOUCHES[k] === TOUCHES_REGISTERS) TOUCHES[k] = TOUCHES_VECTORS;
const NO_DEVICE = 0xffff;
// Local copies of imported bindings, which CommonJS interop (tsx) reads through a getter: scan() reads them per event.
const RESET = EventKind.Reset;
const namesVectorAt = namesVector;

export class MachineSession {
  target: Target;
  name: string;
  preset: string | null;
  private readonly clients = new Set<ClientState>();
  /** Events up to here have been scanned for device changes and last-event times. */
  private scannedSeq = 0;
  /** MSI-X vectors of each function, by bdf (0: none), read once per target: the scan asks for every event. */
  private msixVectorCounts: Map<number, number> | null = null;
  /** Functions with plain MSI, whose vector events change config space; read once per target. */
  private msiFunctions: Set<number> | null = null;
  private readonly lastEventTime = new Map<number, Float64Array>();
  /** Devices whose state may have changed since the last notice, and of them those whose registers may have. */
  private readonly changed = new Set<number>();
  private readonly registersChanged = new Set<number>();
  /** The event the app is viewing, the target as it was then and the doctor's tracks as of it; null: live. */
  private viewing: { seq: number; view: TargetInspection; doctor: Doctor } | null = null;
  /** Reads every event the scan reads: the Problems panel's findings. */
  private doctor = new Doctor();
  private doctorEvents = 0;
  private unwatch: () => void;
  /** What the clients were last told of the debugger (see debuggerSignature). */
  private debuggerSent = '';
  private announcing = false;
  /** The whole timeline, for window queries and exports (the machine's log is a short ring). */
  readonly history: EventHistory;
  /** Exports under way, whose progress every client is told. */
  readonly exports: ExportJobs;

  constructor(
    loaded: LoadedTarget,
    private readonly limits: PumpLimits = DEFAULT_PUMP_LIMITS,
    private readonly clock: () => number = () => performance.now(),
    historyCapacity?: number,
  ) {
    this.history = new EventHistory(historyCapacity);
    this.exports = new ExportJobs(
      this,
      (progress) => {
        for (const state of this.clients) state.client.send('exportProgress', progress);
      },
      (format) => exportFileName(this, format),
    );
    this.target = loaded.target;
    this.name = loaded.name;
    this.preset = loaded.preset;
    this.unwatch = this.adopt();
  }

  /** Swaps in a new target (the old one is closed); every client starts over from its first retained event. */
  replace(loaded: LoadedTarget): void {
    if (loaded.target !== this.target) this.target.close();
    this.target = loaded.target;
    this.name = loaded.name;
    this.preset = loaded.preset;
    this.unwatch();
    this.unwatch = this.adopt();
    this.scannedSeq = 0;
    this.history.clear();
    this.doctor = new Doctor();
    this.doctorEvents = 0;
    this.viewing = null;
    this.msixVectorCounts = null;
    this.msiFunctions = null;
    this.lastEventTime.clear();
    this.changed.clear();
    this.registersChanged.clear();
    const status = this.status();
    for (const state of this.clients) {
      // A restored session may hold only the tail of its log: what it never had is not lost in transit.
      state.cursor = this.target.events.firstSeq;
      state.client.send('machineLoaded', status);
    }
    this.announceDebugger();
  }

  /** Readies the session's (new) target for the app; returns what stops watching its pauses and changes. */
  private adopt(): () => void {
    this.target.debugger.limits = { ...APP_DEBUGGER_LIMITS };
    const unwatchPauses = this.target.debugger.onPause(() => this.announceDebugger());
    // A change no event tells of (a QEMU target's live table and PBA: vectors only) reaches the clients with the next pump.
    const unwatchChanges = this.target.onDeviceChanged((bdf) => this.changed.add(bdf));
    return () => {
      unwatchPauses();
      unwatchChanges();
    };
  }

  /**
   * Tells every client the debugger's state as soon as the operation under way has
   * ended (a pause is reported from inside it), and ships the events up to now.
   */
  announceDebugger(): void {
    this.debuggerSent = '';
    if (this.announcing) return;
    this.announcing = true;
    queueMicrotask(() => {
      this.announcing = false;
      this.pump();
    });
  }

  /** Changes whenever what a client shows of the debugger changes: pause, queue, breakpoints and their hit counts. */
  private debuggerSignature(): string {
    const d = this.target.debugger;
    const report = d.pauseReport;
    // A real guest's stop completes after the pause: its delay is news too.
    const marker = report === null ? '-1' : `${report.markerSeq}:${report.guestStop?.afterMs ?? ''}`;
    return `${marker}|${d.runMode}|${d.queued.length}|${d.list().map((b) => `${b.id}:${b.enabled ? 1 : 0}:${b.hits}`).join(',')}`;
  }

  /** Attaches a client; it will be sent every retained event, then everything new. Returns the detach function. */
  attach(client: SessionClient): () => void {
    const state: ClientState = { client, cursor: this.target.events.firstSeq, lastSentAt: -Infinity };
    this.clients.add(state);
    // The next pump tells everyone the debugger's state, the newcomer included.
    this.debuggerSent = '';
    return () => {
      this.clients.delete(state);
    };
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Events logged but not yet shipped to the slowest client (what a producer must not outrun). */
  get backlog(): number {
    let most = 0;
    for (const state of this.clients) most = Math.max(most, this.target.events.total - state.cursor);
    return most;
  }

  status(): MachineStatus {
    const log = this.target.events;
    return {
      name: this.name,
      preset: this.preset,
      timeNs: this.target.timeNs,
      total: log.total,
      retained: log.retained,
      evicted: log.evicted,
      capacity: log.capacity,
      devices: this.target.functionCount(),
      ...(this.target.watchOnly === null ? {} : { watchOnly: this.target.watchOnly }),
    };
  }

  /** A line of the app's script console (a Promise when the target answers later). */
  qtest(line: string): string | null | Promise<string | null> {
    return this.target.poke(line);
  }

  /** Virtual time (ns) of the last event naming each vector of `bdf`, -1 for none (of the events scanned so far). */
  vectorLastEventTimes(bdf: number, vectors: number): Float64Array {
    this.scan();
    return this.lastTimes(bdf, vectors);
  }

  private lastTimes(bdf: number, vectors: number): Float64Array {
    let times = this.lastEventTime.get(bdf);
    if (times === undefined || times.length < vectors) {
      const grown = new Float64Array(Math.max(vectors, 1)).fill(-1);
      if (times !== undefined) grown.set(times);
      times = grown;
      this.lastEventTime.set(bdf, times);
    }
    return times;
  }

  /** Scans events logged since the last scan: which devices changed, and when each vector was last named. */
  private scan(): void {
    const log = this.target.events;
    const from = Math.max(this.scannedSeq, log.firstSeq);
    const to = log.total;
    const { kind: kinds, bdf: bdfs, vector: vectors, time } = log;
    // A flood names one device event after event: its vector count and times are looked up once per run.
    let runBdf = -1;
    let runVectors = 0;
    let runTimes: Float64Array | null = null;
    let changedBdf = -1;
    let changedTouch = TOUCHES_NOTHING;
    // A run of one event repeated (a source's flood) is taken at once: the doctor counts its repeats, and only its last time is kept.
    for (let seq = from; seq < to; ) {
      const i = log.indexOf(seq);
      const n = repeatRunEnd(log, i, Math.min(log.capacity, i + (to - seq))) - i;
      const last = i + n - 1;
      const kind = kinds[i]!;
      const bdf = bdfs[i]!;
      this.doctor.feedRun(log, i, seq, n);
      seq += n;
      if (bdf === NO_DEVICE) {
        if (kind === RESET) for (const fn of this.target.devices()) this.changeOf(fn.bdf, TOUCHES_REGISTERS);
        continue;
      }
      const touch = TOUCHES[kind]!;
      if (touch !== TOUCHES_NOTHING && (bdf !== changedBdf || touch > changedTouch)) {
        changedTouch = this.changeOf(bdf, touch);
        changedBdf = bdf;
      }
      if (namesVectorAt(log, i)) {
        if (bdf !== runBdf) {
          runBdf = bdf;
          runVectors = this.msixVectors(bdf);
          runTimes = runVectors > 0 ? this.lastTimes(bdf, runVectors) : null;
        }
        const vector = vectors[i]!;
        if (vector < runVectors) runTimes![vector] = time[last]!;
      }
    }
    this.doctorEvents += Math.max(0, to - from);
    this.scannedSeq = to;
  }

  /** What the doctor knows of a device from the events up to the one viewed, or now (the why column). */
  deviceTrack(bdf: number): DeviceTrack | undefined {
    if (this.viewing !== null) return this.viewing.doctor.track(bdf);
    this.scan();
    return this.doctor.track(bdf);
  }

  /** Notes a change of `bdf` that touches `touch`; returns what it touched (a plain-MSI function's vectors are registers). */
  private changeOf(bdf: number, touch: number): number {
    this.changed.add(bdf);
    if (touch === TOUCHES_VECTORS) {
      this.msiFunctions ??= new Set(this.target.devices().flatMap((d) => (d.msi === undefined ? [] : [d.bdf])));
      if (!this.msiFunctions.has(bdf)) return touch;
    }
    this.registersChanged.add(bdf);
    return TOUCHES_REGISTERS;
  }

  private msixVectors(bdf: number): number {
    this.msixVectorCounts ??= new Map(this.target.devices().map((d) => [d.bdf, d.msix?.vectors ?? 0]));
    return this.msixVectorCounts.get(bdf) ?? 0;
  }

  /** What the app is shown: the live target, or the target as it was right after the event viewed. */
  get shown(): TargetInspection {
    return this.viewing === null ? this.target : this.viewing.view;
  }

  get viewedSeq(): number | null {
    return this.viewing?.seq ?? null;
  }

  /** Views the machine right after event `seq`, or live again (null); an event that cannot be rebuilt is refused with why. */
  viewAt(seq: number | null): { ok: true } | { ok: false; error: string } {
    if (seq === null) {
      this.viewing = null;
      return { ok: true };
    }
    const at = this.target.at(seq);
    if (!at.ok) return at;
    const doctor = new Doctor();
    const log = this.target.events;
    doctor.feed(log.slice(log.firstSeq, seq + 1));
    this.viewing = { seq, view: at.value, doctor };
    return { ok: true };
  }

  /** The doctor's findings over the events logged up to now. */
  doctorReport(): DoctorReport {
    this.scan();
    return { findings: this.doctor.findings(), notKept: this.doctor.overflow, events: this.doctorEvents };
  }

  /** One round of shipping: the debugger's state if it changed, device-change notices, then up to a few timeline batches per client. */
  pump(): void {
    // First, so a pause reaches the screen without waiting behind the batches (the
    // renderer selects the paused event when its batch arrives).
    const signature = this.debuggerSignature();
    if (signature !== this.debuggerSent) {
      this.debuggerSent = signature;
      const state = this.target.debugger.state();
      for (const s of this.clients) s.client.send('debuggerChanged', state);
    }
    this.scan();
    this.history.ingest(this.target.events);
    if (this.changed.size > 0) {
      const byNumber = (x: number, y: number): number => x - y;
      const payload = { bdfs: [...this.changed].sort(byNumber), registers: [...this.registersChanged].sort(byNumber) };
      this.changed.clear();
      this.registersChanged.clear();
      for (const state of this.clients) state.client.send('deviceStateChanged', payload);
    }
    const now = this.clock();
    for (const state of this.clients) this.pumpClient(state, now);
  }

  private pumpClient(state: ClientState, now: number): void {
    const log = this.target.events;
    const history = this.history;
    let budget = this.limits.maxLiveEventsPerPump;
    for (let sent = 0; sent < this.limits.maxBatchesPerPump && budget > 0; sent++) {
      const idle = state.cursor >= log.total;
      if (idle && now - state.lastSentAt < this.limits.heartbeatMs) return;
      if (!state.client.ready()) return;
      // Past the budget the client gets the newest events; what it is not sent is in the
      // history (skipped) unless neither the log nor the history kept it (lost).
      const from = Math.max(state.cursor, log.firstSeq, log.total - budget);
      const kept = Math.min(from, Math.max(state.cursor, history.firstSeq));
      const lost = Math.max(0, Math.min(from, history.firstSeq) - state.cursor);
      const skipped = from - kept;
      const to = Math.min(log.total, from + this.limits.maxBatchEvents, from + budget);
      const columns = log.slice(from, to);
      state.client.send(
        'timeline',
        encodeBatch({ firstSeq: from, total: log.total, evicted: log.evicted, lost, skipped, now: this.target.timeNs }, columns),
      );
      budget -= to - from;
      state.cursor = to;
      state.lastSentAt = now;
      if (idle) return;
    }
  }
}
