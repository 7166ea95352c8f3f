// setpci against the simulated machine: the same command line, the same
// register names and the same messages as pciutils' setpci, so that a recipe
// from a real bring-up (`setpci -s 03:00.0 CAP_MSIX+2.w=8000:c000`) works here
// unchanged. Like setpci, the whole command line is parsed before anything is
// written: a typo anywhere means no write at all.
import { walkExtendedCapabilities, walkStandardCapabilities, type ConfigReader } from './config-decode';
import { hex } from './hex';
import { domainOf } from './bdf';
import { describeWriteEffect, writeEffect, type WriteMasks } from '../registers/write-effect';

export type AccessSize = 1 | 2 | 4;

export interface ConfigAccessor {
  /** `bdf` is a device's address: domain * 0x10000 + (bus << 8 | device << 3 | function). */
  readConfig(bdf: number, offset: number, size: AccessSize): number;
  writeConfig(bdf: number, offset: number, size: AccessSize, value: number): void;
  listBdfs(): number[];
  /** The register's write masks, where known: writes then report the bits that did not take. */
  writeMasks?(bdf: number, offset: number, size: AccessSize): WriteMasks;
}

export interface SetpciOptions {
  /**
   * Where setpci itself only warns ("No devices selected", exit 0), fail: the
   * app and qtest, where a line that touched nothing is a mistake to report.
   */
  noDeviceIsError?: boolean;
}

export interface SetpciResult {
  /** What setpci prints on stdout: values read, and with -v the trace of every access. */
  output: string[];
  /** What it prints on stderr. */
  errors: string[];
  /** Writes that did not all take (read-only bits, device-owned bits), one sentence each; setpci itself says nothing of them. */
  notes: string[];
  exitCode: 0 | 1;
}

interface Filter {
  domain: number;
  bus: number;
  slot: number;
  func: number;
  vendor: number;
  device: number;
  deviceClass: number;
  classMask: number;
  progIf: number;
}

interface Value {
  value: number;
  mask: number;
}

type CapType = 'none' | 'normal' | 'extended';

export interface RegisterOp {
  capType: CapType;
  capId: number;
  /** Which instance of the capability (`@n`). */
  number: number;
  name: string | undefined;
  /** Header types (bit n = type n) that have this named register; 0 = all. */
  hdrTypeMask: number;
  addr: number;
  width: AccessSize;
  /** Empty for a read. */
  values: Value[];
  /** The register as typed (`COMMAND`, `CAP_MSIX+2.w`), for the notes. */
  text: string;
}

interface Group {
  filter: Filter;
  ops: RegisterOp[];
}

export interface SetpciCommand {
  verbose: number;
  force: boolean;
  demo: boolean;
  groups: Group[];
}

