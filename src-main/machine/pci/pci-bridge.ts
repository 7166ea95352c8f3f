// A PCI-to-PCI bridge (a PCI Express root port or a conventional bridge): a function
// with a type 1 header and a secondary bus. Its bus numbers decide which config
// cycles reach the bus behind it, its I/O, memory and prefetchable windows decide
// which accesses do, as in QEMU's hw/pci/pci_bridge.c.
import { PciFunction } from './pci-function';
import type { InterruptSink } from '../irq/interrupt-sink';
import { PciBus } from './pci-bus';
import type { EventLog } from '../event-log';
import { COMMAND, TYPE1_HEADER, fillByteMasks } from '../../../src-shared/registers/layout';

export const SECONDARY_BUS = 0x19;
export const SUBORDINATE_BUS = 0x1a;
const IO_BASE = 0x1c;
const IO_LIMIT = 0x1d;
const MEMORY_BASE = 0x20;
const MEMORY_LIMIT = 0x22;
const PREF_BASE = 0x24;
const PREF_LIMIT = 0x26;
const PREF_BASE_UPPER = 0x28;
const PREF_LIMIT_UPPER = 0x2c;
const IO_BASE_UPPER = 0x30;
const IO_LIMIT_UPPER = 0x32;
const BRIDGE_CONTROL = 0x3e;
/** The low nibble of an I/O or prefetchable base/limit register: 1 = 32-bit I/O / 64-bit memory. */
const WIDE = 1;
const FOUR_GIB = 0x100000000;

export class PciBridge extends PciFunction {
  /** The bus behind the bridge. */
  readonly secondary: PciBus;

  constructor(bdf: number, name: string, log: EventLog, platform: InterruptSink, configSize: 256 | 4096, domain = 0) {
    super(bdf, name, log, platform, configSize, domain);
    const c = this.config;
    c.writable.fill(0, 0x10, 0x40);
    c.w1c.fill(0, 0x10, 0x40);
    fillByteMasks(TYPE1_HEADER, 0, c.writable, c.w1c);
    // B3: as for an endpoint, a BAR slot is hardwired zero until addBar sizes it.
    c.writable.fill(0, 0x10, 0x18);
    c.set(0x0e, 1, 1);
    // QEMU's bridges: 16-bit I/O decode, 64-bit prefetchable memory.
    c.set(PREF_BASE, 1, WIDE);
    c.set(PREF_LIMIT, 1, WIDE);
    this.secondary = new PciBus(this);
  }

  get secondaryBus(): number {
    return this.config.bytes[SECONDARY_BUS]!;
  }

  get subordinateBus(): number {
    return this.config.bytes[SUBORDINATE_BUS]!;
  }

  /** Config cycles for bus `bus` go through this bridge (pci_find_bus_nr's range test). */
  leadsTo(bus: number): boolean {
    return this.secondaryBus <= bus && bus <= this.subordinateBus;
  }

  /** Whether an access of `size` bytes at `addr` is forwarded to the secondary bus. */
  forwards(addr: number, size: number, io: boolean): boolean {
    const command = this.command;
    const last = addr + size - 1;
    if (io) return (command & COMMAND.IO_SPACE) !== 0 && addr >= this.ioBase && last <= this.ioLimit;
    if ((command & COMMAND.MEMORY_SPACE) === 0) return false;
    return (addr >= this.memoryBase && last <= this.memoryLimit) || (addr >= this.prefetchableBase && last <= this.prefetchableLimit);
  }

  get ioBase(): number {
    const b = this.config.bytes;
    const upper = (b[IO_BASE]! & 0xf) === WIDE ? this.config.get16(IO_BASE_UPPER) * 0x10000 : 0;
    return upper + ((b[IO_BASE]! & 0xf0) << 8);
  }

  get ioLimit(): number {
    const b = this.config.bytes;
    const upper = (b[IO_LIMIT]! & 0xf) === WIDE ? this.config.get16(IO_LIMIT_UPPER) * 0x10000 : 0;
    return upper + ((b[IO_LIMIT]! & 0xf0) << 8) + 0xfff;
  }

  get memoryBase(): number {
    return (this.config.get16(MEMORY_BASE) & 0xfff0) * 0x10000;
  }

  get memoryLimit(): number {
    return (this.config.get16(MEMORY_LIMIT) & 0xfff0) * 0x10000 + 0xfffff;
  }

  get prefetchableBase(): number {
    return this.prefUpper(PREF_BASE, PREF_BASE_UPPER) + (this.config.get16(PREF_BASE) & 0xfff0) * 0x10000;
  }

  get prefetchableLimit(): number {
    return this.prefUpper(PREF_LIMIT, PREF_LIMIT_UPPER) + (this.config.get16(PREF_LIMIT) & 0xfff0) * 0x10000 + 0xfffff;
  }

  private prefUpper(low: number, upper: number): number {
    return (this.config.bytes[low]! & 0xf) === WIDE ? this.config.read(upper, 4) * FOUR_GIB : 0;
  }

  /** BARs, bus numbers, windows and their upper halves all change what the bridge decodes. */
  protected override touchesDecoding(offset: number, size: number): boolean {
    return offset < 0x34 && offset + size > 0x10;
  }

  /** pci_bridge_reset: bus numbers, windows and Bridge Control cleared, the window types kept. */
  override reset(): void {
    super.reset();
    const c = this.config;
    c.set(0x18, 4, 0);
    c.set(IO_BASE, 1, c.bytes[IO_BASE]! & 0xf);
    c.set(IO_LIMIT, 1, c.bytes[IO_LIMIT]! & 0xf);
    c.set(MEMORY_BASE, 4, 0);
    c.set(PREF_BASE, 2, c.bytes[PREF_BASE]! & 0xf);
    c.set(PREF_LIMIT, 2, c.bytes[PREF_LIMIT]! & 0xf);
    c.set(PREF_BASE_UPPER, 4, 0);
    c.set(PREF_LIMIT_UPPER, 4, 0);
    c.set(BRIDGE_CONTROL, 2, 0);
  }
}
