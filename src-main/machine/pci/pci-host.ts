// The host side of the PCI hierarchy: its domains (segments), each with root buses
// and everything behind their bridges; guest config access through the 0xCF8/0xCFC
// pair (domain 0000 only, as on a PC) and through each domain's ECAM (MMCONFIG)
// window; access by a function's own address for the tools; and BAR mapping into
// the one memory and I/O address space every domain shares, bridge windows included.
import { Region, SIZES_1_2_4, type AddressSpace } from '../address-space';
import type { EventLog } from '../event-log';
import type { PciFunction } from './pci-function';
import { PciBridge } from './pci-bridge';
import { PciBus, formatBdf } from './pci-bus';
import { UNMAPPED } from './bar';
import { pbaBytes, tableBytes } from '../../../src-shared/registers/msix-entry';
import { UnclaimedKind } from '../../../src-shared/timeline/event-kinds';
import { EventKind } from '../../../src-shared/timeline/event-schema';
import { MSIX_MAX_VECTORS } from '../../../src-shared/registers/layout';

export const CONFIG_ADDRESS_PORT = 0xcf8;
export const CONFIG_DATA_PORT = 0xcfc;
/** The legacy mechanism reaches the first 256 bytes of a function. */
const LEGACY_CONFIG_SIZE = 256;

/** All ones in `size` bytes: what a PC reads where nothing answers. */
export function allOnes(size: number): number {
  return size >= 4 ? 0xffffffff : 2 ** (8 * size) - 1;
}

/** What the host holds itself; the mappings, ECAM and the rest follow from the functions' config. */
export interface PciHostState {
  /** The 0xCF8 CONFIG_ADDRESS latch. */
  readonly configAddress: number;
}

/** One PCI domain: its root buses (a bus no bridge leads to, made as a function is attached on it) and its ECAM window, when mapped. */
interface Segment {
  readonly roots: PciBus[];
  ecam: Region | null;
}

export class PciHost {
  private readonly segments = new Map<number, Segment>();
  /** By address: domain * DOMAIN_STRIDE + bus/dev.fn. */
  private readonly byAddress = new Map<number, PciFunction>();
  private configAddress = 0;

  constructor(
    private readonly memory: AddressSpace,
    private readonly io: AddressSpace,
    private readonly log: EventLog,
  ) {
    memory.unclaimedProbe = (addr) => this.msixStructureAt(addr);
    io.map(
      // QEMU's pci_host_config_read answers the whole latch whatever the offset (the access
      // size truncates it); only a 4-byte write at 0xCF8 itself changes it.
      new Region('pci-config-address', 4, {
        read: (_o, s) => (s === 4 ? this.configAddress : this.configAddress & allOnes(s)),
        write: (o, s, v) => {
          if (o === 0 && s === 4) this.configAddress = v >>> 0;
        },
      }),
      CONFIG_ADDRESS_PORT,
    );
    io.map(
      new Region('pci-config-data', 4, { read: (o, s) => this.dataRead(o, s), write: (o, s, v) => this.dataWrite(o, s, v) }, SIZES_1_2_4),
      CONFIG_DATA_PORT,
    );
  }

  saveState(): PciHostState {
    return { configAddress: this.configAddress };
  }

  /**
   * Once every function's config bytes are back (a session, a checkpoint): the latch is
   * restored, and each function's derived state and its mappings follow its config.
   */
  restoreState(state: PciHostState): void {
    this.configAddress = state.configAddress >>> 0;
    for (const fn of this.list()) {
      fn.syncDerivedState();
      this.remap(fn);
    }
  }

  private segment(domain: number): Segment {
    let found = this.segments.get(domain);
    if (found === undefined) {
      found = { roots: [], ecam: null };
      this.segments.set(domain, found);
    }
    return found;
  }

  /** Domain `domain`'s root buses by number (domain 0000's by default). */
  roots(domain = 0): readonly PciBus[] {
    return this.segments.get(domain)?.roots ?? [];
  }

  /** The domains given a function or an ECAM window (mapped or not), in order. */
  domains(): number[] {
    return [...this.segments.keys()].sort((a, b) => a - b);
  }

  /** Attaches `fn` on the bus its address names in its domain as the hierarchy is numbered now; a bus no bridge leads to becomes a root bus. */
  attach(fn: PciFunction): void {
    if (this.byAddress.has(fn.address)) throw new RangeError(`${formatBdf(fn.address)} is taken`);
    const number = fn.bdf >>> 8;
    let bus = this.findBus(number, fn.domain);
    if (bus === null) {
      bus = new PciBus(null, number);
      this.segment(fn.domain).roots.push(bus);
    }
    bus.attach(fn, fn instanceof PciBridge ? fn : null);
    this.byAddress.set(fn.address, fn);
    this.remap(fn);
  }