/** setpci's own table: cap 0 = header register, 0x1xxxx = capability ID, 0x2xxxx = extended capability ID. */
const REGISTER_NAMES: readonly (readonly [cap: number, offset: number, width: 0 | AccessSize, hdrTypeMask: number, name: string])[] = [
  [0, 0x00, 2, 0x0, 'VENDOR_ID'],
  [0, 0x02, 2, 0x0, 'DEVICE_ID'],
  [0, 0x04, 2, 0x0, 'COMMAND'],
  [0, 0x06, 2, 0x0, 'STATUS'],
  [0, 0x08, 1, 0x0, 'REVISION'],
  [0, 0x09, 1, 0x0, 'CLASS_PROG'],
  [0, 0x0a, 2, 0x0, 'CLASS_DEVICE'],
  [0, 0x0c, 1, 0x0, 'CACHE_LINE_SIZE'],
  [0, 0x0d, 1, 0x0, 'LATENCY_TIMER'],
  [0, 0x0e, 1, 0x0, 'HEADER_TYPE'],
  [0, 0x0f, 1, 0x0, 'BIST'],
  [0, 0x10, 4, 0x3, 'BASE_ADDRESS_0'],
  [0, 0x14, 4, 0x3, 'BASE_ADDRESS_1'],
  [0, 0x18, 4, 0x1, 'BASE_ADDRESS_2'],
  [0, 0x1c, 4, 0x1, 'BASE_ADDRESS_3'],
  [0, 0x20, 4, 0x1, 'BASE_ADDRESS_4'],
  [0, 0x24, 4, 0x1, 'BASE_ADDRESS_5'],
  [0, 0x28, 4, 0x1, 'CARDBUS_CIS'],
  [0, 0x2c, 2, 0x1, 'SUBSYSTEM_VENDOR_ID'],
  [0, 0x2e, 2, 0x1, 'SUBSYSTEM_ID'],
  [0, 0x30, 4, 0x1, 'ROM_ADDRESS'],
  [0, 0x34, 1, 0x3, 'CAPABILITIES'],
  [0, 0x3c, 1, 0x3, 'INTERRUPT_LINE'],
  [0, 0x3d, 1, 0x3, 'INTERRUPT_PIN'],
  [0, 0x3e, 1, 0x1, 'MIN_GNT'],
  [0, 0x3f, 1, 0x1, 'MAX_LAT'],
  [0, 0x18, 1, 0x2, 'PRIMARY_BUS'],
  [0, 0x19, 1, 0x2, 'SECONDARY_BUS'],
  [0, 0x1a, 1, 0x2, 'SUBORDINATE_BUS'],
  [0, 0x1b, 1, 0x2, 'SEC_LATENCY_TIMER'],
  [0, 0x1c, 1, 0x2, 'IO_BASE'],
  [0, 0x1d, 1, 0x2, 'IO_LIMIT'],
  [0, 0x1e, 2, 0x2, 'SEC_STATUS'],
  [0, 0x20, 2, 0x2, 'MEMORY_BASE'],
  [0, 0x22, 2, 0x2, 'MEMORY_LIMIT'],
  [0, 0x24, 2, 0x2, 'PREF_MEMORY_BASE'],
  [0, 0x26, 2, 0x2, 'PREF_MEMORY_LIMIT'],
  [0, 0x28, 4, 0x2, 'PREF_BASE_UPPER32'],
  [0, 0x2c, 4, 0x2, 'PREF_LIMIT_UPPER32'],
  [0, 0x30, 2, 0x2, 'IO_BASE_UPPER16'],
  [0, 0x32, 2, 0x2, 'IO_LIMIT_UPPER16'],
  [0, 0x38, 4, 0x2, 'BRIDGE_ROM_ADDRESS'],
  [0, 0x3e, 2, 0x2, 'BRIDGE_CONTROL'],
  [0, 0x10, 4, 0x4, 'CB_CARDBUS_BASE'],
  [0, 0x14, 2, 0x4, 'CB_CAPABILITIES'],
  [0, 0x16, 2, 0x4, 'CB_SEC_STATUS'],
  [0, 0x18, 1, 0x4, 'CB_BUS_NUMBER'],
  [0, 0x19, 1, 0x4, 'CB_CARDBUS_NUMBER'],
  [0, 0x1a, 1, 0x4, 'CB_SUBORDINATE_BUS'],
  [0, 0x1b, 1, 0x4, 'CB_CARDBUS_LATENCY'],
  [0, 0x1c, 4, 0x4, 'CB_MEMORY_BASE_0'],
  [0, 0x20, 4, 0x4, 'CB_MEMORY_LIMIT_0'],
  [0, 0x24, 4, 0x4, 'CB_MEMORY_BASE_1'],
  [0, 0x28, 4, 0x4, 'CB_MEMORY_LIMIT_1'],
  [0, 0x2c, 2, 0x4, 'CB_IO_BASE_0'],
  [0, 0x2e, 2, 0x4, 'CB_IO_BASE_0_HI'],
  [0, 0x30, 2, 0x4, 'CB_IO_LIMIT_0'],
  [0, 0x32, 2, 0x4, 'CB_IO_LIMIT_0_HI'],
  [0, 0x34, 2, 0x4, 'CB_IO_BASE_1'],
  [0, 0x36, 2, 0x4, 'CB_IO_BASE_1_HI'],
  [0, 0x38, 2, 0x4, 'CB_IO_LIMIT_1'],
  [0, 0x3a, 2, 0x4, 'CB_IO_LIMIT_1_HI'],
  [0, 0x40, 2, 0x4, 'CB_SUBSYSTEM_VENDOR_ID'],
  [0, 0x42, 2, 0x4, 'CB_SUBSYSTEM_ID'],
  [0, 0x44, 4, 0x4, 'CB_LEGACY_MODE_BASE'],
  [0x10001, 0, 0, 0, 'CAP_PM'],
  [0x10002, 0, 0, 0, 'CAP_AGP'],
  [0x10003, 0, 0, 0, 'CAP_VPD'],
  [0x10004, 0, 0, 0, 'CAP_SLOTID'],
  [0x10005, 0, 0, 0, 'CAP_MSI'],
  [0x10006, 0, 0, 0, 'CAP_CHSWP'],
  [0x10007, 0, 0, 0, 'CAP_PCIX'],
  [0x10008, 0, 0, 0, 'CAP_HT'],
  [0x10009, 0, 0, 0, 'CAP_VNDR'],
  [0x1000a, 0, 0, 0, 'CAP_DBG'],
  [0x1000b, 0, 0, 0, 'CAP_CCRC'],
  [0x1000c, 0, 0, 0, 'CAP_HOTPLUG'],
  [0x1000d, 0, 0, 0, 'CAP_SSVID'],
  [0x1000e, 0, 0, 0, 'CAP_AGP3'],
  [0x1000f, 0, 0, 0, 'CAP_SECURE'],
  [0x10010, 0, 0, 0, 'CAP_EXP'],
  [0x10011, 0, 0, 0, 'CAP_MSIX'],
  [0x10012, 0, 0, 0, 'CAP_SATA'],
  [0x10013, 0, 0, 0, 'CAP_AF'],
  [0x10014, 0, 0, 0, 'CAP_EA'],
  [0x20001, 0, 0, 0, 'ECAP_AER'],
  [0x20002, 0, 0, 0, 'ECAP_VC'],
  [0x20003, 0, 0, 0, 'ECAP_DSN'],
  [0x20004, 0, 0, 0, 'ECAP_PB'],
  [0x20005, 0, 0, 0, 'ECAP_RCLINK'],
  [0x20006, 0, 0, 0, 'ECAP_RCILINK'],
  [0x20007, 0, 0, 0, 'ECAP_RCEC'],
  [0x20008, 0, 0, 0, 'ECAP_MFVC'],
  [0x20009, 0, 0, 0, 'ECAP_VC2'],
  [0x2000a, 0, 0, 0, 'ECAP_RBCB'],
  [0x2000b, 0, 0, 0, 'ECAP_VNDR'],
  [0x2000d, 0, 0, 0, 'ECAP_ACS'],
  [0x2000e, 0, 0, 0, 'ECAP_ARI'],
  [0x2000f, 0, 0, 0, 'ECAP_ATS'],
  [0x20010, 0, 0, 0, 'ECAP_SRIOV'],
  [0x20011, 0, 0, 0, 'ECAP_MRIOV'],
  [0x20012, 0, 0, 0, 'ECAP_MCAST'],
  [0x20013, 0, 0, 0, 'ECAP_PRI'],
  [0x20015, 0, 0, 0, 'ECAP_REBAR'],
  [0x20016, 0, 0, 0, 'ECAP_DPA'],
  [0x20017, 0, 0, 0, 'ECAP_TPH'],
  [0x20018, 0, 0, 0, 'ECAP_LTR'],
  [0x20019, 0, 0, 0, 'ECAP_SECPCI'],
  [0x2001a, 0, 0, 0, 'ECAP_PMUX'],
  [0x2001b, 0, 0, 0, 'ECAP_PASID'],
  [0x2001c, 0, 0, 0, 'ECAP_LNR'],
  [0x2001d, 0, 0, 0, 'ECAP_DPC'],
  [0x2001e, 0, 0, 0, 'ECAP_L1PM'],
  [0x2001f, 0, 0, 0, 'ECAP_PTM'],
  [0x20020, 0, 0, 0, 'ECAP_M_PCIE'],
  [0x20021, 0, 0, 0, 'ECAP_FRS'],
  [0x20022, 0, 0, 0, 'ECAP_RTR'],
  [0x20023, 0, 0, 0, 'ECAP_DVSEC'],
  [0x20024, 0, 0, 0, 'ECAP_VF_REBAR'],
  [0x20025, 0, 0, 0, 'ECAP_DLNK'],
  [0x20026, 0, 0, 0, 'ECAP_16GT'],
  [0x20027, 0, 0, 0, 'ECAP_LMR'],
  [0x20028, 0, 0, 0, 'ECAP_HIER_ID'],
  [0x20029, 0, 0, 0, 'ECAP_NPEM'],
  [0x2002a, 0, 0, 0, 'ECAP_32GT'],
  [0x20030, 0, 0, 0, 'ECAP_IDE'],
  [0x20031, 0, 0, 0, 'ECAP_64GT'],
];

