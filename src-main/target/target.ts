// The Target: the one face of a machine that everything above it talks to — the hosts
// (Electron, the browser host), the request handlers, the CLI, sessions and exports.
// The simulated machine is one implementation (simulated/simulated-target.ts); a real
// QEMU is another. Callers hold a Target and never learn which one they have: what an
// implementation cannot do answers a Refusal with `unsupported` set, never a throw.
//
// Everything here is plain data or structural interfaces, so this module imports no
// implementation: the types come from src-shared, which the renderer shares.
import type { EventColumns } from '../../src-shared/timeline/columns';
import type { AccessResult, ConfigSpaceImage, DeviceInfo, InterruptCounts, SetpciReply, SourceInfo, VectorSnapshot } from '../../src-shared/ipc/contract';
import type { VectorNow } from '../../src-shared/doctor/vector-why';
import type {
  BreakpointInfo,
  DebuggerState,
  DeferredAction,
  Parsed,
  PauseReport,
  PerformOutcome,
  ResumeResult,
  RunMode,
  VectorRef,
} from '../../src-shared/debugger/breakpoints';
import type { MachineDescription } from '../../src-shared/machine-file/description';
import type { ConfigAccessor } from '../../src-shared/pci-text/setpci';
import type { PrintableDevice } from '../../src-shared/pci-text/lspci-print';
import type { LineSession } from '../qtest/line-pump';

/**
 * Why an operation changed nothing: `field` names the input at fault ('' for the
 * request as a whole); `unsupported` marks what this kind of target cannot do at all.
 */
export interface Refusal {
  ok: false;
  field: string;
  error: string;
  unsupported?: true;
}

export type Outcome<T> = { ok: true; value: T } | Refusal;

export const refuse = (field: string, error: string): Refusal => ({ ok: false, field, error });
export const done = <T>(value: T): Outcome<T> => ({ ok: true, value });
/** The refusal of an operation a target cannot perform, worded the same by every implementation. */
export const unsupported = (operation: string, target: string): Refusal => ({ ok: false, field: '', error: `${operation} is not supported on ${target}`, unsupported: true });

/**
 * The event stream: the target's columnar ring of events. Sequence numbers count every
 * event ever logged; the ring keeps the newest `capacity` of them (from `firstSeq`).
 */
export interface EventStream extends Omit<EventColumns, 'firstSeq'> {
  readonly capacity: number;
  readonly total: number;
  readonly firstSeq: number;
  readonly retained: number;
  readonly evicted: number;
  /** The ring index holding event `seq` (which must be retained). */
  indexOf(seq: number): number;
  /** A copy of events [fromSeq, toSeq), which must be retained. */
  slice(fromSeq: number, toSeq: number): EventColumns;
}

/** A vector table as the target holds it, before the host adds what its history knows (why, last event times). */
export type VectorState = Omit<VectorSnapshot, 'why' | 'lastEventTime' | 'dropped'> & {
  /** Per vector, the state the why column explains. */
  now: VectorNow[];
};

/** A device as plain data: what `irqscope session state` prints. */
export interface DeviceStateJson {
  bdf: string;
  name: string;
  command: number;
  status: number;
  /** The whole config space, as hex byte pairs. */
  config: string;
  /** MSI-X Message Control (cap+2), or null without MSI-X. */
  messageControl: number | null;
  /** The table's dwords in table order (4 per entry). */
  table: number[];
  /** The PBA's dwords. */
  pba: number[];
  useCount: number[];
  delivered: number[];
  intx: number;
}

/** Topology and inspection: what a view of the machine at one moment (now, or right after an earlier event) answers. */
export interface TargetInspection {
  /** Every function the contract can name (bus/dev.fn: domain 0000), in bus order. */
  devices(): DeviceInfo[];
  /** Functions in every domain (a machine may have more than the contract names). */
  functionCount(): number;
  /** Whether a function answers at `bdf`. */
  hasDevice(bdf: number): boolean;
  configSpace(bdf: number): Outcome<ConfigSpaceImage>;
  /** The MSI-X (or plain MSI) vectors of a function; refused for one with neither. */
  vectors(bdf: number): Outcome<VectorState>;
  /** The interrupt controller's delivery counts, like /proc/interrupts. */
  interruptCounts(): InterruptCounts;
  /** Every device (or only `bdf`) as plain data. */
  deviceStates(bdf?: number): DeviceStateJson[];
  /** Virtual time (ns). */
  readonly timeNs: number;
}

/** What a device-side action did: how many events it logged, its queue place when it waits for continue. */
export interface ActionDone {
  events: number;
  queued: number | null;
}

