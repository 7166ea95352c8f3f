// Turning devices read from a real machine (lspci dumps, sysfs blobs) into a
// machine description irqscope can simulate. The import keeps whatever the
// device does, including MSI-X layouts the machine builder will refuse (rule
// I3): a debugger must be able to show a broken device, so those come out as
// warnings here and as errors only when the machine is built.
import type { MachineDescriptionInput } from '../machine-file/description';
import { isPowerOfTwo, nextPowerOfTwo } from '../power-of-two';
import { decodeBars, decodeHeader, findMsix, type BarKind, type MsixCapability } from './config-decode';
import { pbaBytes, tableBytes } from '../registers/msix-entry';
import { hex, hex0x } from './hex';
import { DOMAIN_STRIDE, domainOf, formatBdf } from './bdf';
import type { LspciDevice } from './lspci-dump';

type DeviceInput = NonNullable<MachineDescriptionInput['devices']>[number];
type BarInput = NonNullable<DeviceInput['bars']>[number];

export interface ImportOptions {
  /** Sizes for BARs the dump gives no `[size=..]` for, by BAR index. */
  barSizeDefaults?: Readonly<Record<number, number>>;
}

export interface ImportResult {
  description: MachineDescriptionInput;
  warnings: string[];
}

/** Used when neither the dump nor the caller gives a size: the smallest page-sized memory BAR, a typical I/O window. */
export const DEFAULT_MEMORY_BAR_SIZE = 0x1000;
export const DEFAULT_IO_BAR_SIZE = 32;

const CPUS = 4;
const RAM = { base: '0x0', size: '0x8000000' };
const SLOTS = 32;
/**
 * Where an imported domain past 0000 gets its ECAM window (a dump does not say):
 * 256 MiB each from 256 GiB up, above what a PC's firmware puts below 4 GiB.
 */
const IMPORTED_ECAM_BASE = 0x4000000000;
const ECAM_WINDOW = 0x10000000;
/** Moved devices start at slot 1: 00:00.0 is where a host bridge sits. */
const FIRST_REMAP_SLOT = 1;
const MAX_NAME = 48;
/** Legacy I/O regions (an IDE control port, a parallel port) are as small as 1 byte. */
const MIN_BAR_SIZE: Record<BarKind, number> = { io: 1, mem32: 16, mem64: 16 };

interface PlannedBar {
  index: number;
  kind: BarKind;
  prefetchable: boolean;
  size: number;
  /** Only a size the dump did not give may be grown to hold the MSI-X structures. */
  builtInDefault: boolean;
}

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_NAME)
    .replace(/-+$/, '');
  return s === '' ? 'device' : s;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

/**
 * Every device keeps its domain, bus, device and function. Only an address already
 * taken (a repeated dump) moves, to a free slot on bus 00 of domain 0000.
 */
function assignAddresses(devices: readonly LspciDevice[], warnings: string[]): (number | undefined)[] {
  const used = new Set<number>();
  const assigned = devices.map((d) => {
    const address = d.address.domain * DOMAIN_STRIDE + ((d.address.bus << 8) | (d.address.device << 3) | d.address.fn);
    if (used.has(address)) return undefined;
    used.add(address);
    return address;
  });
  const slotFree = (slot: number) => [0, 1, 2, 3, 4, 5, 6, 7].every((fn) => !used.has((slot << 3) | fn));
  return assigned.map((bdf, i) => {
    if (bdf !== undefined) return bdf;
    const d = devices[i];
    if (!d) return undefined;
    let slot = FIRST_REMAP_SLOT;
    while (slot < SLOTS && !slotFree(slot)) slot++;
    if (slot === SLOTS) {
      warnings.push(`${d.bdf}: left out: its address is already taken by an earlier device and bus 00 has no free slot`);
      return undefined;
    }
    used.add(slot << 3);
    warnings.push(`${d.bdf}: moved to ${formatBdf(slot << 3)}: its address is already taken by an earlier device`);
    return slot << 3;
  });
}

