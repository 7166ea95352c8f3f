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
import { describeEvent, EVENT_KIND_COUNT, EVENT_KIND_NAMES, EventKind, FIELD_COLUMNS, eventField as F, spoken as spacedNames, type FieldName, type FieldReader, type KindName } from './event-schema';

/** A field's value of event i: a number, or for a `text` field a string; undefined when absent. */
export type NumberGetter = (cols: EventColumns, i: number, seq: number) => number | undefined;
export type TextGetter = (cols: EventColumns, i: number) => string | undefined;

export type EventField =
  | { name: string; type: 'number'; doc: string; get: NumberGetter; /** Parse a literal as this field's unit (time: `1.5ms`; bdf: `00:03.0`). */ literal?: 'time' | 'bdf' }
  /** A number with names: compares by name (`kind == pended`) or number, `contains` matches the name. */
  | { name: string; type: 'enum'; doc: string; get: NumberGetter; names: readonly string[]; aliases?: Record<string, number> }
  | { name: string; type: 'text'; doc: string; get: TextGetter };

const NO_BDF = 0xffff;

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

/** The columns' getter for one kind-specific field of several kinds, each kind its own column. */
function byKind(parts: [readonly number[], NumberGetter][]): NumberGetter {
  const table: (NumberGetter | undefined)[] = new Array(EVENT_KIND_COUNT);
  for (const [kinds, get] of parts) for (const k of kinds) table[k] = get;
  return (cols, i, seq) => table[cols.kind[i]!]?.(cols, i, seq);
}

