// The event schema: every kind of event the machine logs, declared once — its wire
// id, its named fields and the physical column each lives in, what its enum-like
// fields mean, and its one-line text. The log's columns, the wire encoding, the
// named record (JSON lines, CSV, details pane), the exports and the renderer read
// events through what is derived here; the machine writes them through the typed
// helpers of event-emitter.ts, which the schema test holds to these declarations.
//
// The ids are part of the wire format and of saved sessions: append only, never
// renumber, never move a field to another column.
import {
  ACCESS_CONFIG,
  ACCESS_IO,
  ACCESS_WRITE,
  DELIVERY_MODE_NAMES,
  DIVERGENCE_NAMES,
  DROP_REASON_NAMES,
  DropReason,
  FUNCTION_MSI,
  INTX_HELD,
  MaskCause,
  NotifierKind,
  PENDED_BY_LOAD,
  PendingClearCause,
  UNCLAIMED_KIND_TEXT,
  UnclaimedKind,
} from './event-kinds';
import { deliveredCpuSet } from './delivered-cpus';

/**
 * Every event's physical columns, with their storage: the machine's ring, IPC
 * batches, session files, the host's history and the renderer's store all hold
 * these. time, kind, origin and bdf are every event's envelope; a kind's fields
 * live in the others.
 */
export const COLUMN_TYPES = {
  time: Float64Array,
  kind: Uint8Array,
  detail: Uint8Array,
  origin: Uint8Array,
  bdf: Uint16Array,
  vector: Uint16Array,
  a: Uint32Array,
  b: Uint32Array,
  c: Uint32Array,
} as const;
export type ColumnName = keyof typeof COLUMN_TYPES;
export const COLUMN_NAMES = Object.keys(COLUMN_TYPES) as readonly ColumnName[];
export type FieldColumn = 'detail' | 'vector' | 'a' | 'b' | 'c';
export const FIELD_COLUMNS: readonly FieldColumn[] = ['detail', 'vector', 'a', 'b', 'c'];
/** Bytes of storage per event across all columns. */
export const BYTES_PER_EVENT = COLUMN_NAMES.reduce((n, c) => n + COLUMN_TYPES[c].BYTES_PER_ELEMENT, 0);
/** Anything holding the columns (a column set, the machine's log, the host's history, the renderer's store). */
export type ColumnSet = { readonly [C in ColumnName]: ArrayLike<number> };

export interface FieldSpec {
  readonly name: string;
  readonly column: FieldColumn;
  /** The column holding bits 63:32 of a 64-bit value (an address, a sequence number); readers see one number. */
  readonly high?: FieldColumn;
  /** A field of a few bits of its column: [lowest bit, width]. */
  readonly bits?: readonly [number, number];
  /** An enum-like field: the name of each value. */
  readonly names?: readonly string[];
  /** false: the one-line text leaves it out (the details pane and the record still carry it). */
  readonly inText?: boolean;
  readonly doc: string;
}

type Options = Omit<FieldSpec, 'name' | 'column' | 'doc'>;

function field<const N extends string>(name: N, column: FieldColumn, doc: string, options: Options = {}): FieldSpec & { readonly name: N } {
  return { name, column, doc, ...options };
}

/** Values of a kind's fields by name, as readers see them. */
export type FieldValues<F extends readonly FieldSpec[]> = { readonly [K in F[number]['name']]: number };

export interface KindSpec<I extends number = number, F extends readonly FieldSpec[] = readonly FieldSpec[]> {
  readonly id: I;
  /** In order: the typed append helper's parameters after bdf. */
  readonly fields: F;
  readonly describe: (f: FieldValues<F>) => string;
}

function kind<const I extends number, const F extends readonly FieldSpec[]>(id: I, fields: F, describe: (f: FieldValues<F>) => string): KindSpec<I, F> {
  return { id, fields, describe };
}

const hx = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const nameOr = (names: readonly string[], v: number): string | number => names[v] ?? v;

