// The IPC contract: one table of requests (name -> zod schema of the params, and the
// TypeScript type of the result) and one of event streams (name -> payload type).
// Main validates every request against these schemas; preload and renderer type
// against the same table. Requests answer with a Reply: a value or an error that
// names the offending field (`writeConfig.size: …`).
import type { MsixLayout } from '../registers/layout';
import { z } from 'zod';
import { MAX_APP_SOURCE_RATE, sourceRateProblem } from '../machine-file/description';
import type { RequestName, StreamName } from './names';
import { debuggerParams, type BreakpointInfo, type DebuggerState } from '../debugger/breakpoints';
import { EXPORT_FORMATS, SEQ_AXIS_FORMATS, TIME_AXES } from '../timeline/export-formats';
import type { DumpFileData } from '../pci-text/dump-file';
import type { EventRecord } from '../timeline/event-record';
import { MAX_WINDOW_LANES, MAX_WINDOW_PIXELS, type TimelineWindow } from '../timeline/window';
import type { Finding } from '../doctor/finding';
import type { VectorWhy } from '../doctor/vector-why';
import { COMPARE_AXES, type ComparedPair, type CompareWindow, type RunComparison } from '../diff/comparison';

export type { RequestName, StreamName } from './names';

/** A request's entry: the params schema, and the result type as a phantom. */
export interface RequestSpec<P extends z.ZodType, R> {
  readonly params: P;
  readonly result?: R;
}

const request =
  <R>() =>
  <P extends z.ZodType>(params: P): RequestSpec<P, R> => ({ params });

const MAX_SAFE_ADDRESS = Number.MAX_SAFE_INTEGER;

const int = (min: number, max: number, what: string) =>
  z
    .number({ error: `expected ${what} as a number` })
    .int({ error: `expected ${what} as an integer` })
    .min(min, { error: `${what} below ${min}` })
    .max(max, { error: `${what} above 0x${max.toString(16)}` });

const bdf = int(0, 0xffff, 'a bus/device/function number');
const u32 = int(0, 0xffffffff, 'a 32-bit value');
const configSize = z.union([z.literal(1), z.literal(2), z.literal(4)], { error: 'must be 1, 2 or 4 bytes' });
const memorySize = z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8)], { error: 'must be 1, 2, 4 or 8 bytes' });
const vector = int(0, 2047, 'a vector number');
const noParams = z.strictObject({});

export type AccessStatusName = 'ok' | 'refused' | 'unclaimed';
export type BarKind = 'mem32' | 'mem64' | 'io';

export interface BarInfo {
  index: number;
  type: BarKind;
  size: number;
  prefetchable: boolean;
  /** Guest physical (or I/O) address it decodes at now; null while unmapped. */
  mappedAt: number | null;
}

export type MsixInfo = MsixLayout;

export interface DeviceInfo {
  bdf: number;
  /** `00:03.0` */
  address: string;
  name: string;
  vendor: number;
  device: number;
  classCode: number;
  configSize: 256 | 4096;
  bars: BarInfo[];
  msix: MsixInfo | null;
  /** Plain MSI (absent: none): vectors capable, where the capability is, its shape. */
  msi?: MsiInfo;
  /** A PCI-to-PCI bridge (absent: not one): the buses behind it as it is programmed now. */
  bridge?: { secondary: number; subordinate: number };
}

export interface MsiInfo {
  vectors: number;
  capOffset: number;
  is64bit: boolean;
  perVectorMask: boolean;
}

export interface ConfigSpaceImage {
  bdf: number;
  bytes: number[];
  /** Per byte: the bits a config write can change. */
  writable: number[];
  /** Per byte: the write-1-to-clear bits. */
  w1c: number[];
}

export interface AccessResult {
  /** Bytes 0..3 of what was read (0 for writes). */
  value: number;
  /** Bytes 4..7 of an 8-byte read. */
  high: number;
  status: AccessStatusName;
}

export interface SourceInfo {
  bdf: number;
  vector: number;
  ratePerSecond: number;
}

/** The local APIC's delivery counts, like /proc/interrupts: one row per IDT vector or special delivery mode that was used. */
export interface InterruptCounts {
  cpus: number;
  rows: { label: string; perCpu: number[] }[];
}