const MAX_VALUE: Record<AccessSize, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };
const CONFIG_SPACE_END = 0x1000;
const CAP_ID_EXP = 0x10;
export const SETPCI_USAGE = [
  'Usage: setpci [<options>] (<device>+ <reg>[=<values>]*)*',
  '',
  'General options:',
  "-f\t\tDon't complain if there's nothing to do",
  '-v\t\tBe verbose',
  "-D\t\tList changes, don't commit them",
  '-r\t\tUse raw access without bus scan if possible',
  '--dumpregs\tDump all known register names and exit',
  '',
  'Setting commands:',
  '<device>:\t-s [[[<domain>]:][<bus>]:][<slot>][.[<func>]]',
  '\t\t-d [<vendor>]:[<device>]',
  '<reg>:\t\t<base>[+<offset>][.(B|W|L)][@<number>]',
  '<base>:\t\t<address>',
  '\t\t<named-register>',
  '\t\t[E]CAP_<capability-name>',
  '\t\t[E]CAP<capability-number>',
  '<values>:\t<value>[,<value>...]',
  '<value>:\t<hex>',
  '\t\t<hex>:<mask>',
];

/** A user mistake caught while parsing: setpci's parse_err. */
class ParseError {
  constructor(readonly message: string) {}
}

/** A failure while executing: setpci's die. */
class DieError {
  constructor(readonly message: string) {}
}