/** Enum names as the text says them: VectorBit -> "vector bit". */
export function spoken(o: Record<string, number>): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(o)) out[v] = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return out;
}

export const MASK_CAUSE_NAMES = spoken(MaskCause);
export const CLEAR_CAUSE_NAMES = spoken(PendingClearCause);
export const NOTIFIER_NAMES = spoken(NotifierKind);
/** By BreakpointDetail. */
export const BREAKPOINT_TEXT = ['breakpoint', 'tracepoint', 'step ended', 'run until vector ended', 'paused by the user'] as const;
const RESET_TEXT = ['device reset', 'system reset', 'MSI-X reset'] as const;
/** NotifyPended's `pending`: what happened to the pending bit. */
export const PENDED_NAMES = ['already pending', 'pending bit set', 'set by msix_load'] as const;

/** AccessFlags: bits 3:0 size in bytes, bit 4 write, bit 5 I/O space (else memory), bit 6 config. */
function accessText(flags: number): string {
  const space = flags & ACCESS_CONFIG ? 'config' : flags & ACCESS_IO ? 'port' : 'memory';
  return `${flags & 0xf}-byte ${space} ${flags & ACCESS_WRITE ? 'write' : 'read'}`;
}

/** Who a delivered message reached: one APIC ID, or the CPUs of a logical, broadcast or lowest-priority message and how. */
function deliveryTargets(cpuSet: number, mode: number, target: number, addrLo: number): string {
  if (cpuSet === 0) return `APIC ${target}`;
  const cpus: number[] = [];
  const set = deliveredCpuSet(cpuSet, target);
  for (let cpu = 0; cpu < 32; cpu++) if ((set >>> cpu) & 1) cpus.push(cpu);
  const dest = (addrLo >>> 12) & 0xff;
  const how = (addrLo & 4) !== 0 ? `logical destination ${hx(dest)}` : dest === 0xff ? 'broadcast' : `APIC ${dest}`;
  return `${cpus.length === 1 ? 'CPU' : 'CPUs'} ${cpus.join(', ')} (${mode === 1 ? `lowest priority of ${how}` : how})`;
}

const ACCESS_DOC = 'AccessFlags: bits 3:0 size, bit 4 write, bit 5 I/O, bit 6 config';
const vectorField = field('vector', 'vector', 'the vector (MSI-X entry, MSI vector)');
const tableAccess = field('access', 'detail', "size of the guest's access (8: this dword is half of an 8-byte access)", { inText: false });
const address64 = (doc: string, high: FieldColumn, options: Options = {}) => field('address', 'a', doc, { high, ...options });

