// The machine file's topology as firmware would leave it: bridges with their bus
// numbers and windows programmed, the multi-function bit on function 0 of a
// device with more functions, and every function reachable by config cycles.
// Errors name the JSON path of what is wrong.
import type { Machine } from './machine';
import { PciBridge, SECONDARY_BUS, SUBORDINATE_BUS } from './pci/pci-bridge';
import { formatBdf, parseBdf } from './pci/pci-bus';
import { DOMAIN_STRIDE } from '../../src-shared/pci-text/bdf';
import type { BridgeDescription, DeviceDescription, MachineDescription } from '../../src-shared/machine-file/description';

const hex = (n: number): string => `0x${n.toString(16)}`;
const PCIE_CAP_ID = 0x10;
const PCIE_CAP_LENGTH = 60;
/** PCI Express Capabilities register: version 2, device/port type 4 (root port). */
const PCIE_ROOT_PORT_FLAGS = 0x0042;

/** Whether a description is a bridge: declared as one, or an imported type 1 header. */
export function isBridgeDescription(d: DeviceDescription): boolean {
  if (d.bridge !== undefined) return true;
  return d.config !== undefined && /^[0-9a-fA-F]{32}/.test(d.config) && (Number.parseInt(d.config.slice(28, 30), 16) & 0x7f) === 1;
}

interface WindowRule {
  key: 'io' | 'memory' | 'prefetchable';
  granule: number;
  max: number;
}

const WINDOWS: WindowRule[] = [
  { key: 'io', granule: 0x1000, max: 0xffff },
  { key: 'memory', granule: 0x100000, max: 0xffffffff },
  { key: 'prefetchable', granule: 0x100000, max: Number.MAX_SAFE_INTEGER },
];

export function checkBridge(d: DeviceDescription, path: string): string[] {
  const errors: string[] = [];
  const b = d.bridge;
  if (b === undefined) return errors;
  const bus = ((parseBdf(d.bdf) ?? 0) % DOMAIN_STRIDE) >>> 8;
  if ((d.class >>> 8) !== 0x0604) errors.push(`${path}.class: a PCI-to-PCI bridge has class 0x0604xx (got ${hex(d.class)})`);
  if (b.secondary <= bus) errors.push(`${path}.bridge.secondary: bus ${b.secondary} is not below the bridge's own bus ${bus}`);
  if ((b.subordinate ?? b.secondary) < b.secondary) errors.push(`${path}.bridge.subordinate: ${b.subordinate} is below the secondary bus ${b.secondary}`);
  d.bars.forEach((bar, j) => {
    if (bar.index > 1) errors.push(`${path}.bars[${j}].index: a bridge has BAR slots 0 and 1 only`);
  });
  for (const { key, granule, max } of WINDOWS) {
    const w = b[key];
    if (w === undefined) continue;
    const at = `${path}.bridge.${key}`;
    if (w.base % granule !== 0) errors.push(`${at}.base: ${hex(w.base)} is not a multiple of ${hex(granule)}`);
    if ((w.limit + 1) % granule !== 0) errors.push(`${at}.limit: ${hex(w.limit)} does not end a ${hex(granule)} block`);
    if (w.limit < w.base) errors.push(`${at}.limit: ${hex(w.limit)} is below the base ${hex(w.base)}`);
    if (w.limit > max) errors.push(`${at}.limit: ${hex(w.limit)} is above ${hex(max)}`);
  }
  return errors;
}

/** Bus numbers and windows, written as firmware would; an empty window is base above limit. */
export function programBridge(fn: PciBridge, b: BridgeDescription): void {
  const c = fn.config;
  c.set(0x18, 1, fn.bdf >>> 8);
  c.set(SECONDARY_BUS, 1, b.secondary);
  c.set(SUBORDINATE_BUS, 1, b.subordinate ?? b.secondary);
  const io = b.io ?? { base: 0x1000, limit: 0xfff };
  c.set(0x1c, 1, (c.bytes[0x1c]! & 0xf) | ((io.base >>> 8) & 0xf0));
  c.set(0x1d, 1, (c.bytes[0x1d]! & 0xf) | ((io.limit >>> 8) & 0xf0));
  const mem = b.memory ?? { base: 0x100000, limit: 0xfffff };
  c.set(0x20, 2, (mem.base / 0x10000) & 0xfff0);
  c.set(0x22, 2, (Math.floor(mem.limit / 0x10000) & 0xfff0));
  const pref = b.prefetchable ?? { base: 0x100000, limit: 0xfffff };
  c.set(0x24, 2, (c.bytes[0x24]! & 0xf) | (Math.floor(pref.base / 0x10000) & 0xfff0));
  c.set(0x26, 2, (c.bytes[0x26]! & 0xf) | (Math.floor(pref.limit / 0x10000) & 0xfff0));
  c.set(0x28, 4, Math.floor(pref.base / 0x100000000));
  c.set(0x2c, 4, Math.floor(pref.limit / 0x100000000));
}

/** A root port announces itself with a PCI Express capability (the bridge's own 4 KiB space carries it). */
export function addRootPortCapability(fn: PciBridge): string | null {
  const placed = fn.caps.add(PCIE_CAP_ID, 0, PCIE_CAP_LENGTH);
  if (!placed.ok) return placed.error;
  fn.config.set(placed.offset + 2, 2, PCIE_ROOT_PORT_FLAGS);
  return null;
}

/** Function 0 of a device with other functions says so in Header Type bit 7 (described devices only; a dump keeps its own byte). */
export function markMultiFunction(machine: Machine, desc: MachineDescription): void {
  const described = new Set(desc.devices.filter((d) => d.config === undefined).map((d) => parseBdf(d.bdf)));
  for (const fn of machine.functions()) {
    const first = (fn.bdf & 7) === 0 ? null : machine.fn(fn.address - (fn.bdf & 7));
    if (first !== null && described.has(first.address)) first.config.set(0x0e, 1, first.config.bytes[0x0e]! | 0x80);
  }
}

/** Every function must be what a config cycle to its address in its domain reaches: overlapping bus ranges hide some. */
export function checkReachable(machine: Machine, desc: MachineDescription): string[] {
  const errors: string[] = [];
  desc.devices.forEach((d, i) => {
    const fn = machine.fn(parseBdf(d.bdf)!)!;
    const bus = fn.bdf >>> 8;
    const bridges = machine.functions().filter((f): f is PciBridge => f instanceof PciBridge && f.domain === fn.domain);
    if (fn instanceof PciBridge && machine.bus.findBus(fn.secondaryBus, fn.domain) !== fn.secondary) {
      const other = bridges.find((f) => f !== fn && f.leadsTo(fn.secondaryBus));
      errors.push(`devices[${i}].bridge.secondary: bus ${fn.secondaryBus} is already reached ${other ? `through the bridge at ${formatBdf(other.address)}` : 'another way'}`);
    }
    const reached = machine.bus.route(bus, fn.bdf & 0xff, fn.domain);
    if (reached === fn) return;
    const via = bridges.find((f) => f.leadsTo(bus) && f.secondary.functions.includes(reached));
    errors.push(
      `devices[${i}].bdf: ${formatBdf(fn.address)} cannot be reached: config cycles for bus ${hex(bus)} go ${via ? `through the bridge at ${formatBdf(via.address)}` : 'elsewhere'}`,
    );
  });
  return errors;
}