/**
 * strtoul(s, 16) as setpci uses it: 1 = the whole string is a number, 0 = a
 * number followed by `rest` (or no digits at all: value 0, rest = s),
 * -1 = empty or does not fit in 32 bits.
 */
function parseX32(s: string): { status: -1 | 0 | 1; value: number; rest: string } {
  if (s === '') return { status: -1, value: 0, rest: '' };
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]*)/.exec(s);
  const digits = m?.[2] ?? '';
  if (!m || digits === '') return { status: 0, value: 0, rest: s };
  const big = BigInt(`0x${digits}`);
  if (big > 0xffffffffn || (m[1] === '-' && big !== 0n)) return { status: -1, value: 0, rest: '' };
  const rest = s.slice(m[0].length);
  return { status: rest === '' ? 1 : 0, value: Number(big), rest };
}

function anyFilter(): Filter {
  return { domain: -1, bus: -1, slot: -1, func: -1, vendor: -1, device: -1, deviceClass: -1, classMask: 0xffffffff, progIf: -1 };
}

/** libpci's field splitter: at most `count` fields separated by `sep`. */
function splitFields(text: string, sep: string, count: number): (string | undefined)[] | string {
  const fields = text.split(sep);
  if (fields.length > count) return 'Too many fields';
  return [...fields, ...Array<undefined>(count - fields.length).fill(undefined)];
}

const defined = (field: string | undefined): field is string => field !== undefined && field !== '' && field !== '*';

/** libpci's hex field: `*` or empty keeps "any"; `x` digits are wildcards where a mask is wanted. */
function hexField(field: string | undefined, max: number, withMask: boolean): { ok: boolean; value: number; mask: number } {
  if (!defined(field)) return { ok: true, value: -1, mask: 0xffffffff };
  let value = 0;
  let mask = 0xffffffff;
  let bound = 0;
  for (const c of field) {
    if ((c === 'x' || c === 'X') && withMask) {
      value = (value << 4) >>> 0;
      bound = (bound << 4) | 1;
      mask = (mask << 4) >>> 0;
    } else {
      if (!/^[0-9a-fA-F]$/.test(c)) return { ok: false, value, mask };
      const d = Number.parseInt(c, 16);
      value = ((value << 4) | d) >>> 0;
      bound = bound * 16 + d;
      mask = ((mask << 4) | 0xf) >>> 0;
    }
    if (bound > max) return { ok: false, value, mask };
  }
  return { ok: true, value, mask };
}