export const EVENT_SCHEMA = {
  ConfigWrite: kind(
    0,
    [field('size', 'detail', 'bytes written'), field('offset', 'a', 'config-space offset'), field('value', 'b', 'value written'), field('effective', 'c', 'value that took effect (what reads back)')],
    (f) => `config write [${hx(f.offset)}] = ${hx(f.value)} (${f.size} bytes)${f.effective === f.value ? '' : `, took effect as ${hx(f.effective)}`}`,
  ),
  TableRead: kind(1, [vectorField, tableAccess, field('offset', 'a', 'byte offset in the table'), field('value', 'b', 'value read')], (f) => `table read +${hx(f.offset)} (vector ${f.vector}) = ${hx(f.value)}`),
  TableWrite: kind(
    2,
    [vectorField, tableAccess, field('offset', 'a', 'byte offset in the table'), field('value', 'b', 'value written')],
    (f) => `table write +${hx(f.offset)} (vector ${f.vector}) = ${hx(f.value)}${f.access === 8 ? ' (half of an 8-byte write)' : ''}`,
  ),
  PbaRead: kind(3, [tableAccess, field('offset', 'a', 'byte offset in the PBA'), field('value', 'b', 'value read')], (f) => `PBA read +${hx(f.offset)} = ${hx(f.value)}`),
  /** Ignored by the device (P1). */
  PbaWrite: kind(4, [tableAccess, field('offset', 'a', 'byte offset in the PBA'), field('value', 'b', 'value written')], (f) => `PBA write +${hx(f.offset)} = ${hx(f.value)} (ignored)`),
  VectorMasked: kind(5, [vectorField, field('cause', 'detail', 'MaskCause', { names: MASK_CAUSE_NAMES })], (f) => `vector ${f.vector} masked (${nameOr(MASK_CAUSE_NAMES, f.cause)})`),
  VectorUnmasked: kind(6, [vectorField, field('cause', 'detail', 'MaskCause', { names: MASK_CAUSE_NAMES })], (f) => `vector ${f.vector} unmasked (${nameOr(MASK_CAUSE_NAMES, f.cause)})`),
  /** Enable or Function Mask changed (M1). */
  FunctionMaskChanged: kind(
    7,
    [
      field('enabled', 'detail', '1: MSI-X (or MSI) enabled'),
      field('masked', 'a', '1: the function is masked (M1)'),
      field('control', 'b', 'Message Control'),
      field('capability', 'c', 'whose Enable: 0 MSI-X, FUNCTION_MSI plain MSI', { names: ['MSI-X', 'MSI'] }),
    ],
    (f) =>
      f.capability === FUNCTION_MSI
        ? `MSI ${f.enabled ? 'enabled' : 'disabled'} (Message Control ${hx(f.control)})`
        : `function ${f.masked ? 'masked' : 'unmasked'} (Message Control ${hx(f.control)}, MSI-X ${f.enabled ? 'enabled' : 'disabled'}, Function Mask ${f.control & 0x4000 ? 'set' : 'clear'})`,
  ),
  NotifyDelivered: kind(
    8,
    [
      vectorField,
      field('mode', 'detail', 'delivery mode (Message Data bits 10:8)', { bits: [0, 3], names: DELIVERY_MODE_NAMES }),
      field('cpuSet', 'detail', '1: target is the set of CPUs reached, not one APIC ID', { bits: [6, 1] }),
      field('belowSixteen', 'detail', '1: a fixed interrupt to an IDT vector below 16 (an exception vector)', { bits: [7, 1] }),
      field('target', 'a', 'destination APIC ID; with cpuSet the CPUs reached (bit i = CPU i)'),
      field('data', 'b', 'Message Data (IDT vector in bits 7:0)'),
      field('addressLo', 'c', 'Message Address bits 31:0'),
    ],
    (f) =>
      `vector ${f.vector} delivered to ${deliveryTargets(f.cpuSet, f.mode, f.target, f.addressLo)}, IDT vector ${hx(f.data & 0xff)} (${DELIVERY_MODE_NAMES[f.mode]})${f.belowSixteen ? ' — vector below 16!' : ''}`,
  ),
  /** A2: the message went to ordinary memory, not to an interrupt controller. */
  NotifyToMemory: kind(9, [vectorField, address64('message address', 'c'), field('data', 'b', 'Message Data')], (f) => `vector ${f.vector} message written to memory ${hx(f.address)} = ${hx(f.data)}`),
  NotifyPended: kind(10, [vectorField, field('pending', 'detail', 'what happened to the pending bit', { names: PENDED_NAMES })], (f) =>
    f.pending === PENDED_BY_LOAD ? `vector ${f.vector} pending bit set (msix_load)` : `vector ${f.vector} masked: pending${f.pending ? ' bit set' : ' (already pending)'}`,
  ),
  NotifyDropped: kind(
    11,
    [
      vectorField,
      field('reason', 'detail', 'DropReason', { names: DROP_REASON_NAMES }),
      address64('message address (0: no message was built)', 'c', { inText: false }),
      field('data', 'b', 'Message Data (0: no message was built)', { inText: false }),
    ],
    (f) => `vector ${f.vector} dropped: ${nameOr(DROP_REASON_NAMES, f.reason)}`,
  ),
  PendingCleared: kind(12, [vectorField, field('cause', 'detail', 'PendingClearCause', { names: CLEAR_CAUSE_NAMES })], (f) => `vector ${f.vector} pending bit cleared (${nameOr(CLEAR_CAUSE_NAMES, f.cause)})`),
  IntxChanged: kind(
    13,
    [
      field('vector', 'vector', 'the cause the device raised (held only)', { inText: false }),
      field('held', 'detail', '1: raised while INTx Disable holds the output low; latched in Status bit 3 (D1)'),
      field('level', 'a', 'the output level'),
    ],
    (f) => (f.held === INTX_HELD ? 'INTx raised, held while INTx is disabled (Status bit 3 set; asserts when INTx Disable clears)' : `INTx ${f.level ? 'asserted' : 'deasserted'}`),
  ),
  AccessRefused: kind(14, [field('access', 'detail', ACCESS_DOC), address64('address (config: the offset)', 'b'), field('value', 'c', 'value written', { inText: false })], (f) => `${accessText(f.access)} at ${hx(f.address)} refused`),
  AccessUnclaimed: kind(
    15,
    [
      field('access', 'detail', ACCESS_DOC),
      field('unclaimed', 'vector', 'UnclaimedKind: what the access would have reached (bdf: the device it names, or the BAR whose hole it hit)', { names: UNCLAIMED_KIND_TEXT }),
      address64('address', 'b'),
      field('value', 'c', 'value written', { inText: false }),
    ],
    (f) => `${accessText(f.access)} at ${hx(f.address)} unclaimed${f.unclaimed !== UnclaimedKind.Nothing ? ` (${nameOr(UNCLAIMED_KIND_TEXT, f.unclaimed)})` : ''}`,
  ),
  Reset: kind(16, [field('scope', 'detail', 'what was reset', { names: RESET_TEXT })], (f) => RESET_TEXT[f.scope] ?? 'reset'),
  StateSaved: kind(17, [field('bytes', 'a', 'length of the saved state')], (f) => `MSI-X state saved (${f.bytes} bytes)`),
  StateLoaded: kind(18, [field('bytes', 'a', 'length of the loaded state')], (f) => `MSI-X state loaded (${f.bytes} bytes)`),
  UseCountChanged: kind(19, [vectorField, field('count', 'a', 'the new use count')], (f) => `vector ${f.vector} use count ${f.count}`),
  NotifierFired: kind(
    20,
    [
      vectorField,
      field('notifier', 'detail', 'NotifierKind', { names: NOTIFIER_NAMES }),
      field('pollFrom', 'a', 'poll: first vector of the range'),
      field('pollTo', 'b', 'poll: end of the range (exclusive)'),
    ],
    (f) => (f.notifier === NotifierKind.Poll ? `poll notifier for vectors ${f.pollFrom}..${f.pollTo}` : `vector ${f.vector} ${NOTIFIER_NAMES[f.notifier]} notifier`),
  ),
  BarMapped: kind(
    21,
    [field('mapped', 'detail', '1 mapped, 0 unmapped'), address64('the BAR address', 'b'), field('bar', 'c', 'BAR index')],
    (f) => `BAR ${f.bar} ${f.mapped ? 'mapped at' : 'unmapped from'} ${hx(f.address)}`,
  ),
  BarOverlap: kind(22, [address64('the BAR address', 'b'), field('bar', 'c', 'BAR index')], (f) => `BAR ${f.bar} at ${hx(f.address)} overlaps another region`),
  /** A breakpoint marker; bdf and vector are those of the event that hit. */
  Breakpoint: kind(
    23,
    [
      field('vector', 'vector', 'the vector of the event that hit', { inText: false }),
      field('why', 'detail', 'BreakpointDetail', { names: BREAKPOINT_TEXT }),
      field('breakpoint', 'a', 'breakpoint id (0: a step or run-until)'),
      field('event', 'b', 'sequence number of the event that hit', { high: 'c' }),
    ],
    (f) => `${BREAKPOINT_TEXT[f.why] ?? 'breakpoint'}${f.breakpoint ? ` ${f.breakpoint}` : ''} at event #${f.event}`,
  ),
  /** An access under an access breakpoint (logged only while one watches it). */
  Access: kind(24, [field('access', 'detail', ACCESS_DOC), address64('address', 'b'), field('value', 'c', 'value read or written')], (f) =>
    `${accessText(f.access)} at ${hx(f.address)}${f.access & ACCESS_WRITE ? ' =' : ' ->'} ${hx(f.value)}`,
  ),
  /** The shadow model (src-main/qemu/) disagrees with a real QEMU. */
  Divergence: kind(
    25,
    [
      field('vector', 'vector', 'the vector (0xffff: none)'),
      field('divergence', 'detail', 'DivergenceKind', { names: DIVERGENCE_NAMES }),
      field('model', 'a', "the model's value (ModelWouldPend/Drop: its NotifyPended/NotifyDropped detail)"),
      field('qemu', 'b', "QEMU's value"),
      field('addressLo', 'c', 'the address, bits 31:0'),
    ],
    (f) => `divergence at ${hx(f.addressLo)}${f.vector === 0xffff ? '' : ` (vector ${f.vector})`}: ${nameOr(DIVERGENCE_NAMES, f.divergence)} — model ${hx(f.model)}, QEMU ${hx(f.qemu)}`,
  ),
} as const;