/** The debugger's face: breakpoints, pause, continue and step; the queue of device-side work. */
export interface TargetDebugger {
  readonly paused: boolean;
  readonly pauseReport: PauseReport | null;
  readonly runMode: RunMode;
  readonly queued: readonly DeferredAction[];
  /** What a host bounds: the queue, and the source firings one advance may run (operations/limits.ts). */
  limits: { queued: number; advanceFirings: number; advanceFiringsHint?: string };
  state(): DebuggerState;
  list(): BreakpointInfo[];
  noRoom(): string | null;
  add(spec: unknown, enabled?: boolean): Parsed<BreakpointInfo>;
  replace(id: number, spec: unknown): Parsed<BreakpointInfo>;
  remove(id: number): boolean;
  setEnabled(id: number, enabled: boolean): BreakpointInfo | null;
  pauseNow(): Parsed<PauseReport>;
  continue(): ResumeResult;
  step(): ResumeResult;
  runUntilVectorEvent(target?: VectorRef): ResumeResult;
  cancelRun(): Parsed<'step' | 'until-vector'>;
  /** Runs a device-side action now, or queues it while paused. */
  perform(action: DeferredAction): PerformOutcome;
  onPause(listener: (report: PauseReport) => void): () => void;
}

/** One qtest conversation with the target: a line in, its reply out (null for a script's comment or blank line). */
export interface QtestEndpoint extends LineSession {
  execute(line: string): string | null;
  dispose(): void;
}

export interface QtestEndpointOptions {
  replyToEveryLine: boolean;
}


export interface Target extends TargetInspection {
  /** The machine's own name (a machine file's `name`), or null. */
  readonly name: string | null;
  /** Words for messages: `the simulated machine`, `a QEMU target`. */
  readonly label: string;
  /** Why the app's edits and device-side actions are refused here (the app says so and greys them out); null: they are not. */
  readonly watchOnly: string | null;
  readonly events: EventStream;
  readonly debugger: TargetDebugger;

  // Accesses, attributed to the user (the app's editors, the poke panel, setpci).
  readConfig(bdf: number, offset: number, size: 1 | 2 | 4): Outcome<number>;
  /** Answers what reads back after the write (write masks applied). */
  writeConfig(bdf: number, offset: number, size: 1 | 2 | 4, value: number): Outcome<number>;
  readMemory(address: number, size: 1 | 2 | 4 | 8): Outcome<AccessResult>;
  writeMemory(address: number, size: 1 | 2 | 4 | 8, value: number, high: number): Outcome<AccessResult>;
  readPort(port: number, size: 1 | 2 | 4): Outcome<AccessResult>;
  writePort(port: number, size: 1 | 2 | 4, value: number): Outcome<AccessResult>;
  /** pciutils' setpci, one line (all devices, or only `bdf`). */
  setpci(line: string, bdf: number | null): Outcome<SetpciReply>;
  /** Config space for the pci-text tools (setpci's accessor), accesses unattributed as a tool's. */
  configAccessor(): ConfigAccessor;
  /**
   * The functions `select` keeps (by full address and by bus/dev.fn) as lspci prints
   * them: with their domain when `withDomain`, or when any function is outside domain
   * 0000, as lspci does.
   */
  printableDevices(select?: (address: number, bdf: number) => boolean, withDomain?: boolean): PrintableDevice[];

  // Device-side work: through the debugger, so it waits while the target is paused.
  // Its events keep the caller's origin (a qtest script's are the guest's); asUser makes them the user's.
  act(action: Exclude<DeferredAction, { kind: 'advance' }>): Outcome<ActionDone>;
  asUser<T>(act: () => T): T;
  /** A vector's use count now. */
  useCount(bdf: number, vector: number): number;
  startSource(bdf: number, vector: number, ratePerSecond: number): Outcome<SourceInfo>;
  stopSource(bdf: number, vector: number): Outcome<boolean>;
  sources(): SourceInfo[];
  /** QEMU's system_reset (its event keeps the caller's origin, as act's do). */
  reset(): Outcome<null>;

  /** Moves virtual time up to `ns` further, at most `maxFirings` source firings; true when it got there. */
  run(ns: number, maxFirings: number): boolean;
  /** Whether time stands still (paused at a breakpoint). */
  readonly halted: boolean;

  /** The target as it was right after event `seq`; refused with why when that state cannot be rebuilt. */
  at(seq: number): Outcome<TargetInspection>;

  qtest(options: QtestEndpointOptions): QtestEndpoint;
  /**
   * One qtest line from the app's script console, answered as `irqscope qtest` answers
   * a script's line (null for a comment). A target whose qtest is another process (QEMU)
   * answers when it has the reply.
   */
  poke(line: string): string | null | Promise<string | null>;
  /** The whole state as session-file bytes; opening them gives a simulated target in this state. */
  save(): Outcome<Uint8Array>;
  /**
   * Called with a function whose state changed with no event to say so (a QEMU target's
   * live table, read again); returns what stops the calls.
   */
  onDeviceChanged(listener: (bdf: number) => void): () => void;
  /** The machine description the target was built from (devices, layout), for exports and sessions. */
  readonly description: MachineDescription | null;
  /** Stops whatever the target runs (a QEMU process); a simulated one has nothing to stop. */
  close(): void;
}