/** A field as the event schema declares it for kind `k` (named `f` there), optionally mapped. */
function at<K extends KindName>(k: K, f: FieldName<K>, map: (v: number) => number = (v) => v): [readonly number[], NumberGetter] {
  const read = (F[k] as Record<string, FieldReader>)[f]!;
  return [[EventKind[k]], (c, i) => map(read(c, i))];
}
const accessSize = (flags: number): number => flags & 0xf;
const isWrite = (flags: number): number => ((flags & ACCESS_WRITE) !== 0 ? 1 : 0);
const schemaField = (...parts: [readonly number[], NumberGetter][]): NumberGetter => byKind(parts);

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
  ...FIELD_COLUMNS.filter((col) => col !== 'vector').map((col): EventField => ({ name: col, type: 'number', doc: `raw ${col} column`, get: (c, i) => c[col][i] })),
  // Kind-specific fields.
  {
    name: 'offset',
    type: 'number',
    doc: 'config offset (config writes), byte offset in the table or PBA',
    get: schemaField(at('ConfigWrite', 'offset'), at('TableRead', 'offset'), at('TableWrite', 'offset'), at('PbaRead', 'offset'), at('PbaWrite', 'offset')),
  },
  {
    name: 'value',
    type: 'number',
    doc: 'value written or read',
    get: schemaField(
      at('ConfigWrite', 'value'),
      at('TableRead', 'value'),
      at('TableWrite', 'value'),
      at('PbaRead', 'value'),
      at('PbaWrite', 'value'),
      at('AccessRefused', 'value'),
      at('AccessUnclaimed', 'value'),
      at('Access', 'value'),
    ),
  },
  { name: 'effective', type: 'number', doc: 'config write: the value that took effect', get: schemaField(at('ConfigWrite', 'effective')) },
  {
    name: 'size',
    type: 'number',
    doc: 'access size in bytes',
    get: schemaField(
      at('ConfigWrite', 'size'),
      at('TableRead', 'access'),
      at('TableWrite', 'access'),
      at('PbaRead', 'access'),
      at('PbaWrite', 'access'),
      at('AccessRefused', 'access', accessSize),
      at('AccessUnclaimed', 'access', accessSize),
      at('Access', 'access', accessSize),
      at('StateSaved', 'bytes'),
      at('StateLoaded', 'bytes'),
    ),
  },
  { name: 'write', type: 'number', doc: 'access: 1 write, 0 read', get: schemaField(at('AccessRefused', 'access', isWrite), at('AccessUnclaimed', 'access', isWrite), at('Access', 'access', isWrite)) },
  {
    name: 'address',
    type: 'number',
    doc: 'message address (notifies), access or BAR address',
    get: schemaField(
      at('NotifyDelivered', 'addressLo'),
      at('NotifyToMemory', 'address'),
      at('AccessRefused', 'address'),
      at('AccessUnclaimed', 'address'),
      at('Access', 'address'),
      at('BarMapped', 'address'),
      at('BarOverlap', 'address'),
      at('Divergence', 'addressLo'),
    ),
  },
  { name: 'data', type: 'number', doc: 'message data', get: schemaField(at('NotifyDelivered', 'data'), at('NotifyToMemory', 'data'), at('NotifyDropped', 'data')) },
  { name: 'idt', type: 'number', doc: 'delivered: IDT vector', get: schemaField(at('NotifyDelivered', 'data', (d) => d & 0xff)) },
  { name: 'apic', type: 'number', doc: 'delivered: destination APIC ID (or CPU set)', get: schemaField(at('NotifyDelivered', 'target')) },
  { name: 'mode', type: 'enum', doc: 'delivered: delivery mode', get: schemaField(at('NotifyDelivered', 'mode')), names: DELIVERY_MODE_NAMES.map((n) => n.toLowerCase()) },
  { name: 'reason', type: 'enum', doc: 'dropped: why', get: schemaField(at('NotifyDropped', 'reason')), names: DROP_REASON_NAMES },
  {
    name: 'cause',
    type: 'enum',
    doc: 'masked/unmasked: vector bit, function mask, enable, load; cleared: unmask, unuse, …',
    get: schemaField(at('VectorMasked', 'cause'), at('VectorUnmasked', 'cause'), at('PendingCleared', 'cause', (v) => PENDING_CLEAR_BASE + v)),
    names: CAUSE_NAMES,
  },
  { name: 'masked', type: 'number', doc: 'function mask change: 1 masked, 0 unmasked', get: schemaField(at('FunctionMaskChanged', 'masked')) },
  { name: 'control', type: 'number', doc: 'function mask change: Message Control', get: schemaField(at('FunctionMaskChanged', 'control')) },
  { name: 'enabled', type: 'number', doc: 'function mask change: 1 MSI-X enabled', get: schemaField(at('FunctionMaskChanged', 'enabled')) },
  { name: 'level', type: 'number', doc: 'INTx: output level', get: schemaField(at('IntxChanged', 'level')) },
  { name: 'count', type: 'number', doc: 'use count', get: schemaField(at('UseCountChanged', 'count')) },
  { name: 'notifier', type: 'enum', doc: 'use, release or poll', get: schemaField(at('NotifierFired', 'notifier')), names: spacedNames(NotifierKind) },
  { name: 'bar', type: 'number', doc: 'BAR index', get: schemaField(at('BarMapped', 'bar'), at('BarOverlap', 'bar')) },
  { name: 'mapped', type: 'number', doc: 'BAR: 1 mapped, 0 unmapped', get: schemaField(at('BarMapped', 'mapped')) },
  { name: 'breakpoint', type: 'number', doc: 'breakpoint id (0: step, run-until, pause)', get: schemaField(at('Breakpoint', 'breakpoint')) },
  { name: 'why', type: 'enum', doc: 'breakpoint event: stop, trace, step, until vector, user', get: schemaField(at('Breakpoint', 'why')), names: spacedNames(BreakpointDetail) },
  { name: 'hit', type: 'number', doc: 'breakpoint: seq of the event that hit', get: schemaField(at('Breakpoint', 'event')) },
  { name: 'divergence', type: 'enum', doc: 'what QEMU did that the model would not', get: schemaField(at('Divergence', 'divergence')), names: DIVERGENCE_NAMES },
  { name: 'model', type: 'number', doc: "divergence: the model's value", get: schemaField(at('Divergence', 'model')) },
  { name: 'qemu', type: 'number', doc: "divergence: QEMU's value", get: schemaField(at('Divergence', 'qemu')) },
];

export const EVENT_FIELD_NAMES: readonly string[] = EVENT_FIELDS.map((f) => f.name);

export function eventField(name: string): EventField | undefined {
  return EVENT_FIELDS.find((f) => f.name === name);
}