function planBars(device: LspciDevice, options: ImportOptions, warn: (what: string) => void): PlannedBar[] {
  const decoded = decodeBars(device.config);
  decoded.warnings.forEach(warn);
  const planned: PlannedBar[] = decoded.bars.map((bar) => {
    if (bar.oddType) warn(`BAR ${bar.index} has memory type "${bar.oddType}"; imported as mem32`);
    return { index: bar.index, kind: bar.kind, prefetchable: bar.prefetchable, size: 0, builtInDefault: false };
  });
  // A BAR register reading 0 (Enhanced Allocation, or unassigned) is known only from lspci's region line.
  const claimed = new Set(planned.flatMap((b) => (b.kind === 'mem64' ? [b.index, b.index + 1] : [b.index])));
  for (const region of device.regions) {
    if (claimed.has(region.index) || (region.size === undefined && !region.virtual)) continue;
    const kind: BarKind = region.io ? 'io' : region.memType === '64-bit' ? 'mem64' : 'mem32';
    if (kind === 'mem64' && (region.index === 5 || claimed.has(region.index + 1))) continue;
    warn(`BAR ${region.index} register reads 0; its type comes from lspci's region line (line ${region.line})`);
    planned.push({ index: region.index, kind, prefetchable: region.prefetchable, size: 0, builtInDefault: false });
    claimed.add(region.index);
    if (kind === 'mem64') claimed.add(region.index + 1);
  }
  planned.sort((a, b) => a.index - b.index);

  for (const bar of planned) {
    const fromDump = device.barSizes[bar.index];
    const fromCaller = options.barSizeDefaults?.[bar.index];
    if (fromDump !== undefined) bar.size = fromDump;
    else if (fromCaller !== undefined) {
      bar.size = fromCaller;
      warn(`BAR ${bar.index} has no [size=..] in the dump; using the given default ${hex0x(fromCaller)}`);
    } else {
      bar.size = bar.kind === 'io' ? DEFAULT_IO_BAR_SIZE : DEFAULT_MEMORY_BAR_SIZE;
      bar.builtInDefault = true;
      warn(`BAR ${bar.index} has no [size=..] in the dump; using the default ${hex0x(bar.size)}`);
    }
    if (!isPowerOfTwo(bar.size) || bar.size < MIN_BAR_SIZE[bar.kind]) warn(`BAR ${bar.index} size ${hex0x(bar.size)} is not a power of two of at least ${MIN_BAR_SIZE[bar.kind]} bytes`);
  }
  return planned;
}

interface Span {
  what: 'table' | 'PBA';
  bar: number;
  start: number;
  end: number;
}

function spanText(s: Span, prefix = 'MSI-X '): string {
  return `${prefix}${s.what} (BAR ${s.bar}, ${hex0x(s.start)}..${hex0x(s.end)})`;
}

/** Guessed BAR sizes grow to hold the MSI-X structures: a guess should not invent an I3 violation. */
function growDefaultsForMsix(spans: Span[], bars: PlannedBar[], warn: (what: string) => void): void {
  for (const bar of bars) {
    if (!bar.builtInDefault) continue;
    const needed = Math.max(0, ...spans.filter((s) => s.bar === bar.index).map((s) => s.end));
    if (needed <= bar.size) continue;
    bar.size = nextPowerOfTwo(needed);
    warn(`BAR ${bar.index} default size grown to ${hex0x(bar.size)} to hold the MSI-X structures in it`);
  }
}

/** Rule I3 as the machine builder will apply it (offsets are always 8-aligned: the BIR takes bits 2:0). */
function checkMsixLayout(spans: Span[], bars: PlannedBar[], warn: (what: string) => void): void {
  for (const span of spans) {
    const bar = bars.find((b) => b.index === span.bar);
    const lower = bars.find((b) => b.kind === 'mem64' && b.index + 1 === span.bar);
    if (lower) warn(`${spanText(span)} names BAR ${span.bar}, the upper half of 64-bit BAR ${lower.index}`);
    else if (!bar) warn(`${spanText(span)} names BAR ${span.bar}, which the device does not implement`);
    else if (bar.kind === 'io') warn(`${spanText(span)} is in BAR ${span.bar}, an I/O BAR`);
    else if (span.end > bar.size) warn(`${spanText(span)} lies outside BAR ${span.bar} (size ${hex0x(bar.size)})`);
  }
  const [table, pba] = spans;
  if (table && pba && table.bar === pba.bar && table.start < pba.end && pba.start < table.end) warn(`${spanText(table)} overlaps ${spanText(pba, '')}`);
}

