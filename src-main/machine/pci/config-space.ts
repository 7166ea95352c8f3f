// A function's configuration space: the bytes, a per-byte writable mask and a
// per-byte write-1-to-clear mask (rule B1). It knows nothing of BARs or the bus.
export type ConfigSize = 1 | 2 | 4;

export class ConfigSpace {
  readonly bytes: Uint8Array;
  readonly writable: Uint8Array;
  readonly w1c: Uint8Array;

  constructor(readonly size: 256 | 4096) {
    this.bytes = new Uint8Array(size);
    this.writable = new Uint8Array(size);
    this.w1c = new Uint8Array(size);
  }

  static isValidAccess(offset: number, size: number, spaceSize: number): boolean {
    return (size === 1 || size === 2 || size === 4) && offset >= 0 && offset + size <= spaceSize && (offset & (size - 1)) === 0;
  }

  read(offset: number, size: ConfigSize): number {
    const b = this.bytes;
    if (size === 1) return b[offset]!;
    if (size === 2) return b[offset]! | (b[offset + 1]! << 8);
    return (b[offset]! | (b[offset + 1]! << 8) | (b[offset + 2]! << 16) | (b[offset + 3]! << 24)) >>> 0;
  }

  /** A guest write: read-only bits keep their value, write-1-to-clear bits clear where 1 is written. */
  write(offset: number, size: ConfigSize, value: number): void {
    for (let i = 0; i < size; i++) {
      const at = offset + i;
      const v = (value >>> (8 * i)) & 0xff;
      const wm = this.writable[at]!;
      const old = this.bytes[at]!;
      this.bytes[at] = ((old & ~wm) | (v & wm)) & ~(v & this.w1c[at]!);
    }
  }

  /** A device-side store that ignores the masks (initialisation, hardware-owned bits). */
  set(offset: number, size: ConfigSize, value: number): void {
    for (let i = 0; i < size; i++) this.bytes[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  get16(offset: number): number {
    return this.read(offset, 2);
  }
}
