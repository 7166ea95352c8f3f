// PCI bus 0: up to 32 devices x 8 functions, configuration access through the
// 0xCF8/0xCFC port pair or directly by (bdf, offset, size), and BAR mapping into
// the memory and I/O address spaces.
import { Region, SIZES_1_2_4, SIZES_4, type AddressSpace } from '../address-space';
import type { EventLog } from '../event-log';
import type { PciFunction } from './pci-function';
import { UNMAPPED } from './bar';
import { pbaBytes, tableBytes } from '../msix/msix-engine';
import { EventKind, UnclaimedKind } from '../../../src-shared/timeline/event-kinds';
import { MSIX_MAX_VECTORS } from '../../../src-shared/registers/layout';

export const CONFIG_ADDRESS_PORT = 0xcf8;
export const CONFIG_DATA_PORT = 0xcfc;

import { formatBdf } from '../../../src-shared/pci-text/bdf';

export { formatBdf, parseBdf } from '../../../src-shared/pci-text/bdf';

export class PciBus {
  /** Indexed by devfn (device << 3 | function). */
  readonly functions: (PciFunction | null)[] = new Array<PciFunction | null>(256).fill(null);
  private configAddress = 0;

  constructor(
    private readonly memory: AddressSpace,
    private readonly io: AddressSpace,
    private readonly log: EventLog,
  ) {
    memory.unclaimedProbe = (addr) => this.msixStructureAt(addr);
    io.map(
      new Region('pci-config-address', 4, { read: () => this.configAddress, write: (_o, _s, v) => (this.configAddress = v >>> 0) }, SIZES_4),
      CONFIG_ADDRESS_PORT,
    );
    io.map(
      new Region('pci-config-data', 4, { read: (o, s) => this.dataRead(o, s), write: (o, s, v) => this.dataWrite(o, s, v) }, SIZES_1_2_4),
      CONFIG_DATA_PORT,
    );
  }

  attach(fn: PciFunction): void {
    if ((fn.bdf >>> 8) !== 0) throw new RangeError(`only bus 0 exists: ${formatBdf(fn.bdf)}`);
    if (this.functions[fn.bdf] !== null) throw new RangeError(`${formatBdf(fn.bdf)} is taken`);
    this.functions[fn.bdf] = fn;
    this.remap(fn);
  }

  get(bdf: number): PciFunction | null {
    return bdf >= 0 && bdf < 256 ? this.functions[bdf]! : null;
  }

  list(): PciFunction[] {
    return this.functions.filter((f): f is PciFunction => f !== null);
  }

  /** A3: an absent function reads all ones. */
  configRead(bdf: number, offset: number, size: number): number {
    const fn = this.get(bdf);
    if (fn === null) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    return fn.configRead(offset, size);
  }

  configWrite(bdf: number, offset: number, size: number, value: number): void {
    const fn = this.get(bdf);
    if (fn === null) return;
    if (fn.configWrite(offset, size, value)) this.remap(fn);
  }

  /** The function selected by 0xCF8, or -1 when disabled or off bus 0. */
  private selectedBdf(): number {
    const a = this.configAddress;
    if ((a & 0x80000000) === 0 || ((a >>> 16) & 0xff) !== 0) return -1;
    return (a >>> 8) & 0xff;
  }

  private dataRead(offset: number, size: number): number {
    const bdf = this.selectedBdf();
    if (bdf < 0) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    return this.configRead(bdf, (this.configAddress & 0xfc) + offset, size);
  }

  private dataWrite(offset: number, size: number, value: number): void {
    const bdf = this.selectedBdf();
    if (bdf >= 0) this.configWrite(bdf, (this.configAddress & 0xfc) + offset, size, value);
  }

  /**
   * What an unclaimed memory address would have been to a device's MSI-X: its table
   * or PBA at the address the BAR holds while the BAR does not decode, or an entry
   * past the table's end. bdf << 16 | UnclaimedKind, or -1. Only unclaimed accesses
   * come here, so walking the functions costs the hot paths nothing.
   */
  private msixStructureAt(addr: number): number {
    for (const fn of this.list()) {
      const msix = fn.msix;
      if (msix === null) continue;
      const { tableBar, tableOffset, pbaBar, pbaOffset } = msix.layout;
      const inside = (barIndex: number, offset: number, bytes: number): boolean => {
        const bar = fn.bars[barIndex];
        if (!bar || bar.type === 'io') return false;
        const base = bar.mappedAt === UNMAPPED ? bar.registerAddress(fn.config) : bar.mappedAt;
        const end = Math.min(offset + bytes, bar.size);
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

  /** B3: maps every BAR of `fn` where its Command bits and address say, reporting overlaps. */
  remap(fn: PciFunction): void {
    const command = fn.command;
    for (const bar of fn.bars) {
      if (bar === null) continue;
      const space = bar.type === 'io' ? this.io : this.memory;
      const addr = bar.decodeAddress(fn.config, command);
      if (addr === bar.mappedAt) continue;
      const was = bar.mappedAt;
      if (was !== UNMAPPED) {
        // The state matches each event as it is logged (the state history stops right after any event).
        space.unmap(bar.region);
        bar.mappedAt = UNMAPPED;
        this.log.append(EventKind.BarMapped, 0, fn.bdf, 0, was >>> 0, Math.floor(was / 0x100000000), bar.index);
      }
      bar.mappedAt = addr;
      if (addr === UNMAPPED) continue;
      for (const other of space.mapped()) {
        if (other.priority === bar.region.priority && other !== bar.region && addr < other.end && other.base < addr + bar.size) {
          this.log.append(EventKind.BarOverlap, 0, fn.bdf, 0, addr >>> 0, Math.floor(addr / 0x100000000), bar.index);
        }
      }
      space.map(bar.region, addr);
      this.log.append(EventKind.BarMapped, 1, fn.bdf, 0, addr >>> 0, Math.floor(addr / 0x100000000), bar.index);
    }
  }
}