// ---- derived from EVENT_SCHEMA -------------------------------------------------

type Schema = typeof EVENT_SCHEMA;
export type KindName = keyof Schema;
export type FieldName<K extends KindName> = Schema[K]['fields'][number]['name'];
/** The typed append helper's parameters after bdf: one number per field, in declared order. */
export type FieldArgs<K extends KindName> = NumbersFor<Schema[K]['fields']>;
type NumbersFor<T extends readonly unknown[]> = { -readonly [I in keyof T]: number };

/** Kind ids by name: the wire numbering. */
export const EventKind = Object.fromEntries(Object.entries(EVENT_SCHEMA).map(([name, spec]) => [name, spec.id])) as { readonly [K in KindName]: Schema[K]['id'] };
export type EventKind = (typeof EventKind)[KindName];

/** Every declared kind with its name, by id. */
export const KINDS: readonly (KindSpec & { readonly name: KindName })[] = Object.entries(EVENT_SCHEMA)
  .map(([name, spec]) => ({ ...(spec as KindSpec), name: name as KindName }))
  .sort((x, y) => x.id - y.id);
export const EVENT_KIND_COUNT = KINDS.length;
export const EVENT_KIND_NAMES: readonly string[] = KINDS.map((k) => k.name);
const BY_ID: readonly ((typeof KINDS)[number] | undefined)[] = KINDS.reduce<(typeof KINDS)[number][]>((out, k) => ((out[k.id] = k), out), []);

