// The MSI capability's bytes in config space, where plain MSI keeps all its state (as
// in QEMU): Message Control (Enable, Multiple Message Capable and Enable, 64-bit and
// per-vector-masking flags), the address, the 16-bit data and, with per-vector
// masking, the Mask and Pending dwords, which move with the 64-bit flag (MI1). Its
// write masks come from the register description (msiRegisters), the one lspci's
// decoding and the app's editors use (MI2). The engine's rules read and change it
// through this; nothing here decides when to notify.
import type { CapabilityList } from '../pci/capabilities';
import type { ConfigSpace } from '../pci/config-space';
import { fillByteMasks } from '../../../src-shared/registers/layout';
import { CAP_ID, msiRegisters } from '../../../src-shared/registers/capability-layouts';

export const MSI_CAP_ID = CAP_ID.MSI;
export const MSI_MAX_VECTORS = 32;
const FLAGS = 2;
const ADDRESS_LO = 4;
const ADDRESS_HI = 8;
const ENABLE = 0x0001;
/** Multiple Message Capable (bits 3:1) and Multiple Message Enable (bits 6:4), log2 of a count. */
const QMASK = 0x000e;
const QSIZE = 0x0070;
const FLAG_64BIT = 0x0080;
const FLAG_MASKBIT = 0x0100;

/** MI1: the capability's length for its flags (msi_cap_sizeof). */
export function msiCapLength(is64bit: boolean, perVectorMask: boolean): number {
  if (perVectorMask) return is64bit ? 0x18 : 0x14;
  return is64bit ? 0x0e : 0x0a;
}

export type MsiPlaceResult = { ok: true; offset: number } | { ok: false; error: string };

export class MsiCapability {
  readonly is64bit: boolean;
  readonly perVectorMask: boolean;
  readonly length: number;
  private readonly dataOffset: number;
  private readonly maskOffset: number;
  private readonly pendingOffset: number;

  /** The capability already at `offset` (placed, or in an imported dump): its flags say the shape; MI2's write masks are installed. */
  constructor(
    private readonly config: ConfigSpace,
    readonly offset: number,
  ) {
    const flags = config.get16(offset + FLAGS);
    this.is64bit = (flags & FLAG_64BIT) !== 0;
    this.perVectorMask = (flags & FLAG_MASKBIT) !== 0;
    this.length = msiCapLength(this.is64bit, this.perVectorMask);
    this.dataOffset = offset + (this.is64bit ? 0x0c : 0x08);
    this.maskOffset = offset + (this.is64bit ? 0x10 : 0x0c);
    this.pendingOffset = this.maskOffset + 4;
    fillByteMasks(msiRegisters(flags), offset, config.writable, config.w1c);
  }

  /** MI1: places the capability for `vectors` vectors (a power of two up to 32) and writes its flags. Nothing is written on failure. */
  static place(caps: CapabilityList, config: ConfigSpace, vectors: number, is64bit: boolean, perVectorMask: boolean, at: number): MsiPlaceResult {
    const placed = caps.add(MSI_CAP_ID, at, msiCapLength(is64bit, perVectorMask));
    if (!placed.ok) return placed;
    config.set(placed.offset + FLAGS, 2, (Math.log2(vectors) << 1) | (is64bit ? FLAG_64BIT : 0) | (perVectorMask ? FLAG_MASKBIT : 0));
    return placed;
  }

  get flags(): number {
    return this.config.get16(this.offset + FLAGS);
  }

  /** MS1 */
  get enabled(): boolean {
    return (this.flags & ENABLE) !== 0;
  }

  /** Multiple Message Capable, as a count. */
  get vectorsCapable(): number {
    return 1 << ((this.flags & QMASK) >>> 1);
  }

  /** Multiple Message Enable, as a count (msi_nr_vectors). */
  get vectorsEnabled(): number {
    return 1 << ((this.flags & QSIZE) >>> 4);
  }

  /** MW2: a Multiple Message Enable above Multiple Message Capable is clamped down to it. */
  clampVectorsEnabled(): void {
    const flags = this.flags;
    const capable = (flags & QMASK) >>> 1;
    if ((flags & QSIZE) >>> 4 > capable) this.config.set(this.offset + FLAGS, 2, (flags & ~QSIZE) | (capable << 4));
  }

  get addressLo(): number {
    return this.config.read(this.offset + ADDRESS_LO, 4);
  }

  get addressHi(): number {
    return this.is64bit ? this.config.read(this.offset + ADDRESS_HI, 4) : 0;
  }

  get data(): number {
    return this.config.get16(this.dataOffset);
  }

  /** The Mask Bits dword (0 without per-vector masking). */
  get maskBits(): number {
    return this.perVectorMask ? this.config.read(this.maskOffset, 4) : 0;
  }

  /** The Pending Bits dword (0 without per-vector masking). */
  get pendingBits(): number {
    return this.perVectorMask ? this.config.read(this.pendingOffset, 4) : 0;
  }

  /** Hardware sets and clears Pending Bits; software cannot write them (MI2). Only with per-vector masking. */
  setPendingBits(bits: number): void {
    this.config.set(this.pendingOffset, 4, bits);
  }

  /** Whether a config write of `size` bytes at `offset` touches the capability (MW1). */
  covers(offset: number, size: number): boolean {
    return offset < this.offset + this.length && this.offset < offset + size;
  }

  /** MX1: Enable and Multiple Message Enable cleared, address, data, mask and pending bits zeroed. */
  clear(): void {
    const c = this.config;
    c.set(this.offset + FLAGS, 2, this.flags & ~(QSIZE | ENABLE));
    c.set(this.offset + ADDRESS_LO, 4, 0);
    if (this.is64bit) c.set(this.offset + ADDRESS_HI, 4, 0);
    c.set(this.dataOffset, 2, 0);
    if (this.perVectorMask) {
      c.set(this.maskOffset, 4, 0);
      c.set(this.pendingOffset, 4, 0);
    }
  }

  /** msi_uninit: unlinked from the list, its bytes cleared. */
  remove(caps: CapabilityList): void {
    caps.remove(this.offset, this.length);
  }
}
