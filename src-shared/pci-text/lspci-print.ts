// Printing a simulated device the way `lspci` prints a real one, so that users
// can diff irqscope's view against the machine they are debugging: word for
// word as pciutils 3.9's `lspci -F` prints the same bytes (the differential
// test holds it to that). Names come from the PCI ID database when one is
// given, else from the dump; the IRQ is the Interrupt Line register.
import { COMMAND, STATUS } from '../registers/layout';
import { className as classNameOf, progIfName } from './class-names';
import { BAR_BITS, HEADER_TYPE, bytesReader, decodeHeader, type ConfigHeader, type ConfigReader } from './config-decode';
import { hex } from './hex';
import { capabilityLines, flag } from './lspci-capabilities';
import { bridgeControlLines, bridgeHeaderLines } from './lspci-bridge';
import type { VirtualBar } from './lspci-dump';
import { CAP_ID } from '../registers/capability-layouts';
import { walkStandardCapabilities } from './config-decode';
import { classNameFromIds, deviceName, subsystemName, type PciIds } from './pci-ids';

export interface PrintableDevice {
  /** `00:03.0`, or with a domain `0002:01:00.0`; printed as given. */
  bdf: string;
  config: Uint8Array;
  /** BAR sizes by index 0..5; lspci shows `[size=..]` only when the OS knows them. */
  barSizes: readonly (number | undefined)[];
  /** The device name; without one lspci prints `Device vvvv:dddd`. */
  title?: string | undefined;
  /** Overrides the class name table (keeps an imported dump's wording). */
  className?: string | undefined;
  romSize?: number | undefined;
  /** OS-reported addresses for BARs whose register reads 0 (Enhanced Allocation). */
  virtualBars?: readonly (VirtualBar | undefined)[];
}

export interface LspciOptions {
  /** -v, -vv, -vvv */
  verbose: 0 | 1 | 2 | 3;
  /** -x (and -xx, which lspci treats alike): 64 bytes; -xxx: 256; -xxxx: 4096. */
  hex: 0 | 1 | 2 | 3 | 4;
  /** The PCI ID database; without it names come from the device (an imported dump's) or lspci's numeric forms. */
  ids?: PciIds | undefined;
}

const COMMAND_BITS = { SPECIAL: 1 << 3, INVALIDATE: 1 << 4, VGA_PALETTE: 1 << 5, PARITY: 1 << 6, WAIT: 1 << 7, SERR: 1 << 8, FAST_BACK: 1 << 9 } as const;
const STATUS_BITS = {
  MHZ66: 1 << 5,
  UDF: 1 << 6,
  FAST_BACK: 1 << 7,
  PARITY: 1 << 8,
  DEVSEL_MASK: 0x600,
  SIG_TARGET_ABORT: 1 << 11,
  REC_TARGET_ABORT: 1 << 12,
  REC_MASTER_ABORT: 1 << 13,
  SIG_SYSTEM_ERROR: 1 << 14,
  DETECTED_PARITY: 1 << 15,
} as const;
const ROM_ADDRESS_MASK = ~0x7ff;
const ROM_ENABLE = 1;
const BRIDGE_CLASS = 0x0604;
const BRIDGE_BASE_CLASS = 0x06;

/** Rows of `lspci -x`-style hex, 16 bytes each: `00: f4 1a 00 10 ...`. */
export function hexDumpLines(config: Uint8Array, length: number): string[] {
  const lines: string[] = [];
  for (let at = 0; at + 16 <= Math.min(length, config.length); at += 16) {
    lines.push(`${hex(at, 2)}: ${Array.from(config.subarray(at, at + 16), (b) => hex(b, 2)).join(' ')}`);
  }
  return lines;
}

function hexLength(config: Uint8Array, level: LspciOptions['hex'], headerType: number): number {
  if (level >= 4) return Math.min(4096, config.length);
  if (level === 3) return 256;
  // lspci reads 64 bytes, and 64 more for a CardBus bridge's longer header.
  return headerType === HEADER_TYPE.CARDBUS ? 128 : 64;
}

function devsel(status: number): string {
  const timing = status & STATUS_BITS.DEVSEL_MASK;
  return timing === 0 ? 'fast' : timing === 0x200 ? 'medium' : timing === 0x400 ? 'slow' : '??';
}

/** The `[size=..]` suffix, largest unit that divides the size exactly. */
function sizeSuffix(size: number): string {
  if (!size) return '';
  const units = ['', 'K', 'M', 'G', 'T'];
  let unit = 0;
  while (unit < units.length - 1 && size % 1024 === 0) {
    size /= 1024;
    unit++;
  }
  return ` [size=${size}${units[unit] ?? ''}]`;
}