/** The declaration of kind id `kind`, or undefined for an id no kind has. */
export function kindSpec(kind: number): (KindSpec & { readonly name: KindName }) | undefined {
  return BY_ID[kind];
}

export type FieldReader = (cols: ColumnSet, i: number) => number;

/**
 * A reader of each field column, each its own function: readers run per event (the
 * doctor, filters), and closures of one function over a column name would share one
 * lookup site that sees every column and goes megamorphic.
 */
const COLUMN_READERS: Readonly<Record<FieldColumn, FieldReader>> = {
  detail: (cols, i) => cols.detail[i]!,
  vector: (cols, i) => cols.vector[i]!,
  a: (cols, i) => cols.a[i]!,
  b: (cols, i) => cols.b[i]!,
  c: (cols, i) => cols.c[i]!,
};

function readerOf(f: FieldSpec): FieldReader {
  const lo = COLUMN_READERS[f.column];
  if (f.high !== undefined) {
    const hi = COLUMN_READERS[f.high];
    return (cols, i) => hi(cols, i) * 0x100000000 + lo(cols, i);
  }
  if (f.bits !== undefined) {
    const [shift, width] = f.bits;
    const mask = (1 << width) - 1;
    return (cols, i) => (lo(cols, i) >>> shift) & mask;
  }
  return lo;
}