const SLOT_FILTER_MAX_LENGTH = 64;

function parseSlotFilter(text: string, filter: Filter): string | undefined {
  if (text.length >= SLOT_FILTER_MAX_LENGTH) return 'Expression too long';
  const fields = splitFields(text, ':', 3);
  if (typeof fields === 'string') return fields;
  let i = 0;
  if (fields[2] !== undefined) {
    const domain = hexField(fields[0], 0x7fffffff, false);
    if (!domain.ok) return 'Invalid domain number';
    filter.domain = domain.value;
    i++;
  }
  if (fields[i + 1] !== undefined) {
    const bus = hexField(fields[i], 0xff, false);
    if (!bus.ok) return 'Invalid bus number';
    filter.bus = bus.value;
    i++;
  }
  const slotFunc = fields[i];
  if (defined(slotFunc)) {
    const parts = slotFunc.split('.');
    if (parts.length > 2) return 'Invalid slot/function number';
    const slot = hexField(parts[0], 0x1f, false);
    if (!slot.ok) return 'Invalid slot number';
    const func = hexField(parts[1], 7, false);
    if (!func.ok) return 'Invalid function number';
    filter.slot = slot.value;
    filter.func = func.value;
  }
  return undefined;
}

function parseIdFilter(text: string, filter: Filter): string | undefined {
  if (text.length >= SLOT_FILTER_MAX_LENGTH) return 'Expression too long';
  const fields = splitFields(text, ':', 4);
  if (typeof fields === 'string') return fields;
  if (fields[1] === undefined) return 'At least two fields must be given';
  const vendor = hexField(fields[0], 0xffff, false);
  if (!vendor.ok) return 'Invalid vendor ID';
  const device = hexField(fields[1], 0xffff, false);
  if (!device.ok) return 'Invalid device ID';
  const deviceClass = hexField(fields[2], 0xffff, true);
  if (!deviceClass.ok) return 'Invalid class code';
  const progIf = hexField(fields[3], 0xff, false);
  if (!progIf.ok) return 'Invalid programming interface code';
  Object.assign(filter, { vendor: vendor.value, device: device.value, deviceClass: deviceClass.value, classMask: deviceClass.mask, progIf: progIf.value });
  return undefined;
}

type RegisterBase = Pick<RegisterOp, 'capType' | 'capId' | 'addr' | 'hdrTypeMask' | 'name'> & { width: 0 | AccessSize };

function parseRegister(base: string): RegisterBase {
  const plain = { capType: 'none', capId: 0, addr: 0, hdrTypeMask: 0, name: undefined, width: 0 } as const;
  const number = parseX32(base);
  if (number.status > 0) return { ...plain, addr: number.value };
  const named = REGISTER_NAMES.find(([, , , , name]) => name.toLowerCase() === base.toLowerCase());
  if (named) {
    const [cap, offset, width, hdrTypeMask, name] = named;
    const capType = cap >= 0x20000 ? 'extended' : cap >= 0x10000 ? 'normal' : 'none';
    return { capType, capId: cap & 0xffff, addr: offset, hdrTypeMask, name, width };
  }
  const upper = base.toUpperCase();
  // setpci tries the CAP form first; an ECAP name never starts with "CAP".
  const [prefix, capType, limit] = upper.startsWith('CAP') ? (['CAP', 'normal', 0x100] as const) : upper.startsWith('ECAP') ? (['ECAP', 'extended', 0x1000] as const) : [];
  if (prefix) {
    const id = parseX32(base.slice(prefix.length));
    if (id.status > 0 && id.value < limit) return { ...plain, capType, capId: id.value };
  }
  throw new ParseError(`Unknown register "${base}"`);
}