export interface VectorSnapshot {
  bdf: number;
  /** Absent: MSI-X. `msi`: plain MSI, its entries made from config space (use count 1 for vectors within Multiple Message Enable). */
  kind?: 'msi';
  vectors: number;
  enabled: boolean;
  functionMask: boolean;
  /** M1: disabled or Function Mask set. */
  functionMasked: boolean;
  /** 4 dwords per vector as laid out in the BAR (R3). */
  table: number[];
  /** Pending bits, one per vector, in little-endian dwords (R4). */
  pba: number[];
  useCount: number[];
  delivered: number[];
  /** Virtual time (ns) of the last event naming each vector; -1 for none yet. */
  lastEventTime: number[];
  sources: SourceInfo[];
  /** Guest address of the table and PBA while their BARs decode; null while unmapped. */
  tableAddress: number | null;
  pbaAddress: number | null;
  /**
   * Present when `table` and `pba` are QEMU's own, read over qtest (a QEMU target):
   * the model's virtual time (ns) when QEMU answered. Absent: the machine's state.
   */
  live?: { timeNs: number };
  /** Per vector: what its state means now, and the event that says so (src-shared/doctor/vector-why.ts). */
  why: VectorWhy[];
  /** Messages dropped, out-of-range vectors included, as far as the retained events tell. */
  dropped: number;
}

/** A vector's use count after a use or unuse; null, with its queue place, while it waits for continue. */
export type UseResult = { useCount: number; queued?: undefined } | { useCount: null; queued: number };

export interface MachineStatus {
  name: string;
  /** The preset it came from, or null for a file or text. */
  preset: string | null;
  /** Virtual time in ns. */
  timeNs: number;
  /** Events ever logged, kept in the ring, and overwritten. */
  total: number;
  retained: number;
  evicted: number;
  capacity: number;
  devices: number;
  /** Present when the target refuses the app's edits and device-side actions: what it is and why. */
  watchOnly?: string;
}

export interface PresetInfo {
  name: string;
  title: string;
}

/** What continue, step and run-until answer: whether the machine paused again, and how many queued actions ran. */
export interface ResumeOutcome {
  paused: boolean;
  ran: number;
}

/** A file main made for the renderer to offer as a download. */
export interface FileDownload {
  fileName: string;
  mimeType: string;
}

/** A saved session file, base64 (the browser host cannot write to the user's disk). */
export interface SessionDownload extends FileDownload {
  data: string;
  bytes: number;
}

/**
 * An export the host has begun. `download`: the browser host waits for the page to
 * fetch `export/ID` (relative to the page) and streams the file into it; `host`: the
 * host writes the file itself, where its save dialog says (Electron).
 */
export interface ExportStarted extends FileDownload {
  id: number;
  /** Events the export reads: the history as it was when asked. */
  events: number;
  delivery: 'download' | 'host';
}

/** How far an export is, sent to every client as it goes and once when it ends. */
export interface ExportProgress {
  id: number;
  fileName: string;
  state: 'waiting' | 'running' | 'done' | 'cancelled' | 'failed';
  /** 0 to 1. */
  progress: number;
  bytes: number;
  events: number;
  error?: string;
}

/** The WebSocket host refuses frames above 32 MiB; base64 takes 4 characters per 3 bytes. */
const MAX_SESSION_BASE64 = 32 << 20;

const sessionFileParams = z.strictObject({
  data: z.base64({ error: 'expected the session file as base64' }).max(MAX_SESSION_BASE64, { error: `the session file is over ${MAX_SESSION_BASE64 / 4 * 3} bytes` }),
  fileName: z.string().max(4096).optional(),
});

const loadMachineParams = z.discriminatedUnion(
  'source',
  [
    z.strictObject({ source: z.literal('preset'), preset: z.string().min(1).max(100) }),
    z.strictObject({ source: z.literal('text'), text: z.string().max(16 << 20), fileName: z.string().max(4096).optional() }),
  ],
  { error: "must be 'preset' or 'text'" },
);

