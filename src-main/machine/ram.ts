// Guest RAM: a byte array behind a region accepting every access size.
import { Region, SIZES_1_2_4, type AccessSize } from './address-space';

export class Ram {
  readonly bytes: Uint8Array;
  readonly region: Region;

  constructor(readonly size: number) {
    this.bytes = new Uint8Array(size);
    this.region = new Region('ram', size, { read: (o, s) => this.read(o, s), write: (o, s, v) => this.write(o, s, v) }, SIZES_1_2_4);
  }

  read(offset: number, size: AccessSize): number {
    const b = this.bytes;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | b[offset + i]!;
    return v >>> 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    for (let i = 0; i < size; i++) this.bytes[offset + i] = (value >>> (8 * i)) & 0xff;
  }
}
