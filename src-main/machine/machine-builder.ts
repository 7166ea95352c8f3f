// Builds a Machine from a validated description. Layout rules the schema cannot
// express (power-of-two BARs, BAR slots, MSI-X placement) are checked here, with
// every error naming its JSON path; nothing is built unless all checks pass.
import { applyCapabilityMasks } from './pci/capability-masks';
import { Machine } from './machine';
import { isPowerOfTwo } from '../../src-shared/power-of-two';
import { Ram } from './ram';
import { PciFunction } from './pci/pci-function';
import { Bar } from './pci/bar';
import { formatBdf, parseBdf } from './pci/pci-bus';
import { DOMAIN_STRIDE, domainOf } from '../../src-shared/pci-text/bdf';
import { PciBridge } from './pci/pci-bridge';
import { Q35HostBridge, Q35_HOST_BRIDGE_BDF } from './pci/q35-host-bridge';
import { addRootPortCapability, checkBridge, checkReachable, isBridgeDescription, markMultiFunction, programBridge } from './topology-builder';
import { MsiEngine } from './msi/msi-engine';
import { MSI_CAP_ID } from './msi/msi-capability';
import { MsixEngine } from './msix/msix-engine';
import { exclusiveBarLayout } from './msix/msix-layout';
import { pbaBytes, tableBytes } from '../../src-shared/registers/msix-entry';
import {
  parseMachineDescription,
  parseMachineText,
  type DeviceDescription,
  type MachineDescription,
  type ParseResult,
} from '../../src-shared/machine-file/description';
import { MSIX_MAX_VECTORS, type MsixLayout } from '../../src-shared/registers/layout';

export type BuildResult = { ok: true; machine: Machine; warnings: string[] } | { ok: false; errors: string[] };

const DEFAULT_LOG_CAPACITY = 1 << 20;
/** ECAM gives each bus 32 devices x 8 functions x 4 KiB. */
const ECAM_BYTES_PER_BUS = 0x100000;
const CAP_LENGTHS: Record<number, number> = { 0x01: 8, 0x05: 24, 0x09: 4, 0x10: 60, 0x11: 12, 0x12: 8 };

export function loadMachineText(text: string): BuildResult {
  return fromParse(parseMachineText(text));
}

export function loadMachineObject(value: unknown): BuildResult {
  return fromParse(parseMachineDescription(value));
}

