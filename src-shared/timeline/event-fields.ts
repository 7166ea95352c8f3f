// The named fields of an event, as a display filter reads them: the ones every event
// has (seq, time, kind, origin, bdf, vector, text, and the raw columns), and the
// kind-specific ones spelled out from the columns each kind fills (event-kinds.ts).
// A field an event's kind does not have is absent for that event (its getter
// answers undefined), as a protocol field is absent from a packet in Wireshark.
import type { EventColumns } from './columns';
import {
  ACCESS_WRITE,
  DELIVERY_MODE_NAMES,
  DIVERGENCE_NAMES,
  DROP_REASON_NAMES,
  MaskCause,
  NotifierKind,
  PendingClearCause,
  BreakpointDetail,
} from './event-kinds';
import { inVectorLane } from './lanes';
import { describeEvent, EVENT_KIND_COUNT, EVENT_KIND_NAMES, EventKind, spoken as spacedNames } from './event-schema';

/** A field's value of event i: a number, or for a `text` field a string; undefined when absent. */
export type NumberGetter = (cols: EventColumns, i: number, seq: number) => number | undefined;
export type TextGetter = (cols: EventColumns, i: number) => string | undefined;

export type EventField =
  | { name: string; type: 'number'; doc: string; get: NumberGetter; /** Parse a literal as this field's unit (time: `1.5ms`; bdf: `00:03.0`). */ literal?: 'time' | 'bdf' }
  /** A number with names: compares by name (`kind == pended`) or number, `contains` matches the name. */
  | { name: string; type: 'enum'; doc: string; get: NumberGetter; names: readonly string[]; aliases?: Record<string, number> }
  | { name: string; type: 'text'; doc: string; get: TextGetter };

const NO_BDF = 0xffff;
const hi32 = 0x1_0000_0000;

/** Names compared without case: `NotifyPended` -> `notifypended`. */
const lower = (names: readonly string[]): string[] => names.map((n) => n.toLowerCase());


/** Short names for kinds, as the timeline's legend says them: `kind == pended`. */
const KIND_ALIASES: Record<string, number> = {
  delivered: EventKind.NotifyDelivered,
  pended: EventKind.NotifyPended,
  pending: EventKind.NotifyPended,
  dropped: EventKind.NotifyDropped,
  tomemory: EventKind.NotifyToMemory,
  masked: EventKind.VectorMasked,
  unmasked: EventKind.VectorUnmasked,
  cleared: EventKind.PendingCleared,
  config: EventKind.ConfigWrite,
  breakpoint: EventKind.Breakpoint,
  reset: EventKind.Reset,
  divergence: EventKind.Divergence,
};

/** Per kind, a getter; kinds without the field answer undefined. */
function perKind(kinds: readonly number[], get: NumberGetter): NumberGetter {
  const has = new Uint8Array(EVENT_KIND_COUNT);
  for (const k of kinds) has[k] = 1;
  return (cols, i, seq) => (has[cols.kind[i]!] === 1 ? get(cols, i, seq) : undefined);
}

const ACCESS_KINDS = [EventKind.AccessRefused, EventKind.AccessUnclaimed, EventKind.Access];
const STRUCTURE_KINDS = [EventKind.TableRead, EventKind.TableWrite, EventKind.PbaRead, EventKind.PbaWrite];

/** The columns' getter for one kind-specific field of several kinds, each kind its own column. */
function byKind(parts: [readonly number[], NumberGetter][]): NumberGetter {
  const table: (NumberGetter | undefined)[] = new Array(EVENT_KIND_COUNT);
  for (const [kinds, get] of parts) for (const k of kinds) table[k] = get;
  return (cols, i, seq) => table[cols.kind[i]!]?.(cols, i, seq);
}

const colA: NumberGetter = (c, i) => c.a[i];
const colB: NumberGetter = (c, i) => c.b[i];
const colC: NumberGetter = (c, i) => c.c[i];
const colDetail: NumberGetter = (c, i) => c.detail[i];

/** Mask causes at their values, pending-clear causes from 16 on: one `cause` field for both kinds. */
const PENDING_CLEAR_BASE = 16;
const CAUSE_NAMES: string[] = [];
spacedNames(MaskCause).forEach((n, v) => (CAUSE_NAMES[v] = n));
spacedNames(PendingClearCause).forEach((n, v) => (CAUSE_NAMES[PENDING_CLEAR_BASE + v] = n));