function titleLine(device: PrintableDevice, h: ConfigHeader, options: LspciOptions): string {
  const ids = options.ids;
  const name = ids ? deviceName(ids, h.vendor, h.device) : (device.title ?? `Device ${hex(h.vendor, 4)}:${hex(h.device, 4)}`);
  const cls = ids ? classNameFromIds(ids, h.classDevice) : (device.className ?? classNameOf(h.classDevice));
  let line = `${device.bdf} ${cls}: ${name}`;
  if (h.revision) line += ` (rev ${hex(h.revision, 2)})`;
  if (options.verbose) {
    const progIf = ids ? ids.progIf(h.classDevice, h.progIf) : progIfName(h.classDevice, h.progIf);
    if (h.progIf || progIf) line += ` (prog-if ${hex(h.progIf, 2)}${progIf ? ` [${progIf}]` : ''})`;
  }
  return line;
}

function controlStatusLines(h: ConfigHeader): string[] {
  const c = h.command;
  const s = h.status;
  const lines = [
    `\tControl: I/O${flag(c, COMMAND.IO_SPACE)} Mem${flag(c, COMMAND.MEMORY_SPACE)} BusMaster${flag(c, COMMAND.BUS_MASTER)} SpecCycle${flag(c, COMMAND_BITS.SPECIAL)} MemWINV${flag(c, COMMAND_BITS.INVALIDATE)} VGASnoop${flag(c, COMMAND_BITS.VGA_PALETTE)} ParErr${flag(c, COMMAND_BITS.PARITY)} Stepping${flag(c, COMMAND_BITS.WAIT)} SERR${flag(c, COMMAND_BITS.SERR)} FastB2B${flag(c, COMMAND_BITS.FAST_BACK)} DisINTx${flag(c, COMMAND.INTX_DISABLE)}`,
    `\tStatus: Cap${flag(s, STATUS.CAP_LIST)} 66MHz${flag(s, STATUS_BITS.MHZ66)} UDF${flag(s, STATUS_BITS.UDF)} FastB2B${flag(s, STATUS_BITS.FAST_BACK)} ParErr${flag(s, STATUS_BITS.PARITY)} DEVSEL=${devsel(s)} >TAbort${flag(s, STATUS_BITS.SIG_TARGET_ABORT)} <TAbort${flag(s, STATUS_BITS.REC_TARGET_ABORT)} <MAbort${flag(s, STATUS_BITS.REC_MASTER_ABORT)} >SERR${flag(s, STATUS_BITS.SIG_SYSTEM_ERROR)} <PERR${flag(s, STATUS_BITS.DETECTED_PARITY)} INTx${flag(s, STATUS.INTX_STATUS)}`,
  ];
  if (c & COMMAND.BUS_MASTER) {
    const timing = [h.minGnt ? `${h.minGnt * 250}ns min` : '', h.maxLat ? `${h.maxLat * 250}ns max` : ''].filter((t) => t !== '');
    let latency = `\tLatency: ${h.latencyTimer}`;
    if (timing.length > 0) latency += ` (${timing.join(', ')})`;
    if (h.cacheLineSize) latency += `, Cache Line Size: ${h.cacheLineSize * 4} bytes`;
    lines.push(latency);
  }
  if (h.interruptPin || h.interruptLine) {
    // lspci prints the byte 'A' + pin - 1 as a char, so it wraps past 0xff.
    const pin = h.interruptPin ? String.fromCharCode(('A'.charCodeAt(0) + h.interruptPin - 1) & 0xff) : '?';
    lines.push(`\tInterrupt: pin ${pin} routed to IRQ ${h.interruptLine}`);
  }
  return lines;
}

function flagsLine(h: ConfigHeader): string {
  const c = h.command;
  const parts = [
    c & COMMAND.BUS_MASTER ? 'bus master, ' : '',
    c & COMMAND_BITS.VGA_PALETTE ? 'VGA palette snoop, ' : '',
    c & COMMAND_BITS.WAIT ? 'stepping, ' : '',
    c & COMMAND_BITS.FAST_BACK ? 'fast Back2Back, ' : '',
    h.status & STATUS_BITS.MHZ66 ? '66MHz, ' : '',
    h.status & STATUS_BITS.UDF ? 'user-definable features, ' : '',
    `${devsel(h.status)} devsel`,
    c & COMMAND.BUS_MASTER ? `, latency ${h.latencyTimer}` : '',
    h.interruptLine ? `, IRQ ${h.interruptLine}` : '',
  ];
  return `\tFlags: ${parts.join('')}`;
}

