// What the machine's debugger and its clients agree on: breakpoint specs, the
// breakpoint list, pause reports, deferred device-side actions and the IPC request
// params. Plain JSON data, validated with zod, so main and renderer share one
// definition and every error names the field that was wrong.
import { z } from 'zod';
import { formatPath } from '../machine-file/description';
import { ACCESS_DIRECTIONS, MASK_CAUSES, NOTIFY_OUTCOMES, VALUE_OF } from './breakpoint-words';

export { ACCESS_DIRECTIONS, MASK_CAUSES, NOTIFY_OUTCOMES, VALUE_OF, type AccessDirection, type MaskCauseName, type NotifyOutcome } from './breakpoint-words';

const int = (min: number, max: number, what: string) =>
  z
    .number({ error: `expected ${what} as a number` })
    .int({ error: `expected ${what} as an integer` })
    .min(min, { error: `${what} below ${min}` })
    .max(max, { error: `${what} above ${max}` });

const bdf = int(0, 0xffff, 'a bus/device/function number');
const u32 = int(0, 0xffffffff, 'a 32-bit value');
const vector = int(0, 2047, 'a vector number');
const seq = int(0, Number.MAX_SAFE_INTEGER, 'a sequence number');
/** A device, or null for every device. */
const device = bdf.nullable();
/** One vector is a list of one. */
const vectors = z.union([z.literal('any'), z.array(vector).min(1, { error: 'name at least one vector, or "any"' }).max(2048)]);

export const breakpointConditionSchema = z.strictObject({
  /** Hits only when (value & mask) === equals; what "value" is depends on the kind (see VALUE_OF). */
  value: z.strictObject({ equals: u32, mask: u32.default(0xffffffff) }).optional(),
  /** Stops (or traces) from the Nth hit on; earlier hits are only counted. */
  minHits: int(1, 0x7fffffff, 'a hit count').optional(),
});

const common = {
  condition: breakpointConditionSchema.optional(),
  /** A tracepoint logs a Breakpoint event and never stops. */
  tracepoint: z.boolean().default(false),
};

const unmaskSpec = z.strictObject({
  kind: z.literal('unmask'),
  bdf: device,
  vectors,
  causes: z.array(z.enum(MASK_CAUSES)).min(1, { error: 'name at least one cause' }).default([...MASK_CAUSES]),
  ...common,
});

const notifySpec = z.strictObject({
  kind: z.literal('notify'),
  bdf: device,
  vectors,
  outcomes: z.array(z.enum(NOTIFY_OUTCOMES)).min(1, { error: 'name at least one outcome' }),
  ...common,
});

/** A pending bit going from 0 to 1 (NotifyPended with detail 1). */
const pendingSpec = z.strictObject({ kind: z.literal('pending'), bdf: device, vectors, ...common });

/** A config write whose bytes touch [offset, offset + length). */
const configWriteSpec = z.strictObject({
  kind: z.literal('config-write'),
  bdf: device,
  offset: int(0, 4095, 'a config offset'),
  length: int(1, 4096, 'a length'),
  ...common,
});

/** A memory (MMIO, RAM) or port access whose bytes touch [start, start + length). */
const accessSpec = z.strictObject({
  kind: z.literal('access'),
  space: z.enum(['memory', 'io']),
  start: int(0, Number.MAX_SAFE_INTEGER, 'an address'),
  length: int(1, Number.MAX_SAFE_INTEGER, 'a length'),
  direction: z.enum(ACCESS_DIRECTIONS).default('both'),
  ...common,
});

/** A message delivered to a CPU (APIC ID) and/or with an IDT vector; null matches any. */
const deliverySpec = z.strictObject({
  kind: z.literal('delivery'),
  cpu: int(0, 31, 'a CPU number').nullable(),
  idtVector: int(0, 255, 'an IDT vector').nullable(),
  ...common,
});

