// QEMU q35's host bridge (the MCH, 8086:29c0) at 00:00.0, with the register that
// places the ECAM window: PCIEXBAR at 0x60. Reset values are QEMU 7.2's, read
// from a real `-machine q35` through qtest; the window starts disabled at
// 0xB0000000, as QEMU leaves it before firmware runs.
import { PciFunction } from './pci-function';
import type { InterruptSink } from '../irq/interrupt-sink';
import type { PciHost } from './pci-host';
import type { EventLog } from '../event-log';

export const Q35_HOST_BRIDGE_BDF = 0x0000;
export const PCIEXBAR = 0x60;
export const PCIEXBAR_DEFAULT = 0xb0000000;
const PCIEXBAR_ENABLE = 1;
/** Length field (bits 2:1): 256, 128 or 64 MiB; 3 is reserved (QEMU aborts; here the window stays off). */
const ECAM_SIZES = [0x10000000, 0x8000000, 0x4000000, 0];

/** QEMU's reset values outside the header: GGC (0x50), SMRAM (0x9d), ESMRAMC (0x9e). */
const RESET_BYTES: [number, number][] = [
  [0x50, 0x10],
  [0x9d, 0x02],
  [0x9e, 0x38],
];

export class Q35HostBridge extends PciFunction {
  constructor(
    log: EventLog,
    platform: InterruptSink,
    private readonly host: PciHost,
  ) {
    super(Q35_HOST_BRIDGE_BDF, 'q35-host', log, platform, 256);
    const c = this.config;
    c.set(0x00, 2, 0x8086);
    c.set(0x02, 2, 0x29c0);
    c.set(0x0a, 2, 0x0600);
    c.set(0x2c, 2, 0x1af4);
    c.set(0x2e, 2, 0x1100);
    c.set(0x3d, 1, 0);
    // QEMU leaves every byte past the header writable unless a capability claims it;
    // the MCH keeps GGC's high byte and the SMRAM pair (whose locking is not modelled) read-only.
    c.writable.fill(0xff, 0x40, 0x100);
    c.writable[0x51] = 0;
    c.writable[0x9c] = 0x01;
    c.writable[0x9d] = 0;
    c.writable[0x9e] = 0;
    this.resetChipset();
  }

  private resetChipset(): void {
    const c = this.config;
    c.bytes.fill(0, 0x40, 0x100);
    for (const [offset, value] of RESET_BYTES) c.set(offset, 1, value);
    c.set(PCIEXBAR, 4, PCIEXBAR_DEFAULT);
    this.updateEcam();
  }

  override configWrite(offset: number, size: number, value: number): boolean {
    const changed = super.configWrite(offset, size, value);
    if (offset < PCIEXBAR + 8 && offset + size > PCIEXBAR) this.updateEcam();
    return changed;
  }

  override syncDerivedState(): void {
    super.syncDerivedState();
    this.updateEcam();
  }

  override reset(): void {
    super.reset();
    this.resetChipset();
  }

  /** mch_update_pciexbar: the base is bits 35:26 of the register, aligned to the window's own size. */
  private updateEcam(): void {
    const low = this.config.read(PCIEXBAR, 4);
    const size = ECAM_SIZES[(low >>> 1) & 3]!;
    const value = (this.config.read(PCIEXBAR + 4, 4) % 16) * 0x100000000 + low;
    this.host.setEcam((low & PCIEXBAR_ENABLE) !== 0 && size > 0, size > 0 ? value - (value % size) : 0, size);
  }
}