function memoryType(flags: number): string {
  const type = flags & BAR_BITS.MEM_TYPE_MASK;
  if (type === BAR_BITS.MEM_TYPE_32) return '32-bit';
  if (type === BAR_BITS.MEM_TYPE_64) return '64-bit';
  if (type === BAR_BITS.MEM_TYPE_1M) return 'low-1M';
  return 'type 3';
}

/**
 * The addresses pciutils' library derives from the BAR registers, as lspci -F
 * (and irqscope, which has no OS to ask) sees them: a 64-bit BAR takes the next
 * register as its upper half, which then has no address of its own; a 64-bit
 * BAR in the last slot has none either.
 */
function barPositions(read: ConfigReader, count: number): bigint[] {
  const positions = new Array<bigint>(count).fill(0n);
  for (let i = 0; i < count; i++) {
    const register = read(0x10 + 4 * i, 4);
    if (register === 0xffffffff) continue;
    if (register & BAR_BITS.IO) positions[i] = BigInt((register & ~3) >>> 0);
    else if ((register & BAR_BITS.MEM_TYPE_MASK) !== BAR_BITS.MEM_TYPE_64) positions[i] = BigInt((register & ~0xf) >>> 0);
    else if (i + 1 < count) {
      positions[i] = BigInt((register & ~0xf) >>> 0) | (BigInt(read(0x10 + 4 * (i + 1), 4)) << 32n);
      i++;
    }
  }
  return positions;
}

/**
 * lspci's BAR lines, as pciutils 3.9 prints them: every non-zero register with
 * its own type bits, so the non-zero upper half of a 64-bit BAR shows again as
 * an `<unassigned>` region. A BAR whose register is 0 but which the OS placed
 * (`virtualBars`) is shown as lspci showed such BARs in the fixtures' era:
 * `[virtual] ` in front, never `[disabled]`.
 */
function regionLines(device: PrintableDevice, read: ConfigReader, count: number, verbose: number): string[] {
  const lines: string[] = [];
  const command = read(0x04, 2);
  const positions = barPositions(read, count);
  for (let i = 0; i < count; i++) {
    let flags = read(0x10 + 4 * i, 4);
    if (flags === 0xffffffff) flags = 0;
    const size = device.barSizes[i] ?? 0;
    const osBar = flags === 0 ? device.virtualBars?.[i] : undefined;
    if (!flags && !osBar && !size) continue;
    let line = verbose > 1 ? `\tRegion ${i}: ` : '\t';
    let position = positions[i] ?? 0n;
    if (osBar) {
      line += '[virtual] ';
      position = osBar.address;
      flags = osBar.flags;
    }
    if (flags & BAR_BITS.IO) {
      line += `I/O ports at ${position || command & COMMAND.IO_SPACE ? hex(position, 4) : '<unassigned>'}`;
      if (!osBar && !(command & COMMAND.IO_SPACE)) line += ' [disabled]';
    } else {
      line += `Memory at ${position ? hex(position, 8) : '<unassigned>'} (${memoryType(flags)}, ${flags & BAR_BITS.PREFETCH ? '' : 'non-'}prefetchable)`;
      if (!osBar && !(command & COMMAND.MEMORY_SPACE)) line += ' [disabled]';
    }
    lines.push(line + sizeSuffix(size));
  }
  return lines;
}

function romLine(device: PrintableDevice, read: ConfigReader, register: number): string[] {
  const rom = read(register, 4);
  const size = device.romSize ?? 0;
  if (!rom && !size) return [];
  const address = (rom & ROM_ADDRESS_MASK) >>> 0;
  let line = `\tExpansion ROM at ${address ? hex(address, 8) : '<unassigned>'}`;
  if (!(rom & ROM_ENABLE)) line += ' [disabled]';
  else if (!(read(0x04, 2) & COMMAND.MEMORY_SPACE)) line += ' [disabled by cmd]';
  return [line + sizeSuffix(size)];
}

function secondaryStatusLine(s: number): string {
  return `\tSecondary status: 66MHz${flag(s, STATUS_BITS.MHZ66)} FastB2B${flag(s, STATUS_BITS.FAST_BACK)} ParErr${flag(s, STATUS_BITS.PARITY)} DEVSEL=${devsel(s)} >TAbort${flag(s, STATUS_BITS.SIG_TARGET_ABORT)} <TAbort${flag(s, STATUS_BITS.REC_TARGET_ABORT)} <MAbort${flag(s, STATUS_BITS.REC_MASTER_ABORT)} <SERR${flag(s, STATUS_BITS.SIG_SYSTEM_ERROR)} <PERR${flag(s, STATUS_BITS.DETECTED_PARITY)}`;
}