function cut(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function parseOp(arg: string): RegisterOp {
  const [beforeValue, value] = cut(arg, '=');
  const [beforeNumber, number] = cut(beforeValue, '@');
  const [beforeWidth, width] = cut(beforeNumber, '.');
  const [base, offset] = cut(beforeWidth, '+');

  if (value === '') throw new ParseError('Missing value');
  const valueTexts = value === undefined ? [] : value.split(',');

  let suffixWidth: 0 | AccessSize = 0;
  if (width !== undefined) {
    const letter = width.toUpperCase();
    suffixWidth = width.length !== 1 ? 0 : letter === 'B' ? 1 : letter === 'W' ? 2 : letter === 'L' ? 4 : 0;
    if (!suffixWidth) throw new ParseError(`Invalid width "${width}"`);
  }
  let instance = 0;
  if (number !== undefined) {
    const n = parseX32(number);
    if (n.status <= 0 || n.value > 0x7fffffff) throw new ParseError(`Invalid number "${number}"`);
    instance = n.value;
  }
  const register = parseRegister(base);
  const opWidth = suffixWidth || register.width;
  if (!opWidth) throw new ParseError('Missing width');
  const op: RegisterOp = { ...register, number: instance, width: opWidth, values: [], text: beforeValue };
  if (offset !== undefined) {
    const off = parseX32(offset);
    if (off.status <= 0 || off.value >= CONFIG_SPACE_END) throw new ParseError(`Invalid offset "${offset}"`);
    op.addr += off.value;
  }
  if (op.addr >= CONFIG_SPACE_END || op.addr + op.width * Math.max(valueTexts.length, 1) > CONFIG_SPACE_END) {
    throw new ParseError(`Register number ${hex(op.addr, 2)} out of range`);
  }
  if (op.addr & (op.width - 1)) throw new ParseError(`Unaligned register address ${hex(op.addr, 2)}`);

  const limit = MAX_VALUE[op.width];
  // setpci accepts values that look like sign-extended negatives (ffffff00..ffffffff for .b) and truncates them.
  const outOfRange = (n: number) => n > limit && n < 0xffffffff - limit;
  for (const text of valueTexts) {
    const v = parseX32(text);
    if (v.status < 0 || (v.status === 0 && !v.rest.startsWith(':'))) throw new ParseError(`Invalid value "${text}"`);
    if (outOfRange(v.value)) throw new ParseError(`Value "${text}" is out of range`);
    if (v.status === 0) {
      const maskText = v.rest.slice(1);
      const m = parseX32(maskText);
      if (m.status <= 0) throw new ParseError(`Invalid mask "${maskText}"`);
      if (outOfRange(m.value)) throw new ParseError(`Mask "${maskText}" is out of range`);
      op.values.push({ value: (v.value & m.value) >>> 0, mask: m.value });
    } else {
      op.values.push({ value: v.value, mask: 0xffffffff });
    }
  }
  return op;
}

function parseFilter(args: readonly string[], i: number, group: Group): number {
  const arg = args[i++] ?? '';
  const kind = arg[1];
  if (kind !== 's' && kind !== 'd') throw new ParseError(`Invalid option -${kind ?? ''}`);
  let text: string;
  if (arg.length > 2) text = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
  else if (i < args.length) text = args[i++] ?? '';
  else throw new ParseError(`Option -${kind} requires an argument`);
  const error = kind === 's' ? parseSlotFilter(text, group.filter) : parseIdFilter(text, group.filter);
  if (error) throw new ParseError(`Unable to parse filter -${kind} ${error}`);
  return i;
}

/** Parses a setpci command line (without the program name). */
export function parseSetpciArgs(args: readonly string[]): { ok: true; command: SetpciCommand } | { ok: false; error: string } {
  const command: SetpciCommand = { verbose: 0, force: false, demo: false, groups: [] };
  try {
    let i = 0;
    options: while (i < args.length && (args[i] ?? '').startsWith('-')) {
      const letters = (args[i] ?? '').slice(1);
      for (const [at, letter] of [...letters].entries()) {
        if (letter === 'v') command.verbose++;
        else if (letter === 'f') command.force = true;
        else if (letter === 'D') command.demo = true;
        // -r asks libpci to skip the bus scan; the simulated bus is always known.
        else if (letter === 'r') continue;
        else if (at === 0) break options;
        else throw new ParseError(`Invalid or misplaced option -${letter}`);
      }
      i++;
    }
    let group: Group | undefined;
    while (i < args.length) {
      const arg = args[i] ?? '';
      if (arg.startsWith('-')) {
        if (!group || group.ops.length > 0) {
          group = { filter: anyFilter(), ops: [] };
          command.groups.push(group);
        }
        i = parseFilter(args, i, group);
      } else {
        if (!group) throw new ParseError('Filter specification expected');
        group.ops.push(parseOp(arg));
        i++;
      }
    }
    if (!group) throw new ParseError('No operation specified');
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.message };
    throw e;
  }
  return { ok: true, command };
}