function fromParse(parsed: ParseResult<MachineDescription>): BuildResult {
  return parsed.ok ? buildMachine(parsed.value) : { ok: false, errors: parsed.errors };
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** All RAM regions together: each is a real byte array in this process. */
export const MAX_TOTAL_RAM = 2 ** 31;

export function buildMachine(desc: MachineDescription): BuildResult {
  const errors = checkDescription(desc);
  if (errors.length > 0) return { ok: false, errors };
  const machine = new Machine(desc, desc.eventLogCapacity ?? DEFAULT_LOG_CAPACITY);
  const warnings: string[] = [];
  for (const r of desc.ram) {
    const ram = new Ram(r.size);
    machine.ram.push(ram);
    machine.memory.map(ram.region, r.base);
  }
  if (desc.platform === 'q35') machine.bus.attach(new Q35HostBridge(machine.log, machine, machine.bus));
  for (const d of desc.domains) machine.bus.setEcam(true, d.ecam, d.buses * ECAM_BYTES_PER_BUS, d.domain);
  // By address, so every bridge is in place (bus numbers programmed) before what sits behind it.
  const order = [...desc.devices.entries()].sort(([, a], [, b]) => parseBdf(a.bdf)! - parseBdf(b.bdf)!);
  for (const [i, d] of order) {
    const built = buildFunction(machine, d, `devices[${i}]`, warnings);
    if (typeof built === 'string') return { ok: false, errors: [built] };
    machine.bus.attach(built);
    startDeviceSources(machine, built, d);
  }
  const unreachable = checkReachable(machine, desc);
  if (unreachable.length > 0) return { ok: false, errors: unreachable };
  markMultiFunction(machine, desc);
  machine.log.clear();
  return { ok: true, machine, warnings };
}

function checkDescription(desc: MachineDescription): string[] {
  const errors: string[] = [];
  const capacity = desc.eventLogCapacity;
  if (capacity !== undefined && (capacity & (capacity - 1)) !== 0) errors.push(`eventLogCapacity: ${capacity} is not a power of two`);
  const ranges: [number, number, string][] = [];
  desc.ram.forEach((r, i) => {
    if (r.size === 0) errors.push(`ram[${i}].size: must be greater than 0`);
    else if (r.size > 0x40000000) errors.push(`ram[${i}].size: at most 1 GiB of RAM per region (got ${hex(r.size)})`);
    for (const [base, end, path] of ranges) {
      if (r.base < end && base < r.base + r.size) errors.push(`ram[${i}]: overlaps ${path}`);
    }
    ranges.push([r.base, r.base + r.size, `ram[${i}]`]);
  });
  const totalRam = desc.ram.reduce((n, r) => n + r.size, 0);
  if (totalRam > MAX_TOTAL_RAM) errors.push(`ram: ${hex(totalRam)} bytes in all, more than the ${MAX_TOTAL_RAM / 2 ** 30} GiB a machine may have (RAM is held in memory and saved with every session)`);
  errors.push(...checkDomains(desc, ranges));
  const described = new Set(desc.domains.map((d) => d.domain));
  const seen = new Map<number, string>();
  desc.devices.forEach((d, i) => {
    const path = `devices[${i}]`;
    const bdf = parseBdf(d.bdf);
    if (bdf === Q35_HOST_BRIDGE_BDF && desc.platform === 'q35') errors.push(`${path}.bdf: 00:00.0 is the q35 host bridge`);
    if (bdf !== undefined && domainOf(bdf) !== 0 && !described.has(domainOf(bdf))) {
      errors.push(`${path}.bdf: domain ${formatBdf(bdf).slice(0, 4)} is not one of the machine's domains (add it to "domains" with its ECAM window)`);
    }
    if (bdf !== undefined) {
      const other = seen.get(bdf);
      if (other !== undefined) errors.push(`${path}.bdf: ${d.bdf} is already used by ${other}`);
      seen.set(bdf, path);
    }
    if (d.vendor > 0xffff) errors.push(`${path}.vendor: must fit in 16 bits`);
    if (d.device > 0xffff) errors.push(`${path}.device: must fit in 16 bits`);
    if (d.class > 0xffffff) errors.push(`${path}.class: must fit in 24 bits`);
    if ((d.revision ?? 0) > 0xff) errors.push(`${path}.revision: must fit in 8 bits`);
    errors.push(...checkBars(d, path), ...checkBridge(d, path));
    if (d.msix) errors.push(...checkMsix(d, path));
    if (d.config !== undefined) {
      const n = d.config.length / 2;
      if (!/^([0-9a-fA-F]{2})*$/.test(d.config)) errors.push(`${path}.config: not a string of hex byte pairs`);
      else if (n !== 256 && n !== 4096) errors.push(`${path}.config: ${n} bytes, expected 256 or 4096`);
      else if (n === 4096 && !d.pcie) errors.push(`${path}.config: 4096 bytes needs "pcie": true`);
    }
  });
  return errors;
}

/** Each extra domain once, its ECAM window 1 MiB aligned, clear of RAM and of the other windows. */
function checkDomains(desc: MachineDescription, ram: readonly [number, number, string][]): string[] {
  const errors: string[] = [];
  const windows: [number, number, string][] = [];
  desc.domains.forEach((d, i) => {
    const path = `domains[${i}]`;
    const first = desc.domains.findIndex((o) => o.domain === d.domain);
    if (first !== i) errors.push(`${path}.domain: domain ${d.domain} is already described in domains[${first}]`);
    if (d.ecam % ECAM_BYTES_PER_BUS !== 0) errors.push(`${path}.ecam: ${hex(d.ecam)} is not a multiple of 1 MiB`);
    const end = d.ecam + d.buses * ECAM_BYTES_PER_BUS;
    for (const [base, limit, other] of [...ram, ...windows]) {
      if (d.ecam < limit && base < end) errors.push(`${path}.ecam: ${hex(d.ecam)}..${hex(end)} overlaps ${other}`);
    }
    windows.push([d.ecam, end, `${path}.ecam`]);
  });
  return errors;
}

function checkBars(d: DeviceDescription, path: string): string[] {
  const errors: string[] = [];
  const slots = new Map<number, number>();
  d.bars.forEach((bar, j) => {
    const at = `${path}.bars[${j}]`;
    // Legacy I/O regions real dumps show (an IDE control port, a parallel port) are 1 or 8 bytes.
    const min = bar.type === 'io' ? 1 : 16;
    if (!isPowerOfTwo(bar.size) || bar.size < min) errors.push(`${at}.size: ${hex(bar.size)} is not a power of two >= ${min}`);
    if (bar.type === 'io' && bar.size > 0x10000) errors.push(`${at}.size: an I/O BAR is at most 64 KiB`);
    if (bar.type === 'mem32' && bar.size > 0x80000000) errors.push(`${at}.size: a 32-bit BAR is at most 2 GiB`);
    if (bar.type === 'io' && bar.prefetchable) errors.push(`${at}.prefetchable: an I/O BAR cannot be prefetchable`);
    if (bar.type === 'mem64' && bar.index === 5) errors.push(`${at}.index: a 64-bit BAR needs two slots; 5 is the last`);
    const used = bar.type === 'mem64' ? [bar.index, bar.index + 1] : [bar.index];
    for (const slot of used) {
      const other = slots.get(slot);
      if (other !== undefined) errors.push(`${at}.index: BAR slot ${slot} is already used by ${path}.bars[${other}]`);
      slots.set(slot, j);
    }
  });
  const exclusive = d.msix && 'exclusiveBar' in d.msix ? d.msix.exclusiveBar : undefined;
  if (exclusive !== undefined && slots.has(exclusive)) {
    errors.push(`${path}.msix.exclusiveBar: BAR ${exclusive} is already declared in ${path}.bars`);
  }
  return errors;
}

function checkMsix(d: DeviceDescription, path: string): string[] {
  const m = d.msix!;
  const at = `${path}.msix`;
  const errors: string[] = [];
  if (m.vectors < 1 || m.vectors > MSIX_MAX_VECTORS) errors.push(`${at}.vectors: invalid number of vectors ${m.vectors} (must be 1..${MSIX_MAX_VECTORS})`);
  if (m.capOffset !== undefined && (m.capOffset < 0x40 || m.capOffset > 0xf4 || m.capOffset % 4 !== 0)) {
    errors.push(`${at}.capOffset: ${hex(m.capOffset)} must be dword aligned within 0x40..0xf4`);
  }
  const used = m.used;
  if (Array.isArray(used)) {
    used.forEach((v, k) => {
      if (v >= m.vectors) errors.push(`${at}.used[${k}]: vector ${v} out of range 0..${m.vectors - 1}`);
    });
  }
  (d.sources ?? []).forEach((s, k) => {
    if (s.vector >= m.vectors) errors.push(`${path}.sources[${k}].vector: vector ${s.vector} out of range 0..${m.vectors - 1}`);
  });
  if ('exclusiveBar' in m || errors.length > 0) return errors;
  // I3, but with the path of the offending field; imported devices are let through with warnings.
  if (d.config !== undefined) return errors;
  for (const part of ['table', 'pba'] as const) {
    const { bar, offset } = m[part];
    const declared = d.bars.find((b) => b.index === bar);
    if (offset % 8 !== 0) errors.push(`${at}.${part}.offset: not 8-byte aligned`);
    if (declared === undefined) errors.push(`${at}.${part}.bar: BAR ${bar} is not declared in ${path}.bars`);
    else if (declared.type === 'io') errors.push(`${at}.${part}.bar: BAR ${bar} is an I/O BAR; MSI-X needs memory`);
    else {
      const size = part === 'table' ? tableBytes(m.vectors) : pbaBytes(m.vectors);
      if (offset + size > declared.size) {
        errors.push(`${at}.${part}: ${hex(offset)}..${hex(offset + size)} does not fit in BAR ${bar} of size ${hex(declared.size)}`);
      }
    }
  }
  const t = m.table;
  const p = m.pba;
  if (t.bar === p.bar && t.offset < p.offset + pbaBytes(m.vectors) && p.offset < t.offset + tableBytes(m.vectors)) {
    errors.push(`${at}.pba: ${hex(p.offset)}..${hex(p.offset + pbaBytes(m.vectors))} overlaps the table at ${hex(t.offset)}..${hex(t.offset + tableBytes(m.vectors))}`);
  }
  return errors;
}

function buildFunction(machine: Machine, d: DeviceDescription, path: string, warnings: string[]): PciFunction | string {
  const address = parseBdf(d.bdf)!;
  const bdf = address % DOMAIN_STRIDE;
  const configSize = d.pcie ? 4096 : 256;
  const bridge = isBridgeDescription(d) ? new PciBridge(bdf, d.name, machine.log, machine, configSize, domainOf(address)) : null;
  const fn = bridge ?? new PciFunction(bdf, d.name, machine.log, machine, configSize, domainOf(address));
  const c = fn.config;
  c.set(0x00, 2, d.vendor);
  c.set(0x02, 2, d.device);
  c.set(0x08, 1, d.revision ?? 0);
  c.set(0x09, 1, d.class & 0xff);
  c.set(0x0a, 2, d.class >>> 8);
  // A type 1 header has no subsystem registers there (0x2c is the prefetchable limit's upper half).
  if (bridge === null) {
    c.set(0x2c, 2, d.subsystemVendor ?? d.vendor);
    c.set(0x2e, 2, d.subsystem ?? 0);
  }
  c.set(0x3d, 1, d.interruptPin ?? 1);
  if (bridge !== null && d.bridge !== undefined) {
    programBridge(bridge, d.bridge);
    const failed = d.pcie && d.config === undefined ? addRootPortCapability(bridge) : null;
    if (failed !== null) return `${path}.bridge: ${failed}`;
  }
  for (const b of d.bars) fn.addBar(new Bar(b.index, b.type, b.size, b.prefetchable ?? false, bdf));
  if (d.msix) {
    const m = d.msix;
    let layout: MsixLayout;
    if ('exclusiveBar' in m) {
      const { barSize, pbaOffset } = exclusiveBarLayout(m.vectors);
      fn.addBar(new Bar(m.exclusiveBar, 'mem32', barSize, false, bdf));
      layout = { vectors: m.vectors, capOffset: m.capOffset ?? 0, tableBar: m.exclusiveBar, tableOffset: 0, pbaBar: m.exclusiveBar, pbaOffset };
    } else {
      layout = { vectors: m.vectors, capOffset: m.capOffset ?? 0, tableBar: m.table.bar, tableOffset: m.table.offset, pbaBar: m.pba.bar, pbaOffset: m.pba.offset };
    }
    const tableBar = fn.bars[layout.tableBar];
    const pbaBar = fn.bars[layout.pbaBar];
    if (!tableBar || !pbaBar) return `${path}.msix: the table or PBA names a BAR the device does not have`;
    const result = MsixEngine.init(fn, fn.caps, {
      layout,
      tableBarRegion: tableBar.region,
      pbaBarRegion: pbaBar.region,
      msiSupported: true,
      allowInvalidLayout: d.config !== undefined,
    });
    if (!result.ok) return `${path}.msix: ${result.error}`;
    for (const w of result.warnings) warnings.push(`${d.bdf} (${d.name}): MSI-X ${w}; kept as imported`);
    fn.msix = result.engine;
  }
  if (d.msi) {
    const made = MsiEngine.init(fn, fn.caps, { vectors: d.msi.vectors, is64bit: d.msi.is64bit, perVectorMask: d.msi.perVectorMask, capOffset: d.msi.capOffset ?? 0 });
    if (!made.ok) return `${path}.msi: ${made.error}`;
    fn.msi = made.engine;
  }
  if (d.config !== undefined) applyImportedConfig(fn, d.config);
  if (fn.msix && d.msix?.used !== undefined) {
    const used = d.msix.used === 'all' ? Array.from({ length: fn.msix.vectors }, (_, v) => v) : d.msix.used;
    for (const v of used) fn.msix.use(v);
  }
  return fn;
}

/** Imported devices start with the dumped bytes, capability chain and MSI-X control bits included. */
function applyImportedConfig(fn: PciFunction, hexBytes: string): void {
  const bytes = fn.config.bytes;
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hexBytes.slice(2 * i, 2 * i + 2), 16);
  fn.caps.adoptExisting((id) => CAP_LENGTHS[id] ?? 4);
  applyCapabilityMasks(fn.config);
  fn.msix?.syncFromConfig();
  // A dumped MSI capability behaves as QEMU's msi.c would with those flags.
  const msi = fn.caps.find(MSI_CAP_ID);
  if (msi !== 0 && fn.msi === null) fn.msi = MsiEngine.adopt(fn, fn.caps, msi);
}

function startDeviceSources(machine: Machine, fn: PciFunction, d: DeviceDescription): void {
  for (const s of d.sources ?? []) machine.startSource(fn, s.vector, s.ratePerSecond);
}
