// A Base Address Register: its type, size, writable bits and the address it decodes at.
import { Region } from '../address-space';
import type { ConfigSpace } from './config-space';

export type BarType = 'mem32' | 'mem64' | 'io';

/** Returned for a BAR that decodes nowhere. */
export const UNMAPPED = -1;
const FOUR_GIB = 0x100000000;

export class Bar {
  readonly region: Region;
  readonly configOffset: number;
  /** Where the region is mapped now, or UNMAPPED. */
  mappedAt = UNMAPPED;

  constructor(
    readonly index: number,
    readonly type: BarType,
    readonly size: number,
    readonly prefetchable: boolean,
    bdf: number,
  ) {
    this.configOffset = 0x10 + 4 * index;
    this.region = new Region(`bar${index}`, size, null, 0, bdf, 1);
  }

  /** The read-only type bits of the low dword. */
  get typeBits(): number {
    if (this.type === 'io') return 1;
    return (this.type === 'mem64' ? 0b100 : 0) | (this.prefetchable ? 0b1000 : 0);
  }

  /** Installs the type bits and the per-byte write masks that make BAR sizing work (B3). */
  install(config: ConfigSpace): void {
    const low = this.type === 'io' ? ~(this.size - 1) & ~3 : ~(Math.min(this.size, FOUR_GIB) - 1) & ~0xf;
    config.set(this.configOffset, 4, this.typeBits);
    setMask(config, this.configOffset, this.size >= FOUR_GIB ? 0 : low);
    if (this.type === 'mem64') {
      const high = this.size > FOUR_GIB ? ~(this.size / FOUR_GIB - 1) : 0xffffffff;
      config.set(this.configOffset + 4, 4, 0);
      setMask(config, this.configOffset + 4, high);
    }
  }

  /** Clears the address, keeping the type bits (reset). */
  clear(config: ConfigSpace): void {
    config.set(this.configOffset, 4, this.typeBits);
    if (this.type === 'mem64') config.set(this.configOffset + 4, 4, 0);
  }

  /** The address the BAR's registers hold, whether or not it decodes there. */
  registerAddress(config: ConfigSpace): number {
    const low = config.read(this.configOffset, 4);
    let addr = this.type === 'io' ? (low & ~3) >>> 0 : (low & ~0xf) >>> 0;
    if (this.type === 'mem64') addr += config.read(this.configOffset + 4, 4) * FOUR_GIB;
    return addr - (addr % this.size);
  }

  /** The address the BAR decodes at for this Command value, as QEMU's pci_bar_address judges it. */
  decodeAddress(config: ConfigSpace, command: number): number {
    const enabled = this.type === 'io' ? (command & 1) !== 0 : (command & 2) !== 0;
    if (!enabled) return UNMAPPED;
    const addr = this.registerAddress(config);
    const last = addr + this.size - 1;
    if (addr === 0 || last <= addr) return UNMAPPED;
    if (this.type !== 'mem64' && last >= 0xffffffff) return UNMAPPED;
    if (this.type === 'io' && last > 0xffff) return UNMAPPED;
    if (last > Number.MAX_SAFE_INTEGER) return UNMAPPED;
    return addr;
  }
}

function setMask(config: ConfigSpace, offset: number, mask: number): void {
  for (let i = 0; i < 4; i++) config.writable[offset + i] = (mask >>> (8 * i)) & 0xff;
}