function busOf(bdf: number): number {
  return (bdf >> 8) & 0xff;
}

function slotName(address: number): string {
  return `${hex(domainOf(address), 4)}:${hex(busOf(address), 2)}:${hex((address >> 3) & 0x1f, 2)}.${(address & 7).toString(16)}`;
}

/** `bdf` is a device's address (src-shared/pci-text/bdf.ts): domain * 0x10000 + bus/dev.fn. */
function matches(f: Filter, bdf: number, read: ConfigReader): boolean {
  if ((f.domain >= 0 && f.domain !== domainOf(bdf)) || (f.bus >= 0 && f.bus !== busOf(bdf)) || (f.slot >= 0 && f.slot !== ((bdf >> 3) & 0x1f)) || (f.func >= 0 && f.func !== (bdf & 7))) return false;
  if (f.vendor >= 0 && f.vendor !== read(0x00, 2)) return false;
  if (f.device >= 0 && f.device !== read(0x02, 2)) return false;
  if (f.deviceClass >= 0 && ((f.deviceClass ^ read(0x0a, 2)) & f.classMask) !== 0) return false;
  return !(f.progIf >= 0 && f.progIf !== read(0x09, 1));
}

/**
 * The capability's address, numbered as libpci numbers instances: its list is
 * built by prepending, so instance #0 is the last one in chain order.
 */
function findCapability(op: RegisterOp, read: ConfigReader, slot: string): number {
  const standard = walkStandardCapabilities(read).entries;
  const extended = standard.some((c) => c.id === CAP_ID_EXP) ? walkExtendedCapabilities(read).entries : [];
  const candidates = (op.capType === 'normal' ? standard : extended).filter((c) => c.id === op.capId).reverse();
  const found = candidates[op.number];
  if (found) return found.offset;
  const kind = op.capType === 'normal' ? 'Capability' : 'Extended capability';
  const what = `${slot}: Instance #${op.number} of ${kind} ${hex(op.capId, 4)} not found - there`;
  if (candidates.length === 0) throw new DieError(`${what} are no capabilities with that id.`);
  const one = candidates.length === 1;
  throw new DieError(`${what} ${one ? 'is' : 'are'} only ${candidates.length} ${one ? 'capability' : 'capabilities'} with that id.`);
}

/**
 * The machine may refuse an access (an offset past a 256-byte space, a
 * function that went away); setpci reports that like its own failures.
 */