/** The subsystem IDs: in the header of a type 0 function, in the Subsystem ID capability of a bridge. */
function subsystemIds(read: ConfigReader, h: ConfigHeader): [number, number] | undefined {
  if (h.headerType === HEADER_TYPE.NORMAL) return [h.subsystemVendor ?? 0, h.subsystem ?? 0];
  if (h.headerType === HEADER_TYPE.CARDBUS) return [read(0x40, 2), read(0x42, 2)];
  const ssvid = walkStandardCapabilities(read).entries.find((c) => c.id === CAP_ID.SSVID);
  return ssvid ? [read(ssvid.offset + 4, 2), read(ssvid.offset + 6, 2)] : undefined;
}

/** `00:03.0` and `0000:00:03.0` end in the device and function: (device << 3) | function. */
function deviceFunction(bdf: string): number {
  const m = /([0-9a-fA-F]{2})\.([0-7])$/.exec(bdf);
  return m ? (Number.parseInt(m[1]!, 16) << 3) | Number(m[2]) : 0;
}

/** A memory BAR with an address, as lspci asks before it shows AtomicOps completer bits. */
function hasMemoryBar(read: ConfigReader, count: number): boolean {
  const positions = barPositions(read, count);
  return positions.some((position, i) => position !== 0n && !(read(0x10 + 4 * i, 4) & BAR_BITS.IO));
}

function verboseLines(device: PrintableDevice, h: ConfigHeader, options: LspciOptions): string[] {
  const read = bytesReader(device.config);
  const verbose = options.verbose;
  const lines: string[] = [];
  const sub = subsystemIds(read, h);
  if (sub && sub[0] && sub[0] !== 0xffff) {
    const name = options.ids ? subsystemName(options.ids, h.vendor, h.device, sub[0], sub[1]) : `Device ${hex(sub[0], 4)}:${hex(sub[1], 4)}`;
    lines.push(`\tSubsystem: ${name}`);
  }
  const invalidClass = `\t!!! Invalid class ${hex(h.classDevice, 4)} for header type ${hex(h.headerType, 2)}`;
  if (h.headerType === HEADER_TYPE.NORMAL && h.classDevice === BRIDGE_CLASS) lines.push(invalidClass);
  else if ((h.headerType === HEADER_TYPE.BRIDGE || h.headerType === HEADER_TYPE.CARDBUS) && h.classDevice >> 8 !== BRIDGE_BASE_CLASS) lines.push(invalidClass);
  else if (h.headerType > HEADER_TYPE.CARDBUS) return [...lines, `\t!!! Unknown header type ${hex(h.headerType, 2)}`];

  if (verbose > 1) lines.push(...controlStatusLines(h));
  else lines.push(flagsLine(h));
  if (h.bist & 0x80) lines.push(h.bist & 0x40 ? '\tBIST is running' : `\tBIST result: ${hex(h.bist & 0x0f, 2)}`);

  if (h.headerType === HEADER_TYPE.NORMAL) {
    lines.push(...regionLines(device, read, 6, verbose), ...romLine(device, read, 0x30));
  } else if (h.headerType === HEADER_TYPE.BRIDGE) {
    lines.push(...regionLines(device, read, 2, verbose), ...bridgeHeaderLines(read, verbose));
    if (verbose > 1) lines.push(secondaryStatusLine(read(0x1e, 2)));
    lines.push(...romLine(device, read, 0x38));
    if (verbose > 1) lines.push(...bridgeControlLines(read(0x3e, 2)));
  } else {
    lines.push(...regionLines(device, read, 1, verbose), ...bridgeHeaderLines(read, 0));
  }
  const count = h.headerType === HEADER_TYPE.NORMAL ? 6 : h.headerType === HEADER_TYPE.BRIDGE ? 2 : 1;
  lines.push(...capabilityLines(read, device.config.length, { verbose, ids: options.ids, deviceFn: deviceFunction(device.bdf), hasMemoryBar: hasMemoryBar(read, count) }));
  return lines;
}

/** One device's block, ending with the blank line lspci puts after verbose or hex output. */
export function printLspci(device: PrintableDevice, options: LspciOptions): string {
  const h = decodeHeader(device.config);
  const lines = [titleLine(device, h, options)];
  if (options.verbose) lines.push(...verboseLines(device, h, options));
  if (options.hex) lines.push(...hexDumpLines(device.config, hexLength(device.config, options.hex, h.headerType)));
  if (options.verbose || options.hex) lines.push('');
  return `${lines.join('\n')}\n`;
}

export function printLspciDevices(devices: readonly PrintableDevice[], options: LspciOptions): string {
  return devices.map((d) => printLspci(d, options)).join('');
}