const fileName = z.string({ error: 'expected a file name' }).min(1, { error: 'a file name is empty' }).max(4096, { error: 'a file name is too long' });
const dumpFile = z.discriminatedUnion(
  'encoding',
  [
    z.strictObject({ name: fileName, encoding: z.literal('text'), text: z.string({ error: 'expected the file text' }).max(16 << 20, { error: 'at most 16 MiB of text' }) }),
    z.strictObject({
      name: fileName,
      encoding: z.literal('base64'),
      base64: z.base64({ error: 'expected the file bytes in base64' }).max(8 << 20, { error: 'at most 6 MiB of binary' }),
    }),
  ],
  { error: "must be 'text' (lspci output) or 'base64' (a sysfs config file)" },
);
const dumpFiles = z.array(dumpFile).min(1, { error: 'no files to import' }).max(64, { error: 'at most 64 files at once' });
const barSizeOverrides = z
  .array(z.strictObject({ index: int(0, 5, 'a BAR index'), size: int(1, MAX_SAFE_ADDRESS, 'a BAR size') }))
  .max(6, { error: 'at most one size per BAR index 0-5' })
  .refine((list) => new Set(list.map((b) => b.index)).size === list.length, { error: 'a BAR index is given twice' });

/** A BAR whose size the dump did not give, with the size the import will use unless told otherwise. */
export interface AssumedBarSize {
  /** The device's address in the imported machine. */
  address: string;
  device: string;
  index: number;
  type: BarKind;
  size: number;
}

export interface DumpInspection {
  devices: { address: string; name: string; title: string | null; msixVectors: number | null }[];
  assumedBars: AssumedBarSize[];
  /** What the parsers and the importer said, worded as `irqscope import` words it. */
  warnings: string[];
}

export interface DumpImportResult {
  status: MachineStatus;
  devices: number;
  warnings: string[];
}

/** Which MSI-X vectors an imported device starts with in use. */
export const VECTORS_IN_USE = ['all', 'none'] as const;
export type VectorsInUse = (typeof VECTORS_IN_USE)[number];

export interface SetpciReply {
  /** The command line run: without `-s`/`-d`, the selected device was filled in. */
  command: string;
  output: string[];
  /** setpci's messages, in its words. */
  errors: string[];
  /** Writes that did not all take: what took effect and why the rest was ignored. */
  notes: string[];
  exitCode: number;
}

/** The doctor's findings over everything the machine logged since it was loaded (docs/doctor.md). */
export interface DoctorReport {
  findings: Finding[];
  /** Findings not kept: more places than the doctor keeps. */
  notKept: number;
  /** Events the doctor has read. */
  events: number;
}

/** A display filter (src-shared/timeline/event-filter.ts); the host refuses one that does not parse, naming the column. */
const eventFilter = z.string({ error: 'expected a filter expression' }).max(4096, { error: 'at most 4096 characters' }).optional();

/** How many rows the filter gives so far, whether it has tested every held event, and the history's extent. */
export interface RowsProgress {
  rowCount: number;
  complete: boolean;
  firstSeq: number;
  total: number;
}

export interface EventRows extends RowsProgress {
  fromRow: number;
  rows: EventRecord[];
}

export interface LocatedEvent extends RowsProgress {
  /** The row found and its event; null when the filter gives no rows (yet). */
  row: number | null;
  event: EventRecord | null;
}

/** What the app shows: the live machine (seq null), or the machine as it was right after event `seq`. */
export interface ViewState {
  seq: number | null;
}