function guarded<T>(bdf: number, access: () => T): T {
  try {
    return access();
  } catch (e) {
    throw new DieError(`${slotName(bdf)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readerFor(access: ConfigAccessor, bdf: number): ConfigReader {
  return (offset, size) => guarded(bdf, () => access.readConfig(bdf, offset, size) >>> 0);
}

function execOp(op: RegisterOp, bdf: number, command: SetpciCommand, access: ConfigAccessor, output: string[], notes: string[]): void {
  const read = readerFor(access, bdf);
  const slot = slotName(bdf);
  const width = op.width;
  const digits = width * 2;
  let trace = `${slot} `;
  let addr = 0;
  if (op.capType !== 'none') {
    addr = findCapability(op, read, slot);
    trace += op.capType === 'normal' ? `(cap ${hex(op.capId, 2)} @${hex(addr, 2)}) ` : `(ecap ${hex(op.capId, 4)} @${hex(addr, 3)}) `;
  }
  addr += op.addr;
  trace += `@${hex(addr, 2)}`;
  if (addr & (width - 1)) throw new DieError(`${slot}: Unaligned access of width ${width} to register ${hex(addr, 4)}`);
  if (addr + width * Math.max(op.values.length, 1) > CONFIG_SPACE_END) throw new DieError(`${slot}: Access of width ${width} to register ${hex(addr, 4)} out of range`);
  if (op.hdrTypeMask) {
    const headerType = read(0x0e, 1) & 0x7f;
    if (headerType > 2 || !((1 << headerType) & op.hdrTypeMask)) throw new DieError(`${slot}: Does not have register ${op.name ?? ''}.`);
  }

  if (op.values.length === 0) {
    const text = hex(read(addr, width), digits);
    output.push(command.verbose ? `${trace} = ${text}` : text);
    return;
  }
  const limit = MAX_VALUE[width];
  for (const { value, mask } of op.values) {
    let x = value;
    if (((mask & limit) >>> 0) === limit) {
      trace += ` ${hex(value, digits)}`;
    } else {
      const old = read(addr, width);
      x = ((old & ~mask) | value) >>> 0;
      trace += ` ${hex(old, digits)}->(${hex(value, digits)}:${hex(mask, digits)})->${hex(x, digits)}`;
    }
    const at = addr;
    if (!command.demo) {
      const before = read(at, width);
      const written = (x & limit) >>> 0;
      guarded(bdf, () => access.writeConfig(bdf, at, width, written));
      const masks = access.writeMasks?.(bdf, at, width) ?? null;
      const said = describeWriteEffect(writeEffect(before, written, read(at, width), masks), digits);
      if (said !== null) notes.push(`${slot.slice(5)} ${op.text}: ${said}`);
    }
    addr += width;
  }
  if (command.verbose) output.push(trace);
}

/** `--dumpregs`: every register name setpci knows, with its capability, offset and width. */
function dumpRegisters(): string[] {
  return [
    'cap pos w name',
    ...REGISTER_NAMES.map(([cap, offset, width, , name]) => {
      const capText = cap >= 0x20000 ? hex(cap - 0x20000, 4) : cap ? `  ${hex(cap - 0x10000, 2)}` : '    ';
      return `${capText} ${hex(offset, 2)} ${'-BW?L'[width] ?? '?'} ${name}`;
    }),
  ];
}

/**
 * Runs a setpci command line against the accessor. A string is split at
 * whitespace (setpci arguments never contain spaces) and may start with
 * `setpci`. User mistakes come back as setpci's messages, never as exceptions.
 */
export function runSetpci(commandLine: string | readonly string[], access: ConfigAccessor, options: SetpciOptions = {}): SetpciResult {
  let args = typeof commandLine === 'string' ? commandLine.trim().split(/\s+/).filter((a) => a !== '') : [...commandLine];
  if (args[0] === 'setpci') args = args.slice(1);
  if (args.length === 1 && args[0] === '--help') return { output: [], errors: SETPCI_USAGE, notes: [], exitCode: 0 };
  if (args.length === 1 && args[0] === '--dumpregs') return { output: dumpRegisters(), errors: [], notes: [], exitCode: 0 };

  const parsed = parseSetpciArgs(args);
  if (!parsed.ok) return { output: [], errors: [`setpci: ${parsed.error}.`, "Try `setpci --help' for more information."], notes: [], exitCode: 1 };
  const { command } = parsed;
  const output: string[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  const devices = [...access.listBdfs()].sort((a, b) => a - b);
  try {
    command.groups.forEach((group, g) => {
      const selected = devices.filter((bdf) => matches(group.filter, bdf, readerFor(access, bdf)));
      if (selected.length === 0 && !command.force) {
        if (!options.noDeviceIsError) errors.push(`setpci: Warning: No devices selected for operation group ${g + 1}.`);
        else throw new DieError(`No devices selected for operation group ${g + 1}: no device matches (devices: ${devices.map((bdf) => slotName(bdf).slice(5)).join(', ') || 'none'})`);
      }
      for (const bdf of selected) for (const op of group.ops) execOp(op, bdf, command, access, output, notes);
    });
  } catch (e) {
    if (e instanceof DieError) return { output, errors: [...errors, `setpci: ${e.message}`], notes, exitCode: 1 };
    throw e;
  }
  return { output, errors, notes, exitCode: 0 };
}
