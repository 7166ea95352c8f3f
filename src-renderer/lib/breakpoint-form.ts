// The breakpoint editor's form: text fields as typed, to and from a breakpoint spec.
// The form checks what it can read against the devices it knows (numbers, vector
// lists, register names as `break config` takes them, `barN+offset` as the poke
// panel takes it); main validates the spec against the machine and its answer names
// the field.
import { parseVectorRanges } from './vector-ranges';
import { resolveAddress } from './address-expression';
import { registerPlace } from '../../src-shared/registers/register-names';
import type { DeviceInfo } from '../../src-shared/ipc/contract';
import type { BreakpointKind, BreakpointSpec, BreakpointSpecInput } from '../../src-shared/debugger/breakpoints';
import { MASK_CAUSES, NOTIFY_OUTCOMES, VALUE_OF, type AccessDirection, type MaskCauseName, type NotifyOutcome } from '../../src-shared/debugger/breakpoint-words';
import { parseNumber } from './format';

export const KIND_LABELS: Record<BreakpointKind, string> = {
  unmask: 'vector unmasked',
  notify: 'notify outcome',
  pending: 'pending bit set',
  'config-write': 'config write',
  access: 'MMIO / port access',
  delivery: 'message delivered',
};
export const BREAKPOINT_KINDS = Object.keys(KIND_LABELS) as BreakpointKind[];

export interface BreakpointForm {
  kind: BreakpointKind;
  /** A device number, or null for any device. */
  bdf: number | null;
  /** `any`, `3`, `0,2,5-7`. */
  vectors: string;
  causes: MaskCauseName[];
  outcomes: NotifyOutcome[];
  offset: string;
  length: string;
  space: 'memory' | 'io';
  start: string;
  direction: AccessDirection;
  /** Empty for any. */
  cpu: string;
  idtVector: string;
  /** Empty for no value condition. */
  valueEquals: string;
  valueMask: string;
  /** Empty for no hit-count condition. */
  minHits: string;
  tracepoint: boolean;
}

export type FormResult = { ok: true; spec: BreakpointSpecInput } | { ok: false; field: keyof BreakpointForm; error: string };

export const hasValue = (kind: BreakpointKind): boolean => kind in VALUE_OF;
export const hasVectors = (kind: BreakpointKind): boolean => kind === 'unmask' || kind === 'notify' || kind === 'pending';
export const hasDevice = (kind: BreakpointKind): boolean => hasVectors(kind) || kind === 'config-write';