export const EVENT_FIELDS: readonly EventField[] = [
  { name: 'seq', type: 'number', doc: 'sequence number', get: (_c, _i, seq) => seq },
  { name: 'time', type: 'number', doc: 'virtual time in ns (literals take ns, us, ms, s)', get: (c, i) => c.time[i], literal: 'time' },
  { name: 'kind', type: 'enum', doc: 'event kind', get: (c, i) => c.kind[i], names: lower(EVENT_KIND_NAMES), aliases: KIND_ALIASES },
  { name: 'origin', type: 'enum', doc: 'guest, device, user or machine', get: (c, i) => c.origin[i], names: ['guest', 'device', 'user', 'machine'] },
  { name: 'bdf', type: 'number', doc: 'the function, as 00:03.0', get: (c, i) => (c.bdf[i] === NO_BDF ? undefined : c.bdf[i]), literal: 'bdf' },
  { name: 'vector', type: 'number', doc: 'MSI-X or MSI vector', get: (c, i) => (inVectorLane(c, i) || (c.kind[i] === EventKind.Divergence && c.vector[i] !== 0xffff) ? c.vector[i] : undefined) },
  { name: 'text', type: 'text', doc: 'the one-line description', get: (c, i) => describeEvent(c, i) },
  { name: 'detail', type: 'number', doc: 'raw detail column', get: colDetail },
  { name: 'a', type: 'number', doc: 'raw a column', get: colA },
  { name: 'b', type: 'number', doc: 'raw b column', get: colB },
  { name: 'c', type: 'number', doc: 'raw c column', get: colC },
  // Kind-specific fields.
  {
    name: 'offset',
    type: 'number',
    doc: 'config offset (config writes), byte offset in the table or PBA',
    get: perKind([EventKind.ConfigWrite, ...STRUCTURE_KINDS], colA),
  },
  {
    name: 'value',
    type: 'number',
    doc: 'value written or read',
    get: byKind([
      [[EventKind.ConfigWrite, ...STRUCTURE_KINDS], colB],
      [ACCESS_KINDS, colC],
    ]),
  },
  { name: 'effective', type: 'number', doc: 'config write: the value that took effect', get: perKind([EventKind.ConfigWrite], colC) },
  {
    name: 'size',
    type: 'number',
    doc: 'access size in bytes',
    get: byKind([
      [[EventKind.ConfigWrite, ...STRUCTURE_KINDS], colDetail],
      [ACCESS_KINDS, (c, i) => c.detail[i]! & 0xf],
      [[EventKind.StateSaved, EventKind.StateLoaded], colA],
    ]),
  },
  { name: 'write', type: 'number', doc: 'access: 1 write, 0 read', get: perKind(ACCESS_KINDS, (c, i) => ((c.detail[i]! & ACCESS_WRITE) !== 0 ? 1 : 0)) },
  {
    name: 'address',
    type: 'number',
    doc: 'message address (notifies), access or BAR address',
    get: byKind([
      [[EventKind.NotifyDelivered], colC],
      [[EventKind.NotifyToMemory], (c, i) => c.c[i]! * hi32 + c.a[i]!],
      [[...ACCESS_KINDS, EventKind.BarMapped, EventKind.BarOverlap], (c, i) => c.b[i]! * hi32 + c.a[i]!],
      [[EventKind.Divergence], colC],
    ]),
  },
  { name: 'data', type: 'number', doc: 'message data', get: perKind([EventKind.NotifyDelivered, EventKind.NotifyToMemory, EventKind.NotifyDropped], colB) },
  { name: 'idt', type: 'number', doc: 'delivered: IDT vector', get: perKind([EventKind.NotifyDelivered], (c, i) => c.b[i]! & 0xff) },
  { name: 'apic', type: 'number', doc: 'delivered: destination APIC ID (or CPU set)', get: perKind([EventKind.NotifyDelivered], colA) },
  { name: 'mode', type: 'enum', doc: 'delivered: delivery mode', get: perKind([EventKind.NotifyDelivered], (c, i) => c.detail[i]! & 7), names: DELIVERY_MODE_NAMES.map((n) => n.toLowerCase()) },
  { name: 'reason', type: 'enum', doc: 'dropped: why', get: perKind([EventKind.NotifyDropped], colDetail), names: DROP_REASON_NAMES },
  {
    name: 'cause',
    type: 'enum',
    doc: 'masked/unmasked: vector bit, function mask, enable, load; cleared: unmask, unuse, …',
    get: byKind([
      [[EventKind.VectorMasked, EventKind.VectorUnmasked], colDetail],
      [[EventKind.PendingCleared], (c, i) => PENDING_CLEAR_BASE + c.detail[i]!],
    ]),
    names: CAUSE_NAMES,
  },
  { name: 'masked', type: 'number', doc: 'function mask change: 1 masked, 0 unmasked', get: perKind([EventKind.FunctionMaskChanged], colA) },
  { name: 'control', type: 'number', doc: 'function mask change: Message Control', get: perKind([EventKind.FunctionMaskChanged], colB) },
  { name: 'enabled', type: 'number', doc: 'function mask change: 1 MSI-X enabled', get: perKind([EventKind.FunctionMaskChanged], colDetail) },
  { name: 'level', type: 'number', doc: 'INTx: output level', get: perKind([EventKind.IntxChanged], colA) },
  { name: 'count', type: 'number', doc: 'use count', get: perKind([EventKind.UseCountChanged], colA) },
  { name: 'notifier', type: 'enum', doc: 'use, release or poll', get: perKind([EventKind.NotifierFired], colDetail), names: spacedNames(NotifierKind) },
  { name: 'bar', type: 'number', doc: 'BAR index', get: perKind([EventKind.BarMapped, EventKind.BarOverlap], colC) },
  { name: 'mapped', type: 'number', doc: 'BAR: 1 mapped, 0 unmapped', get: perKind([EventKind.BarMapped], colDetail) },
  { name: 'breakpoint', type: 'number', doc: 'breakpoint id (0: step, run-until, pause)', get: perKind([EventKind.Breakpoint], colA) },
  { name: 'why', type: 'enum', doc: 'breakpoint event: stop, trace, step, until vector, user', get: perKind([EventKind.Breakpoint], colDetail), names: spacedNames(BreakpointDetail) },
  { name: 'hit', type: 'number', doc: 'breakpoint: seq of the event that hit', get: perKind([EventKind.Breakpoint], (c, i) => c.c[i]! * hi32 + c.b[i]!) },
  { name: 'divergence', type: 'enum', doc: 'what QEMU did that the model would not', get: perKind([EventKind.Divergence], colDetail), names: DIVERGENCE_NAMES },
  { name: 'model', type: 'number', doc: "divergence: the model's value", get: perKind([EventKind.Divergence], colA) },
  { name: 'qemu', type: 'number', doc: "divergence: QEMU's value", get: perKind([EventKind.Divergence], colB) },
];

export const EVENT_FIELD_NAMES: readonly string[] = EVENT_FIELDS.map((f) => f.name);

export function eventField(name: string): EventField | undefined {
  return EVENT_FIELDS.find((f) => f.name === name);
}
