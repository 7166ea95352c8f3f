// Guest RAM: a region accepting every access size, stored sparsely in 4 KiB pages
// that exist only once written, so a machine with gigabytes of RAM it never touches
// costs nothing, and saving it costs what was written.
import { Region, SIZES_1_2_4, type AccessSize } from './address-space';

export const RAM_PAGE = 4096;
const PAGE_SHIFT = 12;
const PAGE_MASK = RAM_PAGE - 1;

export class Ram {
  readonly region: Region;
  /** Page p holds bytes p*RAM_PAGE..; absent pages read as zero. The last may be short. */
  private readonly pages: (Uint8Array | undefined)[];

  constructor(readonly size: number) {
    this.pages = new Array<Uint8Array | undefined>(Math.ceil(size / RAM_PAGE));
    this.region = new Region('ram', size, { read: (o, s) => this.read(o, s), write: (o, s, v) => this.write(o, s, v) }, SIZES_1_2_4);
  }

  read(offset: number, size: AccessSize): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | this.byte(offset + i);
    return v >>> 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    for (let i = 0; i < size; i++) this.setByte(offset + i, (value >>> (8 * i)) & 0xff);
  }

  /** A copy of `length` bytes from `offset`. */
  readBytes(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; ) {
      const p = (offset + at) >>> PAGE_SHIFT;
      const within = (offset + at) & PAGE_MASK;
      const n = Math.min(RAM_PAGE - within, length - at);
      const page = this.pages[p];
      if (page !== undefined) out.set(page.subarray(within, within + n), at);
      at += n;
    }
    return out;
  }

  /** The pages written so far, in address order, with their bytes (the live arrays). */
  writtenPages(): [index: number, bytes: Uint8Array][] {
    const out: [number, Uint8Array][] = [];
    this.pages.forEach((page, p) => {
      if (page !== undefined) out.push([p, page]);
    });
    return out;
  }

  /** Fills page p from `bytes` (session restore). */
  setPage(p: number, bytes: Uint8Array): void {
    this.pageFor(p).set(bytes);
  }

  /** How many bytes page p holds: RAM_PAGE, or less for the last page of an odd size. */
  pageLength(p: number): number {
    return Math.min(RAM_PAGE, this.size - p * RAM_PAGE);
  }

  private byte(at: number): number {
    const page = this.pages[at >>> PAGE_SHIFT];
    return page === undefined ? 0 : page[at & PAGE_MASK]!;
  }

  private setByte(at: number, value: number): void {
    const p = at >>> PAGE_SHIFT;
    const page = this.pages[p];
    if (page !== undefined) page[at & PAGE_MASK] = value;
    else if (value !== 0) this.pageFor(p)[at & PAGE_MASK] = value;
  }

  private pageFor(p: number): Uint8Array {
    return (this.pages[p] ??= new Uint8Array(this.pageLength(p)));
  }
}