  /** By address: a bus/dev.fn number is domain 0000's; add domain * 0x10000 for another. */
  get(address: number): PciFunction | null {
    return this.byAddress.get(address) ?? null;
  }

  /** Every function, by domain and address. */
  list(): PciFunction[] {
    return [...this.byAddress.values()].sort((a, b) => a.address - b.address);
  }

  /** The bus that config cycles for bus `number` reach in `domain`, following the bridges' bus numbers (QEMU's pci_find_bus_nr). */
  findBus(number: number, domain = 0): PciBus | null {
    for (const root of this.roots(domain)) {
      const bus = findBelow(root, number);
      if (bus !== null) return bus;
    }
    return null;
  }

  /** The function a guest config cycle for (bus, devfn) reaches in `domain`, or null. */
  route(bus: number, devfn: number, domain = 0): PciFunction | null {
    const found = this.findBus(bus, domain);
    return found === null ? null : found.functions[devfn]!;
  }

  /** A3: by a function's own address (tools, the app); an absent function reads all ones. */
  configRead(address: number, offset: number, size: number): number {
    const fn = this.get(address);
    return fn === null ? allOnes(size) : fn.configRead(offset, size);
  }

  configWrite(address: number, offset: number, size: number, value: number): void {
    const fn = this.get(address);
    if (fn !== null) this.write(fn, offset, size, value);
  }

  /**
   * A guest config read as QEMU's pci_host_config_read_common does it: past `limit`
   * all ones; otherwise up to `limit`, at any offset (the 0xCF8 low bits make
   * unaligned offsets), bytes past the end reading 0.
   */
  private guestRead(fn: PciFunction, reg: number, size: number, limit: number): number {
    if (reg >= limit) return allOnes(size);
    const n = Math.min(size, limit - reg);
    if (n === size && (reg & (size - 1)) === 0) return fn.configRead(reg, size);
    let value = 0;
    for (let i = 0; i < n; i++) value |= fn.configRead(reg + i, 1) << (8 * i);
    return value >>> 0;
  }

  private guestWrite(fn: PciFunction, reg: number, size: number, value: number, limit: number): void {
    if (reg >= limit) return;
    const n = Math.min(size, limit - reg);
    if (n === size && (reg & (size - 1)) === 0) {
      this.write(fn, reg, size, value);
      return;
    }
    for (let i = 0; i < n; i++) this.write(fn, reg + i, 1, (value >>> (8 * i)) & 0xff);
  }

  private write(fn: PciFunction, offset: number, size: number, value: number): void {
    if (fn.configWrite(offset, size, value)) this.remap(fn);
  }

  /** The function 0xCF8 selects (enable bit, bus, devfn) in domain 0000, the only one the pair reaches, or null. */
  private selected(): PciFunction | null {
    const a = this.configAddress;
    if ((a & 0x80000000) === 0) return null;
    return this.route((a >>> 16) & 0xff, (a >>> 8) & 0xff);
  }

  /** The register is CONFIG_ADDRESS | (port & 3), as QEMU computes it. */
  private dataRead(offset: number, size: number): number {
    const fn = this.selected();
    return fn === null ? allOnes(size) : this.guestRead(fn, (this.configAddress | offset) & 0xff, size, LEGACY_CONFIG_SIZE);
  }

  private dataWrite(offset: number, size: number, value: number): void {
    const fn = this.selected();
    if (fn !== null) this.guestWrite(fn, (this.configAddress | offset) & 0xff, size, value, LEGACY_CONFIG_SIZE);
  }

  /**
   * Maps `domain`'s ECAM window (`size` bytes: 1 MiB per bus, from bus 0) at `base`,
   * or unmaps it: domain 0000's follows the q35 host bridge's PCIEXBAR, another
   * domain's sits where firmware put it (ACPI's MCFG table on a PC).
   */
  setEcam(enabled: boolean, base: number, size: number, domain = 0): void {
    const segment = this.segment(domain);
    if (segment.ecam !== null) this.memory.unmap(segment.ecam);
    segment.ecam = null;
    if (!enabled) return;
    segment.ecam = new Region(
      domain === 0 ? 'pcie-mmcfg' : `pcie-mmcfg-${domain.toString(16).padStart(4, '0')}`,
      size,
      {
        read: (o, s) => {
          const fn = this.route(o >>> 20, (o >>> 12) & 0xff, domain);
          return fn === null ? allOnes(s) : this.guestRead(fn, o & 0xfff, s, fn.config.size);
        },
        write: (o, s, v) => {
          const fn = this.route(o >>> 20, (o >>> 12) & 0xff, domain);
          if (fn !== null) this.guestWrite(fn, o & 0xfff, s, v, fn.config.size);
        },
      },
      SIZES_1_2_4,
    );
    this.memory.map(segment.ecam, base);
  }

