// Decoding of a configuration space: header fields, BARs, the capability chains
// and the MSI-X capability. The walks take a reader rather than bytes so that
// setpci can follow a live device's chain with the same code (and the same loop
// protection) that the lspci printer and the importer use on dumps.
import { MSIX_CAP_ID, MSIX_CONTROL, STATUS } from '../registers/layout';
import { hex } from './hex';

export type ConfigReader = (offset: number, size: 1 | 2 | 4) => number;

/** Reads little-endian values from a config image; bytes past its end read as 0. */
export function bytesReader(config: Uint8Array): ConfigReader {
  return (offset, size) => {
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + (config[offset + i] ?? 0);
    return value;
  };
}

export const HEADER_TYPE = { NORMAL: 0, BRIDGE: 1, CARDBUS: 2 } as const;

export interface ConfigHeader {
  vendor: number;
  device: number;
  command: number;
  status: number;
  revision: number;
  progIf: number;
  /** Base class << 8 | subclass, the 16-bit form lspci names. */
  classDevice: number;
  cacheLineSize: number;
  latencyTimer: number;
  /** Bits 6:0 of the header type register. */
  headerType: number;
  multiFunction: boolean;
  bist: number;
  /** Only type 0 headers have subsystem IDs at 0x2c. */
  subsystemVendor: number | undefined;
  subsystem: number | undefined;
  interruptLine: number;
  interruptPin: number;
  minGnt: number;
  maxLat: number;
}

export function decodeHeader(config: Uint8Array): ConfigHeader {
  const read = bytesReader(config);
  const headerType = read(0x0e, 1);
  const normal = (headerType & 0x7f) === HEADER_TYPE.NORMAL;
  return {
    vendor: read(0x00, 2),
    device: read(0x02, 2),
    command: read(0x04, 2),
    status: read(0x06, 2),
    revision: read(0x08, 1),
    progIf: read(0x09, 1),
    classDevice: read(0x0a, 2),
    cacheLineSize: read(0x0c, 1),
    latencyTimer: read(0x0d, 1),
    headerType: headerType & 0x7f,
    multiFunction: (headerType & 0x80) !== 0,
    bist: read(0x0f, 1),
    subsystemVendor: normal ? read(0x2c, 2) : undefined,
    subsystem: normal ? read(0x2e, 2) : undefined,
    interruptLine: read(0x3c, 1),
    interruptPin: read(0x3d, 1),
    minGnt: normal ? read(0x3e, 1) : 0,
    maxLat: normal ? read(0x3f, 1) : 0,
  };
}

/** How many BAR registers a header type has (6 endpoint, 2 bridge, 1 CardBus; 0 unknown). */
export function barCount(headerType: number): number {
  if (headerType === HEADER_TYPE.NORMAL) return 6;
  if (headerType === HEADER_TYPE.BRIDGE) return 2;
  if (headerType === HEADER_TYPE.CARDBUS) return 1;
  return 0;
}

export const BAR_BITS = {
  IO: 0x1,
  MEM_TYPE_MASK: 0x6,
  MEM_TYPE_32: 0x0,
  MEM_TYPE_1M: 0x2,
  MEM_TYPE_64: 0x4,
  MEM_TYPE_RESERVED: 0x6,
  PREFETCH: 0x8,
} as const;

export type BarKind = 'io' | 'mem32' | 'mem64';

export interface DecodedBar {
  index: number;
  kind: BarKind;
  /** Memory type 01 (below 1 MiB, PCI 2.x) or 11 (reserved); such BARs decode as 32-bit. */
  oddType: 'low-1M' | 'type 3' | undefined;
  prefetchable: boolean;
  address: bigint;
  /** The low register as read, type bits included. */
  register: number;
}

/**
 * BARs whose register is non-zero. A register reading 0 is either absent or an
 * unassigned 32-bit memory BAR; a dump cannot tell which, so it is left out.
 */
