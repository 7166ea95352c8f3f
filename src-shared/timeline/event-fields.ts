// The named fields of an event, as a display filter reads them: the envelope every
// event has (seq, time, kind, origin, bdf, vector, text, and the raw columns), and
// every kind-specific field the event schema declares (event-schema.ts), by the same
// name (`reason`, `cause`, `offset`, `effective`, `target`, `data`, `address`, …),
// plus `idt` (a delivery's IDT vector) and `write` (an access's direction). A field an
// event's kind does not declare is absent for that event (its getter answers
// undefined), as a protocol field is absent from a packet in Wireshark.
import type { EventColumns } from './columns';
import { ACCESS_WRITE } from './event-kinds';
import { EVENT_KIND_COUNT, EVENT_KIND_NAMES, EventKind, KINDS, describeEvent, eventField, type FieldReader } from './event-schema';
import { ORIGIN_NAMES } from './event-record';

/** A field's value of event i: a number, or for a `text` field a string; undefined when absent. */
export type NumberGetter = (cols: EventColumns, i: number, seq: number) => number | undefined;
export type TextGetter = (cols: EventColumns, i: number) => string | undefined;

export type EventField =
  | { name: string; type: 'number'; doc: string; get: NumberGetter; /** Parse a literal as this field's unit (time: `1.5ms`; bdf: `00:03.0`). */ literal?: 'time' | 'bdf' }
  /** A number with names, per kind (a `cause` names other things for a mask change than for a pending bit cleared): compares by name or number. */
  | { name: string; type: 'enum'; doc: string; get: NumberGetter; namesOf: (kind: number) => readonly string[]; aliases?: Record<string, number> }
  | { name: string; type: 'text'; doc: string; get: TextGetter };

const NO_BDF = 0xffff;
const NO_VECTOR = 0xffff;

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

/** Per kind id, the reader of `name` when that kind declares it. */
function readersOf(name: string): (FieldReader | undefined)[] {
  return KINDS.reduce<(FieldReader | undefined)[]>((out, k) => {
    if (k.fields.some((f) => f.name === name)) out[k.id] = (eventField as Record<string, Record<string, FieldReader>>)[k.name]![name];
    return out;
  }, new Array(EVENT_KIND_COUNT));
}

function byKind(readers: (FieldReader | undefined)[]): NumberGetter {
  return (cols, i) => readers[cols.kind[i]!]?.(cols, i);
}

/** The schema's kind-specific fields, one filter field per name across kinds. */
function schemaFields(): EventField[] {
  const names = [...new Set(KINDS.flatMap((k) => k.fields.map((f) => f.name)))].filter((n) => n !== 'vector');
  return names.map((name): EventField => {
    const declared = KINDS.flatMap((k) => k.fields.filter((f) => f.name === name).map((f) => ({ kind: k, f })));
    const doc = [...new Set(declared.map(({ kind, f }) => `${kind.name}: ${f.doc}`))].join('; ');
    const get = byKind(readersOf(name));
    const named = declared.filter(({ f }) => f.names !== undefined);
    if (named.length === 0) return { name, type: 'number', doc, get };
    const namesByKind: (readonly string[])[] = new Array(EVENT_KIND_COUNT).fill([]);
    for (const { kind, f } of named) namesByKind[kind.id] = f.names!;
    return { name, type: 'enum', doc, get, namesOf: (kind) => namesByKind[kind] ?? [] };
  });
}

const vectorReaders = readersOf('vector');
const ALL_KINDS = (): readonly string[] => EVENT_KIND_NAMES;

export const EVENT_FIELDS: readonly EventField[] = [
  { name: 'seq', type: 'number', doc: 'sequence number', get: (_c, _i, seq) => seq },
  { name: 'time', type: 'number', doc: 'virtual time in ns (literals take ns, us, ms, s)', get: (c, i) => c.time[i], literal: 'time' },
  { name: 'kind', type: 'enum', doc: 'event kind (or delivered, pended, dropped, masked, …)', get: (c, i) => c.kind[i], namesOf: ALL_KINDS, aliases: KIND_ALIASES },
  { name: 'origin', type: 'enum', doc: 'guest, device, user or machine', get: (c, i) => c.origin[i], namesOf: () => ORIGIN_NAMES },
  { name: 'bdf', type: 'number', doc: 'the function, as 00:03.0', get: (c, i) => (c.bdf[i] === NO_BDF ? undefined : c.bdf[i]), literal: 'bdf' },
  {
    name: 'vector',
    type: 'number',
    doc: 'the vector, for kinds that name one',
    get: (c, i) => (vectorReaders[c.kind[i]!] === undefined || c.vector[i] === NO_VECTOR ? undefined : c.vector[i]),
  },
  { name: 'text', type: 'text', doc: 'the one-line description', get: (c, i) => describeEvent(c, i) },
  { name: 'detail', type: 'number', doc: 'raw detail column', get: (c, i) => c.detail[i] },
  { name: 'a', type: 'number', doc: 'raw a column', get: (c, i) => c.a[i] },
  { name: 'b', type: 'number', doc: 'raw b column', get: (c, i) => c.b[i] },
  { name: 'c', type: 'number', doc: 'raw c column', get: (c, i) => c.c[i] },
  ...schemaFields(),
  {
    name: 'idt',
    type: 'number',
    doc: 'NotifyDelivered: the IDT vector (Message Data bits 7:0)',
    get: (c, i) => (c.kind[i] === EventKind.NotifyDelivered ? c.b[i]! & 0xff : undefined),
  },
  {
    name: 'write',
    type: 'number',
    doc: 'AccessRefused, AccessUnclaimed, Access: 1 a write, 0 a read',
    get: (c, i) => {
      const k = c.kind[i];
      return k === EventKind.AccessRefused || k === EventKind.AccessUnclaimed || k === EventKind.Access ? ((c.detail[i]! & ACCESS_WRITE) !== 0 ? 1 : 0) : undefined;
    },
  },
];

export const EVENT_FIELD_NAMES: readonly string[] = EVENT_FIELDS.map((f) => f.name);

/** The field of that name, in any case (`cpuset` is `cpuSet`). */
export function filterField(name: string): EventField | undefined {
  const lower = name.toLowerCase();
  return EVENT_FIELDS.find((f) => f.name.toLowerCase() === lower);
}