  /** Where `domain`'s ECAM window is mapped, or null. */
  ecamWindow(domain = 0): { base: number; size: number } | null {
    const ecam = this.segments.get(domain)?.ecam ?? null;
    return ecam === null ? null : { base: ecam.base, size: ecam.size };
  }

  /**
   * What an unclaimed memory address would have been to a device's MSI-X: its table
   * or PBA at the address the BAR holds while the BAR does not decode, or an entry
   * past the table's end. bdf << 16 | UnclaimedKind, or -1. Only unclaimed accesses
   * come here, so walking the functions costs the hot paths nothing.
   */
  private msixStructureAt(addr: number): number {
    for (const fn of this.byAddress.values()) {
      const msix = fn.msix;
      if (msix === null) continue;
      const { tableBar, tableOffset, pbaBar, pbaOffset } = msix.layout;
      const inside = (barIndex: number, offset: number, bytes: number): boolean => {
        const bar = fn.bars[barIndex];
        if (!bar || bar.type === 'io') return false;
        const base = bar.mappedAt === UNMAPPED ? bar.registerAddress(fn.config) : bar.mappedAt;
        const end = Math.min(offset + bytes, bar.size);
        // An unassigned BAR (0) has no address to know an access meant for it by: at 0+offset is anything else's (RAM's) address.
        return base !== 0 && addr >= base + offset && addr < base + end;
      };
      const decodes = (barIndex: number): boolean => fn.bars[barIndex]?.mappedAt !== UNMAPPED;
      const kind = (code: number): number => fn.bdf * 0x10000 + code;
      if (!decodes(tableBar) && inside(tableBar, tableOffset, tableBytes(msix.vectors))) return kind(UnclaimedKind.TableUndecoded);
      if (!decodes(pbaBar) && inside(pbaBar, pbaOffset, pbaBytes(msix.vectors))) return kind(UnclaimedKind.PbaUndecoded);
      const past = tableOffset + tableBytes(msix.vectors);
      if (decodes(tableBar) && inside(tableBar, past, tableBytes(MSIX_MAX_VECTORS) - tableBytes(msix.vectors))) return kind(UnclaimedKind.BeyondTable);
    }
    return -1;
  }

  /**
   * B3: maps every BAR of `fn` where its Command bits and address say, reporting
   * overlaps. Behind bridges a BAR is reachable only while every bridge above it
   * forwards its whole range; a bridge's change remaps everything behind it.
   */
  remap(fn: PciFunction): void {
    const command = fn.command;
    for (const bar of fn.bars) {
      if (bar === null) continue;
      const io = bar.type === 'io';
      const space = io ? this.io : this.memory;
      let addr = bar.decodeAddress(fn.config, command);
      if (addr !== UNMAPPED && !forwardedToward(fn, addr, bar.size, io)) addr = UNMAPPED;
      if (addr === bar.mappedAt) continue;
      const was = bar.mappedAt;
      if (was !== UNMAPPED) {
        // The state matches each event as it is logged (the state history stops right after any event).
        space.unmap(bar.region);
        bar.mappedAt = UNMAPPED;
        this.log.emit.barMapped(fn.bdf, 0, was, bar.index);
      }
      bar.mappedAt = addr;
      if (addr === UNMAPPED) continue;
      for (const other of space.mapped()) {
        if (other.priority === bar.region.priority && other !== bar.region && addr < other.end && other.base < addr + bar.size) {
          this.log.emit.barOverlap(fn.bdf, addr, bar.index);
        }
      }
      space.map(bar.region, addr);
      this.log.emit.barMapped(fn.bdf, 1, addr, bar.index);
    }
    if (fn instanceof PciBridge) {
      for (const child of fn.secondary.functions) if (child !== null) this.remap(child);
    }
  }
}

function findBelow(bus: PciBus, number: number): PciBus | null {
  if (bus.number === number) return bus;
  for (const bridge of bus.bridges) if (bridge.leadsTo(number)) return findBelow(bridge.secondary, number);
  return null;
}

/** Whether every bridge above `fn` forwards [addr, addr + size) to it. */
function forwardedToward(fn: PciFunction, addr: number, size: number, io: boolean): boolean {
  for (let up = fn.upstream; up !== null; up = up.upstream) {
    if (!(up as PciBridge).forwards(addr, size, io)) return false;
  }
  return true;
}