export function decodeBars(config: Uint8Array): { bars: DecodedBar[]; warnings: string[] } {
  const read = bytesReader(config);
  const count = barCount(read(0x0e, 1) & 0x7f);
  const bars: DecodedBar[] = [];
  const warnings: string[] = [];
  for (let index = 0; index < count; index++) {
    const register = read(0x10 + 4 * index, 4);
    // lspci treats all ones (an absent or broken function) as "no BAR".
    if (register === 0 || register === 0xffffffff) continue;
    if (register & BAR_BITS.IO) {
      bars.push({ index, kind: 'io', oddType: undefined, prefetchable: false, address: BigInt((register & ~0x3) >>> 0), register });
      continue;
    }
    const type = register & BAR_BITS.MEM_TYPE_MASK;
    const prefetchable = (register & BAR_BITS.PREFETCH) !== 0;
    const low = BigInt((register & ~0xf) >>> 0);
    if (type === BAR_BITS.MEM_TYPE_64) {
      if (index === count - 1) {
        warnings.push(`BAR ${index} is 64-bit but there is no register after it for the upper half; ignored`);
        continue;
      }
      const upper = BigInt(read(0x10 + 4 * (index + 1), 4));
      bars.push({ index, kind: 'mem64', oddType: undefined, prefetchable, address: (upper << 32n) | low, register });
      index++;
      continue;
    }
    const oddType = type === BAR_BITS.MEM_TYPE_1M ? 'low-1M' : type === BAR_BITS.MEM_TYPE_RESERVED ? 'type 3' : undefined;
    bars.push({ index, kind: 'mem32', oddType, prefetchable, address: low, register });
  }
  return { bars, warnings };
}

export interface CapabilityEntry {
  offset: number;
  /** 8-bit ID for standard capabilities, 16-bit for extended ones. */
  id: number;
  extended: boolean;
  /** Extended capabilities carry a version; 0 for standard ones. */
  version: number;
}

export type ChainEnd =
  | { kind: 'end' }
  | { kind: 'looped'; at: number }
  | { kind: 'broken'; at: number }
  | { kind: 'outside'; at: number };

export interface CapabilityChain {
  entries: CapabilityEntry[];
  end: ChainEnd;
  warnings: string[];
}

const STANDARD_HEADER_END = 0x40;
const EXTENDED_START = 0x100;
const CAP_POINTER = 0x34;
const CARDBUS_CAP_POINTER = 0x14;

/** The list from 0x34 (0x14 on CardBus bridges), when the Status register says there is one. */
export function walkStandardCapabilities(read: ConfigReader): CapabilityChain {
  const entries: CapabilityEntry[] = [];
  if ((read(0x06, 2) & STATUS.CAP_LIST) === 0) return { entries, end: { kind: 'end' }, warnings: [] };
  const pointerAt = (read(0x0e, 1) & 0x7f) === HEADER_TYPE.CARDBUS ? CARDBUS_CAP_POINTER : CAP_POINTER;
  const seen = new Set<number>();
  let from = pointerAt;
  let where = read(pointerAt, 1) & ~3;
  while (where !== 0) {
    const link = from === pointerAt ? `the pointer at 0x${hex(pointerAt, 2)}` : `[${hex(from, 2)}]`;
    if (where < STANDARD_HEADER_END) {
      return { entries, end: { kind: 'outside', at: where }, warnings: [`capability chain: ${link} points to 0x${hex(where, 2)}, inside the standard header; walk stopped`] };
    }
    if (seen.has(where)) {
      return { entries, end: { kind: 'looped', at: where }, warnings: [`capability chain loops: ${link} points back to [${hex(where, 2)}]; walk stopped`] };
    }
    seen.add(where);
    const id = read(where, 1);
    if (id === 0xff) {
      return { entries, end: { kind: 'broken', at: where }, warnings: [`capability chain broken at [${hex(where, 2)}]: ID 0xff (the function reads as all ones)`] };
    }
    entries.push({ offset: where, id, extended: false, version: 0 });
    from = where;
    where = read(where + 1, 1) & ~3;
  }
  return { entries, end: { kind: 'end' }, warnings: [] };
}