/** Field readers: `eventField.NotifyDelivered.data(cols, i)` is the Message Data of event i (a NotifyDelivered). */
export const eventField = Object.fromEntries(
  KINDS.map((k) => [k.name, Object.fromEntries(k.fields.map((f) => [f.name, readerOf(f)]))]),
) as { readonly [K in KindName]: { readonly [F in FieldName<K>]: FieldReader } };

/** Event i's fields by name; null when its kind id is not declared. */
export function readFields(cols: ColumnSet, i: number): Record<string, number> | null {
  const spec = BY_ID[cols.kind[i]!];
  if (spec === undefined) return null;
  const readers = (eventField as Record<string, Record<string, FieldReader>>)[spec.name]!;
  const out: Record<string, number> = {};
  for (const f of spec.fields) out[f.name] = readers[f.name]!(cols, i);
  return out;
}

/** A one-line human description of event i. */
export function describeEvent(cols: ColumnSet, i: number): string {
  const spec = BY_ID[cols.kind[i]!];
  const fields = readFields(cols, i);
  return spec === undefined || fields === null ? `event kind ${cols.kind[i]!}` : spec.describe(fields as never);
}

/** Largest value a field can hold. */
export function fieldMax(f: FieldSpec): number {
  if (f.bits !== undefined) return 2 ** f.bits[1] - 1;
  const bits = (c: FieldColumn): number => COLUMN_TYPES[c].BYTES_PER_ELEMENT * 8;
  return 2 ** (bits(f.column) + (f.high === undefined ? 0 : bits(f.high))) - 1;
}

type WritableColumns = { readonly [C in FieldColumn]: { [i: number]: number } };

/**
 * Writes named fields of kind `spec` into row i's field columns (reading an events
 * file, building test events): a field left out is 0. Returns what was wrong, naming
 * the field, or null; on a problem the row is left as it was.
 */
export function writeFields(cols: WritableColumns, i: number, spec: KindSpec, values: Readonly<Record<string, unknown>>): string | null {
  for (const name of Object.keys(values)) if (!spec.fields.some((f) => f.name === name)) return `field ${name} is not one of ${spec.fields.map((f) => f.name).join(', ')}`;
  for (const f of spec.fields) {
    const v = values[f.name] ?? 0;
    if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > fieldMax(f)) return `field ${f.name} must be an integer 0..0x${fieldMax(f).toString(16)}`;
  }
  for (const c of FIELD_COLUMNS) cols[c][i] = 0;
  for (const f of spec.fields) {
    const v = (values[f.name] ?? 0) as number;
    if (f.high !== undefined) {
      cols[f.column][i] = v >>> 0;
      cols[f.high][i] = Math.floor(v / 0x100000000) >>> 0;
    } else if (f.bits !== undefined) cols[f.column][i] = cols[f.column][i]! | (v << f.bits[0]);
    else cols[f.column][i] = v;
  }
  return null;
}

const COLUMN_BITS = (c: FieldColumn): number => COLUMN_TYPES[c].BYTES_PER_ELEMENT * 8;

/** The bits of each column a field occupies. */
function occupies(f: FieldSpec): [FieldColumn, number][] {
  const all = (c: FieldColumn): number => (COLUMN_BITS(c) === 32 ? 0xffffffff : (1 << COLUMN_BITS(c)) - 1);
  if (f.bits !== undefined) return [[f.column, (((1 << f.bits[1]) - 1) << f.bits[0]) >>> 0]];
  return f.high === undefined ? [[f.column, all(f.column)]] : [[f.column, all(f.column)], [f.high, all(f.high)]];
}

/**
 * What is wrong with a set of kind declarations, one line each (none for
 * EVENT_SCHEMA; the schema test holds it to that): ids not 0..N-1 each once, a
 * field in an unknown column or in bits its column does not have, two fields in
 * the same bits, a field named twice, a describer that reads a field its kind does
 * not declare or leaves out one not marked `inText: false`.
 */