export const requests = {
  status: request<MachineStatus>()(noParams),
  interruptCounts: request<InterruptCounts>()(noParams),
  listPresets: request<PresetInfo[]>()(noParams),
  loadMachine: request<MachineStatus>()(loadMachineParams),
  resetMachine: request<MachineStatus>()(noParams),
  listDevices: request<DeviceInfo[]>()(noParams),
  readConfigSpace: request<ConfigSpaceImage>()(z.strictObject({ bdf })),
  readConfig: request<{ value: number }>()(z.strictObject({ bdf, offset: int(0, 4095, 'a config offset'), size: configSize })),
  /** The value is what reads back after the write (write masks applied). */
  writeConfig: request<{ value: number }>()(
    z.strictObject({ bdf, offset: int(0, 4095, 'a config offset'), size: configSize, value: u32 }),
  ),
  readMmio: request<AccessResult>()(z.strictObject({ address: int(0, MAX_SAFE_ADDRESS, 'an address'), size: memorySize })),
  writeMmio: request<AccessResult>()(
    z.strictObject({ address: int(0, MAX_SAFE_ADDRESS, 'an address'), size: memorySize, value: u32, high: u32.optional() }),
  ),
  readPort: request<AccessResult>()(z.strictObject({ port: int(0, 0xffff, 'a port'), size: configSize })),
  writePort: request<AccessResult>()(z.strictObject({ port: int(0, 0xffff, 'a port'), size: configSize, value: u32 })),
  vectorSnapshot: request<VectorSnapshot>()(z.strictObject({ bdf })),
  /**
   * D1, device-side; `events` is how many events it caused. While the machine is
   * paused it waits for continue or step: `queued` is its place in that queue (1-based).
   */
  fireVector: request<{ events: number; queued: number | null }>()(z.strictObject({ bdf, vector })),
  /** Device-side too: while paused it waits for continue or step (useCount null, `queued` its place in the queue). */
  useVector: request<UseResult>()(z.strictObject({ bdf, vector })),
  unuseVector: request<UseResult>()(z.strictObject({ bdf, vector })),
  startSource: request<SourceInfo>()(
    z.strictObject({
      bdf,
      vector,
      ratePerSecond: z.number({ error: 'expected a rate as a number' }).superRefine((rate, ctx) => {
        const problem = sourceRateProblem(rate, MAX_APP_SOURCE_RATE);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      }),
    }),
  ),
  stopSource: request<{ stopped: boolean }>()(z.strictObject({ bdf, vector })),
  /** null for a blank or comment line, which QEMU's qtest does not answer. */
  qtest: request<{ reply: string | null }>()(
    z.strictObject({ line: z.string().max(1 << 20).regex(/^[^\r\n]*$/, { error: 'one line, without line breaks' }) }),
  ),
  /** Breakpoints, pause state and the queue of device-side work waiting for continue. */
  debuggerState: request<DebuggerState>()(debuggerParams.debuggerState),
  addBreakpoint: request<BreakpointInfo>()(debuggerParams.addBreakpoint),
  /** Edits in place: the id, enabled state and hit count stay. */
  replaceBreakpoint: request<BreakpointInfo>()(debuggerParams.replaceBreakpoint),
  removeBreakpoint: request<{ removed: number }>()(debuggerParams.removeBreakpoint),
  setBreakpointEnabled: request<BreakpointInfo>()(debuggerParams.setBreakpointEnabled),
  /** Pauses the machine now, between two events (F8); continue (F5) resumes it. */
  pause: request<DebuggerState>()(debuggerParams.pause),
  continue: request<ResumeOutcome>()(debuggerParams.continue),
  /** Pauses again after the next event (a queued device-side action runs first). */
  step: request<ResumeOutcome>()(debuggerParams.step),
  runUntilVectorEvent: request<ResumeOutcome>()(debuggerParams.runUntilVectorEvent),
  /** Disarms a step or run-until still waiting for its event; answers which it was. */
  cancelRun: request<{ cancelled: 'step' | 'until-vector' }>()(debuggerParams.cancelRun),
  saveSession: request<SessionDownload>()(noParams),
  /** Replaces the machine with a saved session; a file that cannot be trusted is refused and the machine stays. */
  openSession: request<MachineStatus>()(sessionFileParams),
  /**
   * Compares the current run (A: the events the history holds now) with a saved session's (B), aligned as
   * `irqscope diff` aligns them; the comparison stays open for the requests below. Nothing changes on the machine.
   */
  compareSession: request<RunComparison>()(sessionFileParams),
  /** What the open comparison shows of [start, end] of an axis (ns, or alignment steps) at `pixels` columns, both runs, lane by lane. */
  comparisonWindow: request<CompareWindow>()(
    z
      .strictObject({
        axis: z.enum(COMPARE_AXES, { error: `must be ${COMPARE_AXES.join(' or ')}` }),
        start: z.number({ error: 'expected a position' }).finite({ error: 'expected a finite position' }),
        end: z.number({ error: 'expected a position' }).finite({ error: 'expected a finite position' }),
        pixels: int(1, MAX_WINDOW_PIXELS, 'a pixel count'),
      })
      .refine((p) => p.end > p.start, { error: 'end must be after start', path: ['end'] }),
  ),
  /** Event `seq` of run A or B and the event of the other run at the same step of the alignment. */
  comparisonPair: request<ComparedPair>()(
    z.strictObject({ run: z.enum(['a', 'b'], { error: "must be 'a' or 'b'" }), seq: int(0, Number.MAX_SAFE_INTEGER, 'an event sequence number') }),
  ),
  closeComparison: request<{ closed: boolean }>()(noParams),
  doctorFindings: request<DoctorReport>()(noParams),
  /**
   * Shows the machine as it was right after event `seq` (null: live again): listDevices,
   * readConfigSpace, vectorSnapshot and interruptCounts answer from then until the next
   * viewAt. Writes and actions still go to the live machine.
   */
  viewAt: request<ViewState>()(z.strictObject({ seq: int(0, Number.MAX_SAFE_INTEGER, 'an event sequence number').nullable() })),
  /** Starts QEMU with this command line under irqscope and makes it the target; answers when the guest runs. */
  attachQemu: request<MachineStatus>()(
    z.strictObject({ commandLine: z.string({ error: 'expected a QEMU command line' }).max(8192, { error: 'at most 8192 characters' }).regex(/^[^\r\n]*$/, { error: 'one line, without line breaks' }) }),
  ),
  /** Starts streaming the history's events (those `filter` lets through) to a file; exportProgress tells how it goes. */
  exportTimeline: request<ExportStarted>()(
    z
      .strictObject({
        format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(', ')}` }),
        axis: z.enum(TIME_AXES, { error: `must be ${TIME_AXES.join(' or ')}` }).optional(),
        /** Only these events as rows, instants and pulses (mask and pending levels follow every event). */
        filter: eventFilter,
      })
      .refine((p) => p.axis !== 'seq' || SEQ_AXIS_FORMATS.includes(p.format), { error: `the seq axis is for ${SEQ_AXIS_FORMATS.join(' and ')}`, path: ['axis'] }),
  ),
  /** Stops an export (a waiting download, or one under way); false when there is no such export any more. */
  cancelExport: request<{ cancelled: boolean }>()(z.strictObject({ id: int(1, Number.MAX_SAFE_INTEGER, 'an export id') })),
  /** What the timeline shows of [startNs, endNs] at `pixels` columns, lane by lane, from the host's history. */
  timelineWindow: request<TimelineWindow>()(
    z
      .strictObject({
        startNs: z.number({ error: 'expected a time in ns' }).finite({ error: 'expected a finite time' }),
        endNs: z.number({ error: 'expected a time in ns' }).finite({ error: 'expected a finite time' }),
        pixels: int(1, MAX_WINDOW_PIXELS, 'a pixel count'),
        lanes: z.array(z.strictObject({ bdf: int(0, 0xffff, 'a bus/device/function number'), vector: int(0, 0xffff, 'a vector or 65535 for the function lane') })).max(MAX_WINDOW_LANES, { error: `at most ${MAX_WINDOW_LANES} lanes` }),
        filter: eventFilter,
      })
      .refine((p) => p.endNs > p.startNs, { error: 'endNs must be after startNs', path: ['endNs'] }),
  ),
  /** Up to `count` events from sequence number `fromSeq` on, as the history holds them (fewer where it holds fewer). */
  timelineEvents: request<{ events: EventRecord[]; firstSeq: number; total: number }>()(
    z.strictObject({ fromSeq: int(0, Number.MAX_SAFE_INTEGER, 'a sequence number'), count: int(1, 10_000, 'an event count') }),
  ),
  /**
   * The log view's rows: up to `count` events from row `fromRow` of the events `filter`
   * lets through (every held event without one), oldest first; with `tail` instead, the
   * last `count` rows as they are when the host answers (the log following the newest:
   * a row number asked for would be behind the end by the time a live stream's answer
   * arrived). `complete` is false while the filter has not yet tested every held event
   * (ask again: each request tests more).
   */
  eventRows: request<EventRows>()(
    z
      .strictObject({ filter: eventFilter, fromRow: int(0, Number.MAX_SAFE_INTEGER, 'a row number').optional(), tail: z.literal(true).optional(), count: int(1, 1000, 'a row count') })
      .refine((p) => (p.fromRow === undefined) !== (p.tail === undefined), { error: 'give fromRow or tail, not both', path: ['fromRow'] }),
  ),
  /** Finds the event `seq`, or the first at or after `timeNs`, among the rows of `filter` (the nearest row it lets through). */
  locateEvent: request<LocatedEvent>()(
    z
      .strictObject({
        filter: eventFilter,
        seq: int(0, Number.MAX_SAFE_INTEGER, 'an event sequence number').optional(),
        timeNs: int(0, Number.MAX_SAFE_INTEGER, 'a time in whole ns').optional(),
      })
      .refine((p) => (p.seq === undefined) !== (p.timeNs === undefined), { error: 'give seq or timeNs, not both', path: ['seq'] }),
  ),
  /** Parses and imports without loading: what the Import dialog shows before the user confirms. */
  inspectDumps: request<DumpInspection>()(z.strictObject({ files: dumpFiles })),
  /**
   * Imports and loads the result in place of the running machine, only if it builds.
   * `vectorsInUse`: 'all' (default) marks every MSI-X vector in use, as a driver that
   * requested them would; 'none' starts them unused, as right after QEMU's msix_init.
   */
  importDumps: request<DumpImportResult>()(
    z.strictObject({ files: dumpFiles, barSizes: barSizeOverrides.optional(), vectorsInUse: z.enum(VECTORS_IN_USE, { error: "must be 'all' or 'none'" }).optional() }),
  ),
  /** A setpci command line against the machine, as the user; `bdf` is the device a line without `-s`/`-d` applies to. */
  setpci: request<SetpciReply>()(
    z.strictObject({ line: z.string().max(4096, { error: 'at most 4096 characters' }).regex(/^[^\r\n]*$/, { error: 'one line, without line breaks' }), bdf: bdf.optional() }),
  ),
} satisfies { [N in RequestName]: RequestSpec<z.ZodType, unknown> };

type Requests = typeof requests;
/** What the renderer sends (zod input). */
export type RequestParams<N extends RequestName> = z.input<Requests[N]['params']>;
/** What a handler receives after validation (zod output). */
export type ValidParams<N extends RequestName> = z.output<Requests[N]['params']>;
export type RequestResult<N extends RequestName> = Requests[N] extends RequestSpec<z.ZodType, infer R> ? R : never;

export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

export type ViewName = 'devices' | 'vectors' | 'timeline' | 'script' | 'compare';

/** Event streams from main to the renderer. */
export interface StreamPayloads {
  /** A binary columnar batch (src-shared/timeline/wire.ts). */
  timeline: ArrayBuffer;
  /**
   * Devices whose state may have changed since the last notice; `registers`: those of
   * them whose config space or device summary may have too (the others: only their
   * vectors' table, pending bits and counts, as a source's flood changes them).
   */
  deviceStateChanged: { bdfs: number[]; registers: number[] };
  machineLoaded: MachineStatus;
  /** The native menu asked for a view. */
  viewRequested: { view: ViewName };
  /** The debugger's state, on every pause, resume and breakpoint change (hit counts within a pump). */
  debuggerChanged: DebuggerState;
  /** File ▸ Import… read these files: the renderer's Import dialog takes over. */
  importRequested: { files: DumpFileData[] };
  /** File ▸ Attach to QEMU…: open the dialog that takes a QEMU command line. */
  attachRequested: Record<string, never>;
  exportProgress: ExportProgress;
}
export type StreamPayload<S extends StreamName> = StreamPayloads[S];

// Both directions of the check: every stream name has a payload type and no payload type lacks a name.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const streamNamesMatch: Exactly<keyof StreamPayloads, StreamName> = true;
export const dumpFileSchemaMatches: Exactly<z.output<typeof dumpFile>, DumpFileData> = true;