/** The PCIe extended list from 0x100; the caller decides whether the function has one. */
export function walkExtendedCapabilities(read: ConfigReader): CapabilityChain {
  const entries: CapabilityEntry[] = [];
  const seen = new Set<number>();
  let from = -1;
  let where = EXTENDED_START;
  while (where !== 0) {
    const header = read(where, 4);
    if (header === 0 || header === 0xffffffff) break;
    if (seen.has(where)) {
      return { entries, end: { kind: 'looped', at: where }, warnings: [`extended capability chain loops: [${hex(from, 3)}] points back to [${hex(where, 3)}]; walk stopped`] };
    }
    seen.add(where);
    entries.push({ offset: where, id: header & 0xffff, extended: true, version: (header >>> 16) & 0xf });
    from = where;
    where = (header >>> 20) & 0xffc;
    if (where !== 0 && where < EXTENDED_START) {
      return { entries, end: { kind: 'outside', at: where }, warnings: [`extended capability chain: [${hex(from, 3)}] points to 0x${hex(where, 2)}, below 0x100; walk stopped`] };
    }
  }
  return { entries, end: { kind: 'end' }, warnings: [] };
}

export interface Capabilities {
  standard: CapabilityChain;
  /** Walked only for 4096-byte images; a 256-byte dump holds no extended space. */
  extended: CapabilityChain;
  warnings: string[];
}

export function capabilitiesOf(config: Uint8Array): Capabilities {
  const read = bytesReader(config);
  const standard = walkStandardCapabilities(read);
  const extended = config.length >= 4096 ? walkExtendedCapabilities(read) : { entries: [], end: { kind: 'end' } as const, warnings: [] };
  return { standard, extended, warnings: [...standard.warnings, ...extended.warnings] };
}

export interface MsixLocation {
  /** BAR Indicator Register, bits 2:0. */
  bir: number;
  /** Byte offset into the BAR (the register with the BIR bits cleared). */
  offset: number;
}

export interface MsixCapability {
  capOffset: number;
  /** Message Control as read. */
  control: number;
  enabled: boolean;
  functionMasked: boolean;
  /** N: the table size field plus one. */
  vectors: number;
  table: MsixLocation;
  pba: MsixLocation;
}

export function decodeMsixAt(read: ConfigReader, capOffset: number): MsixCapability {
  const control = read(capOffset + 2, 2);
  const table = read(capOffset + 4, 4);
  const pba = read(capOffset + 8, 4);
  return {
    capOffset,
    control,
    enabled: (control & MSIX_CONTROL.ENABLE) !== 0,
    functionMasked: (control & MSIX_CONTROL.FUNCTION_MASK) !== 0,
    vectors: (control & MSIX_CONTROL.TABLE_SIZE_MASK) + 1,
    table: { bir: table & 7, offset: (table & ~7) >>> 0 },
    pba: { bir: pba & 7, offset: (pba & ~7) >>> 0 },
  };
}

const MSIX_CAP_END = 12;

/** The MSI-X capability of an image, with whatever the chain walk found wrong on the way. */
export function findMsix(config: Uint8Array): { msix: MsixCapability | undefined; warnings: string[] } {
  const caps = capabilitiesOf(config);
  const warnings = [...caps.standard.warnings];
  const found = caps.standard.entries.filter((c) => c.id === MSIX_CAP_ID);
  const first = found[0];
  if (!first) return { msix: undefined, warnings };
  if (found.length > 1) {
    warnings.push(`more than one MSI-X capability (${found.map((c) => `[${hex(c.offset, 2)}]`).join(', ')}); using [${hex(first.offset, 2)}]`);
  }
  if (first.offset + MSIX_CAP_END > EXTENDED_START) {
    warnings.push(`MSI-X capability at [${hex(first.offset, 2)}] runs past 0xff; ignored`);
    return { msix: undefined, warnings };
  }
  return { msix: decodeMsixAt(bytesReader(config), first.offset), warnings };
}