export function schemaProblems(schema: Readonly<Record<string, KindSpec>>): string[] {
  const problems: string[] = [];
  const ids = Object.values(schema).map((k) => k.id).sort((x, y) => x - y);
  ids.forEach((id, n) => {
    if (id !== n) problems.push(`kind ids must be 0..${ids.length - 1} each once, got ${ids.join(', ')}`);
  });
  for (const [name, spec] of Object.entries(schema)) {
    const used = new Map<FieldColumn, number>();
    const names = new Set<string>();
    let placed = true;
    for (const f of spec.fields) {
      const where = `${name}.${f.name}`;
      if (names.has(f.name)) problems.push(`${where}: declared twice`);
      names.add(f.name);
      const columns = f.high === undefined ? [f.column] : [f.column, f.high];
      const unknown = columns.filter((c) => !FIELD_COLUMNS.includes(c));
      if (unknown.length > 0) {
        problems.push(`${where}: column ${unknown.join(', ')} is not one of ${FIELD_COLUMNS.join(', ')}`);
        placed = false;
        continue;
      }
      if (f.bits !== undefined && (f.high !== undefined || f.bits[0] < 0 || f.bits[1] < 1 || f.bits[0] + f.bits[1] > COLUMN_BITS(f.column))) {
        problems.push(`${where}: bits ${f.bits.join(', ')} do not fit column ${f.column}`);
        placed = false;
        continue;
      }
      for (const [column, mask] of occupies(f)) {
        if (((used.get(column) ?? 0) & mask) !== 0) problems.push(`${where}: column ${column} already holds another field of ${name}`);
        used.set(column, ((used.get(column) ?? 0) | mask) >>> 0);
      }
    }
    // The describer is tried on values that fit each field, which needs every field placed.
    if (placed) problems.push(...describerProblems(name, spec));
  }
  return problems;
}

/** Runs the describer over sample values (every enum value, every bit alone) and records which fields it reads. */
function describerProblems(name: string, spec: KindSpec): string[] {
  const read = new Set<string>();
  const problems = new Set<string>();
  const declared = new Set(spec.fields.map((f) => f.name));
  const samples: Record<string, number>[] = [Object.fromEntries(spec.fields.map((f) => [f.name, 0]))];
  for (const f of spec.fields) {
    const values = f.names !== undefined ? f.names.map((_, v) => v) : Array.from({ length: Math.log2(fieldMax(f) + 1) }, (_, bit) => 2 ** bit);
    for (const v of values) samples.push({ ...samples[0], [f.name]: v });
  }
  for (const sample of samples) {
    const watched = new Proxy(sample, {
      get(target, key) {
        if (typeof key === 'string') {
          if (!declared.has(key)) problems.add(`${name}: the describer reads ${key}, which ${name} does not declare`);
          read.add(key);
        }
        return Reflect.get(target, key);
      },
    });
    spec.describe(watched as never);
  }
  for (const f of spec.fields) if (f.inText !== false && !read.has(f.name)) problems.add(`${name}: the describer never shows ${f.name} (mark it inText: false if that is meant)`);
  return [...problems];
}

/** Event i of x and event j of y hold the same field columns (whatever their kinds). */
export function sameFields(x: ColumnSet, i: number, y: ColumnSet, j: number): boolean {
  for (const c of FIELD_COLUMNS) if (x[c][i] !== y[c][j]) return false;
  return true;
}

/**
 * Files written before the schema (session format 1, --events lines without
 * `fields`) held the local APIC's NotifyDropped (NoSuchCpu, ReservedDeliveryMode)
 * as APIC ID / data / address low in a / b / c, where every other drop holds the
 * address in a (low) and c (high). Moves such a row to the one layout.
 */
export function upgradeLegacyRow(cols: WritableColumns & ColumnSet, i: number): void {
  if (cols.kind[i] !== EVENT_SCHEMA.NotifyDropped.id) return;
  const reason = cols.detail[i]!;
  if (reason !== DropReason.NoSuchCpu && reason !== DropReason.ReservedDeliveryMode) return;
  cols.a[i] = cols.c[i]!;
  cols.c[i] = 0;
}