export const breakpointSpecSchema = z
  .discriminatedUnion('kind', [unmaskSpec, notifySpec, pendingSpec, configWriteSpec, accessSpec, deliverySpec], {
    error: `kind must be one of unmask, notify, pending, config-write, access, delivery`,
  })
  .superRefine((spec, ctx) => {
    if (spec.kind === 'config-write' && spec.offset + spec.length > 4096) {
      ctx.addIssue({ code: 'custom', path: ['length'], message: `range 0x${spec.offset.toString(16)}+${spec.length} runs past config space (4096 bytes)` });
    }
    if (spec.kind === 'access') {
      const limit = spec.space === 'io' ? 0x10000 : Number.MAX_SAFE_INTEGER;
      if (spec.start + spec.length > limit) ctx.addIssue({ code: 'custom', path: ['length'], message: `range runs past the end of ${spec.space} space` });
    }
    if (spec.kind === 'delivery' && spec.cpu === null && spec.idtVector === null) {
      ctx.addIssue({ code: 'custom', path: ['cpu'], message: 'name a CPU, an IDT vector or both (a notify breakpoint catches every delivery)' });
    }
    if (spec.condition?.value !== undefined) {
      if (!(spec.kind in VALUE_OF)) {
        ctx.addIssue({ code: 'custom', path: ['condition', 'value'], message: `a ${spec.kind} breakpoint has no value to test (only ${Object.keys(VALUE_OF).join(', ')})` });
      } else if (spec.kind === 'config-write' && spec.length > 4) {
        ctx.addIssue({ code: 'custom', path: ['condition', 'value'], message: 'a value condition needs a config range of at most 4 bytes' });
      }
    }
  });

export type BreakpointSpec = z.output<typeof breakpointSpecSchema>;
export type BreakpointSpecInput = z.input<typeof breakpointSpecSchema>;
export type BreakpointKind = BreakpointSpec['kind'];
export type BreakpointCondition = z.output<typeof breakpointConditionSchema>;

export const breakpointInfoSchema = z.strictObject({
  id: int(1, Number.MAX_SAFE_INTEGER, 'a breakpoint id'),
  spec: breakpointSpecSchema,
  enabled: z.boolean(),
  /** Matches so far (value condition held), whether or not they stopped. */
  hits: int(0, Number.MAX_SAFE_INTEGER, 'a hit count'),
});
export type BreakpointInfo = z.output<typeof breakpointInfoSchema>;

/** One event as src-shared/timeline/event-record.ts names it. */
export const eventRecordSchema = z.strictObject({
  seq,
  timeNs: z.number(),
  kind: z.string(),
  origin: z.string(),
  bdf: z.string().nullable(),
  vector: z.number().int(),
  detail: z.number().int(),
  a: z.number().int(),
  b: z.number().int(),
  c: z.number().int(),
  /** Absent in session format 1 (before the event schema). */
  fields: z.record(z.string().max(64), z.number()).default({}),
  text: z.string(),
});

/** A vector's state right after the event that paused the machine. */
export const vectorStateSchema = z.strictObject({
  bdf,
  vector,
  /** Absent: an MSI-X vector. `msi`: plain MSI's (its mask and pending bits; no Function Mask). */
  kind: z.literal('msi').optional(),
  /** M2 */
  masked: z.boolean(),
  /** The vector's own mask bit (vector control bit 0). */
  maskBit: z.boolean(),
  pending: z.boolean(),
  useCount: z.number().int().min(0),
  delivered: z.number().min(0),
  functionMask: z.boolean(),
  enabled: z.boolean(),
});
export type VectorState = z.output<typeof vectorStateSchema>;