function msixSpans(msix: MsixCapability): Span[] {
  return [
    { what: 'table', bar: msix.table.bir, start: msix.table.offset, end: msix.table.offset + tableBytes(msix.vectors) },
    { what: 'PBA', bar: msix.pba.bir, start: msix.pba.offset, end: msix.pba.offset + pbaBytes(msix.vectors) },
  ];
}

function importDevice(device: LspciDevice, bdf: number, name: string, options: ImportOptions, warnings: string[]): DeviceInput {
  const warn = (what: string) => warnings.push(`${device.bdf}: ${what}`);
  const h = decodeHeader(device.config);
  if (h.headerType > 1) warn(`header type ${h.headerType} is neither an endpoint's (0) nor a bridge's (1); its registers are kept only as config bytes`);
  const bars = planBars(device, options, warn);

  const found = findMsix(device.config);
  found.warnings.forEach(warn);
  let msix: DeviceInput['msix'];
  if (found.msix) {
    const spans = msixSpans(found.msix);
    const badBir = spans.find((s) => s.bar > 5);
    if (badBir) {
      warn(`${spanText(badBir)}: BIR ${badBir.bar} names no BAR (BARs are 0-5); MSI-X left out of the description`);
    } else {
      growDefaultsForMsix(spans, bars, warn);
      checkMsixLayout(spans, bars, warn);
      msix = {
        vectors: found.msix.vectors,
        capOffset: hex0x(found.msix.capOffset),
        table: { bar: found.msix.table.bir, offset: hex0x(found.msix.table.offset) },
        pba: { bar: found.msix.pba.bir, offset: hex0x(found.msix.pba.offset) },
      };
    }
  }

  const out: DeviceInput = {
    bdf: formatBdf(bdf),
    name,
    ...(device.title === undefined ? {} : { title: device.title }),
    vendor: hex0x(h.vendor),
    device: hex0x(h.device),
    class: hex0x((h.classDevice << 8) | h.progIf),
    revision: hex0x(h.revision),
    bars: bars.map((b): BarInput => {
      const bar: BarInput = { index: b.index, type: b.kind, size: hex0x(b.size) };
      if (b.kind !== 'io') bar.prefetchable = b.prefetchable;
      if (device.barSizes[b.index] === undefined) bar.sizeAssumed = true;
      const virtual = device.virtualBars[b.index];
      if (virtual !== undefined) bar.virtualAddress = hex0x(virtual.address);
      return bar;
    }),
    config: Array.from(device.config, (b) => hex(b, 2)).join(''),
  };
  if (h.subsystemVendor !== undefined) out.subsystemVendor = hex0x(h.subsystemVendor);
  if (h.subsystem !== undefined) out.subsystem = hex0x(h.subsystem);
  if (h.interruptPin <= 4) out.interruptPin = h.interruptPin;
  else warn(`Interrupt Pin register holds ${h.interruptPin} (valid: 0-4); left out`);
  if (device.config.length === 4096) out.pcie = true;
  if (msix) out.msix = msix;
  return out;
}

/**
 * A machine of 4 CPUs and 128 MiB of RAM holding the given devices, with an ECAM
 * window for each domain past 0000 they sit in. Warnings start with the device's
 * address as written in the dump.
 */
export function importDevices(devices: readonly LspciDevice[], options: ImportOptions = {}): ImportResult {
  const warnings: string[] = [];
  const addresses = assignAddresses(devices, warnings);
  const names = new Set<string>();
  const imported: DeviceInput[] = [];
  devices.forEach((device, i) => {
    const bdf = addresses[i];
    if (bdf === undefined) return;
    const h = decodeHeader(device.config);
    const name = uniqueName(slug(device.title ?? device.className ?? `device ${hex(h.vendor, 4)} ${hex(h.device, 4)}`), names);
    imported.push(importDevice(device, bdf, name, options, warnings));
  });
  const domains = [...new Set(addresses.filter((a): a is number => a !== undefined).map(domainOf))].filter((d) => d !== 0).sort((a, b) => a - b);
  const description: MachineDescriptionInput = { cpus: CPUS, ram: [{ ...RAM }], devices: imported };
  if (domains.length > 0) description.domains = domains.map((domain, i) => ({ domain, ecam: hex0x(IMPORTED_ECAM_BASE + i * ECAM_WINDOW) }));
  return { description, warnings };
}