export function emptyForm(bdf: number | null = null): BreakpointForm {
  return {
    kind: 'unmask',
    bdf,
    vectors: 'any',
    causes: [...MASK_CAUSES],
    outcomes: [...NOTIFY_OUTCOMES],
    offset: 'COMMAND',
    length: '',
    space: 'memory',
    start: '',
    direction: 'both',
    cpu: '',
    idtVector: '',
    valueEquals: '',
    valueMask: '',
    minHits: '',
    tracepoint: false,
  };
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The form showing an existing spec (for editing it). */
export function formFromSpec(spec: BreakpointSpec): BreakpointForm {
  const form = emptyForm();
  form.kind = spec.kind;
  form.tracepoint = spec.tracepoint;
  const value = spec.condition?.value;
  form.valueEquals = value === undefined ? '' : hex(value.equals);
  form.valueMask = value === undefined || value.mask === 0xffffffff ? '' : hex(value.mask);
  form.minHits = spec.condition?.minHits === undefined ? '' : String(spec.condition.minHits);
  switch (spec.kind) {
    case 'unmask':
    case 'notify':
    case 'pending':
      form.bdf = spec.bdf;
      form.vectors = spec.vectors === 'any' ? 'any' : spec.vectors.join(',');
      if (spec.kind === 'unmask') form.causes = [...spec.causes];
      if (spec.kind === 'notify') form.outcomes = [...spec.outcomes];
      break;
    case 'config-write':
      form.bdf = spec.bdf;
      form.offset = hex(spec.offset);
      form.length = String(spec.length);
      break;
    case 'access':
      form.space = spec.space;
      form.start = hex(spec.start);
      form.length = hex(spec.length);
      form.direction = spec.direction;
      break;
    case 'delivery':
      form.cpu = spec.cpu === null ? '' : String(spec.cpu);
      form.idtVector = spec.idtVector === null ? '' : hex(spec.idtVector);
      break;
  }
  return form;
}

/** `any`, or vectors and ranges: `0,2,5-7`. */
export function parseVectorList(text: string): { ok: true; vectors: 'any' | number[] } | { ok: false; error: string } {
  const t = text.trim().toLowerCase();
  if (t === 'any' || t === '*') return { ok: true, vectors: 'any' };
  if (t === '') return { ok: false, error: 'name the vectors (0,2,5-7) or "any"' };
  const parsed = parseVectorRanges(t);
  if (!parsed.ok) return parsed;
  const out = new Set<number>();
  for (const [from, to] of parsed.ranges) {
    if (to > 2047) return { ok: false, error: `vector ${to} is above 2047` };
    for (let v = from; v <= to; v++) out.add(v);
  }
  return { ok: true, vectors: [...out].sort((a, b) => a - b) };
}

/** What the form reads names and `barN+…` against. */
export interface FormDevices {
  list: readonly DeviceInfo[];
  /** The device `barN+offset` refers to (the one selected in the app). */
  selected: DeviceInfo | null;
}

const NO_DEVICES: FormDevices = { list: [], selected: null };

/** A refusal's leading words (`vectors: …`, as the app words main's errors) to the form field they concern. */
const FIELD_OF_WORDS: Readonly<Record<string, keyof BreakpointForm>> = {
  vectors: 'vectors',
  offset: 'offset',
  length: 'length',
  'start address': 'start',
  CPU: 'cpu',
  'IDT vector': 'idtVector',
  value: 'valueEquals',
  mask: 'valueMask',
  'hit count': 'minHits',
  device: 'bdf',
};

export function fieldOfError(message: string): keyof BreakpointForm | null {
  const words = /^([^:]+):/.exec(message)?.[1];
  return words === undefined ? null : (FIELD_OF_WORDS[words] ?? null);
}

class FieldError {
  constructor(
    readonly field: keyof BreakpointForm,
    readonly error: string,
  ) {}
}

/** The spec the form describes, or the first field it cannot read. */
export function specFromForm(form: BreakpointForm, devices: FormDevices = NO_DEVICES): FormResult {
  let spec: BreakpointSpecInput;
  const num = (field: keyof BreakpointForm, what: string, min = 0): number => {
    const text = String(form[field]).trim();
    if (text === '') throw new FieldError(field, `${what}: empty (type a number: 0x1f or 31)`);
    if (/^-\s*\d/.test(text)) throw new FieldError(field, `${what}: cannot be negative ('${text}')`);
    const value = parseNumber(text);
    if (value === undefined) throw new FieldError(field, `${what}: '${text}' is not a number (0x1f or 31)`);
    if (value < min) throw new FieldError(field, `${what}: at least ${min} ('${text}')`);
    return value;
  };
  const device = devices.list.find((d) => d.bdf === form.bdf) ?? null;
  const optional = (field: keyof BreakpointForm, what: string): number | null => (String(form[field]).trim() === '' ? null : num(field, what));
  try {
    switch (form.kind) {
      case 'unmask':
      case 'notify':
      case 'pending': {
        const parsed = parseVectorList(form.vectors);
        if (!parsed.ok) return { ok: false, field: 'vectors', error: `vectors: ${parsed.error}` };
        const vectors = parsed.vectors;
        const count = device?.msix?.vectors;
        const past = count === undefined || vectors === 'any' ? undefined : vectors.find((v) => v >= count);
        if (past !== undefined) return { ok: false, field: 'vectors', error: `vectors: ${past} is past the last vector of ${device!.address} (it has 0..${count! - 1})` };
        if (form.kind === 'unmask') spec = { kind: 'unmask', bdf: form.bdf, vectors, causes: form.causes };
        else if (form.kind === 'notify') spec = { kind: 'notify', bdf: form.bdf, vectors, outcomes: form.outcomes };
        else spec = { kind: 'pending', bdf: form.bdf, vectors };
        break;
      }
      case 'config-write': {
        const place = configPlace(form.offset, device, num);
        const length = form.length.trim() === '' ? place.length : num('length', 'length', 1);
        spec = { kind: 'config-write', bdf: form.bdf, offset: place.offset, length };
        break;
      }
      case 'access': {
        if (form.start.trim() === '') throw new FieldError('start', 'start address: empty (0xfebf0000, or bar1+0x800 on the selected device)');
        const where = resolveAddress(form.start, devices.selected);
        if (!where.ok) throw new FieldError('start', `start address: ${where.error}`);
        spec = { kind: 'access', space: where.space ?? form.space, start: where.address, length: num('length', 'length', 1), direction: form.direction };
        break;
      }
      case 'delivery':
        spec = { kind: 'delivery', cpu: optional('cpu', 'CPU'), idtVector: optional('idtVector', 'IDT vector') };
        break;
    }
    const condition: NonNullable<BreakpointSpecInput['condition']> = {};
    const equals = hasValue(form.kind) ? optional('valueEquals', 'value') : null;
    if (equals !== null) condition.value = { equals, mask: optional('valueMask', 'mask') ?? 0xffffffff };
    const minHits = String(form.minHits).trim() === '' ? null : num('minHits', 'hit count', 1);
    if (minHits !== null) condition.minHits = minHits;
    if (condition.value !== undefined || condition.minHits !== undefined) spec.condition = condition;
    spec.tracepoint = form.tracepoint;
    return { ok: true, spec };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, field: err.field, error: err.error };
    throw err;
  }
}

/** An offset (a number), or a register name as `break config` takes it, on the form's device. */
function configPlace(text: string, device: DeviceInfo | null, num: (field: keyof BreakpointForm, what: string) => number): { offset: number; length: number } {
  if (/^\s*[0-9]/.test(text)) return { offset: num('offset', 'offset'), length: 1 };
  if (text.trim() === '') throw new FieldError('offset', 'offset: empty (an offset such as 0x84, or a register name such as COMMAND)');
  const place = registerPlace(text, device === null ? null : { address: device.address, msixCapOffset: device.msix?.capOffset ?? null });
  if (!place.ok) throw new FieldError('offset', `offset: ${place.error}`);
  return place;
}