/** 'user': the pause button or F8, between two events. */
export const PAUSE_REASONS = ['breakpoint', 'step', 'until-vector', 'user'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const pauseReportSchema = z.strictObject({
  reason: z.enum(PAUSE_REASONS),
  /** The breakpoint that stopped the machine (reason 'breakpoint'), as it stood then. */
  breakpoint: breakpointInfoSchema.nullable(),
  /** The event the machine paused after. */
  event: z.strictObject({ seq, record: eventRecordSchema }),
  /** Set when the event names a vector of an MSI-X or MSI function. */
  vector: vectorStateSchema.nullable(),
  /** Sequence number of the Breakpoint event logged for this pause. */
  markerSeq: seq,
  /**
   * Set when the pause stops a real guest (a QEMU target): QEMU runs on until it
   * processes the stop. Both null while the stop is under way; then how long after the
   * event (by QEMU's clock) the guest stopped, and the traced accesses it made meanwhile.
   */
  guestStop: z
    .strictObject({
      afterMs: z.number().min(0).nullable(),
      accessesAfter: z.number().int().min(0).nullable(),
    })
    .optional(),
});
export type PauseReport = z.output<typeof pauseReportSchema>;

/** Device-side work and clock advances held back while the machine is paused. */
export const deferredActionSchema = z.discriminatedUnion('kind', [
  /** D1: the device model raises interrupt cause `vector` (origin Device). */
  z.strictObject({ kind: z.literal('raise'), bdf, vector: int(0, 0xffff, 'a vector number') }),
  /** msix_notify of the vector, as qtest's msix_notify. */
  z.strictObject({ kind: z.literal('notify'), bdf, vector: int(0, 0xffff, 'a vector number') }),
  /** msi_notify of the vector (plain MSI), as qtest's msi_notify. */
  z.strictObject({ kind: z.literal('msiNotify'), bdf, vector: int(0, 0xffff, 'a vector number') }),
  /** msix_vector_use / msix_vector_unuse: the device model takes or gives back a vector (V1, V2). */
  z.strictObject({ kind: z.literal('use'), bdf, vector: int(0, 0xffff, 'a vector number') }),
  z.strictObject({ kind: z.literal('unuse'), bdf, vector: int(0, 0xffff, 'a vector number') }),
  /** Advance virtual time to an absolute target (ns). */
  z.strictObject({ kind: z.literal('advance'), targetNs: z.number().min(0).max(Number.MAX_SAFE_INTEGER) }),
]);
export type DeferredAction = z.output<typeof deferredActionSchema>;

export const RUN_MODES = ['run', 'step', 'until-vector'] as const;
export type RunMode = (typeof RUN_MODES)[number];
export const vectorRefSchema = z.strictObject({ bdf, vector });
export type VectorRef = z.output<typeof vectorRefSchema>;

/** Everything the debugger holds: what a session file saves and a client's snapshot shows. */
export const debuggerStateSchema = z.strictObject({
  breakpoints: z.array(breakpointInfoSchema),
  nextId: int(1, Number.MAX_SAFE_INTEGER, 'the next breakpoint id'),
  /** 'step' / 'until-vector': running until the next event (of that vector), then pausing. */
  mode: z.enum(RUN_MODES),
  until: vectorRefSchema.nullable(),
  paused: pauseReportSchema.nullable(),
  queue: z.array(deferredActionSchema),
});
export type DebuggerState = z.output<typeof debuggerStateSchema>;

/** What continue / step / until answer. */
export type ResumeResult = { ok: true; paused: boolean; ran: number } | { ok: false; error: string };

/** What running (or queueing) a deferred action answers; `position` is 1-based in the queue. */
export type PerformOutcome =
  | { ok: true; status: 'done' }
  | { ok: true; status: 'queued' | 'interrupted'; position: number }
  | { ok: false; error: string };

/** Request params for the IPC contract. */
export const debuggerParams = {
  addBreakpoint: z.strictObject({ spec: breakpointSpecSchema, enabled: z.boolean().optional() }),
  replaceBreakpoint: z.strictObject({ id: breakpointInfoSchema.shape.id, spec: breakpointSpecSchema }),
  removeBreakpoint: z.strictObject({ id: breakpointInfoSchema.shape.id }),
  setBreakpointEnabled: z.strictObject({ id: breakpointInfoSchema.shape.id, enabled: z.boolean() }),
  debuggerState: z.strictObject({}),
  pause: z.strictObject({}),
  continue: z.strictObject({}),
  step: z.strictObject({}),
  /** Defaults to the vector of the current pause. */
  runUntilVectorEvent: z.strictObject({ target: vectorRefSchema.optional() }),
  cancelRun: z.strictObject({}),
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates a spec from outside (IPC, a file); the error names each offending field. */
export function parseBreakpointSpec(input: unknown): Parsed<BreakpointSpec> {
  const r = breakpointSpecSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, error: r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ') };
}
