// A flat address space (memory or port I/O) of regions with priorities. Regions may
// hold subregions; an address inside a container that no subregion claims is a hole
// (rule A3). Accesses are split into naturally aligned pieces no larger than the
// alignment of their address (rule T1), each checked against the sizes the region accepts.
import type { EventLog } from './event-log';
import { ACCESS_IO, ACCESS_WRITE, UnclaimedKind } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';

export type AccessSize = 1 | 2 | 4;

export interface RegionHandler {
  /** `access` is the size of the guest's whole access this piece belongs to (8 for half of an 8-byte access). */
  read(offset: number, size: AccessSize, access?: number): number;
  write(offset: number, size: AccessSize, value: number, access?: number): void;
}

/** Bit n set = pieces of n bytes accepted. */
export const SIZES_1_2_4 = (1 << 1) | (1 << 2) | (1 << 4);
export const SIZES_4 = 1 << 4;

export const NO_DEVICE = 0xffff;

/** Sees a whole access: a write before it runs, a read after, with the value read (low 32 bits). */
export type AccessWatch = (addr: number, size: number, value: number, write: boolean) => void;

/**
 * Says what an unclaimed address would have been (see UnclaimedKind): the owning
 * device's bdf << 16 | the kind, or -1 when it is nothing in particular.
 */
export type UnclaimedProbe = (addr: number) => number;

export class Region {
  base = 0;
  end = 0;
  readonly subregions: Region[] = [];

  constructor(
    readonly name: string,
    readonly size: number,
    /** null: a container, claiming only what its subregions claim. */
    readonly handler: RegionHandler | null,
    readonly sizes: number = SIZES_1_2_4,
    /** The device that owns the region, for event attribution. */
    readonly bdf: number = NO_DEVICE,
    readonly priority = 0,
  ) {}

  /** Subregions are placed at an offset relative to their container. */
  addSubregion(region: Region, offset: number): void {
    region.base = offset;
    region.end = offset + region.size;
    this.subregions.push(region);
  }

  removeSubregion(region: Region): void {
    const i = this.subregions.indexOf(region);
    if (i >= 0) this.subregions.splice(i, 1);
  }
}

/** Result of routing one piece: which leaf region and the offset within it. */
interface Route {
  region: Region | null;
  offset: number;
}

export const AccessStatus = { Ok: 0, Refused: 1, Unclaimed: 2 } as const;
export type AccessStatus = (typeof AccessStatus)[keyof typeof AccessStatus];

export class AddressSpace {
  /** Top-level mapped regions, highest priority first. */
  private regions: Region[] = [];
  private readonly route: Route = { region: null, offset: 0 };
  /** The high 32 bits of the last 8-byte read. */
  readHigh = 0;
  /** Status of the worst piece of the last access. */
  lastStatus: AccessStatus = AccessStatus.Ok;
  /** The debugger's access breakpoints; null (no access breakpoint) keeps accesses bare. */
  watch: AccessWatch | null = null;
  /** Names what an unclaimed access missed (the PCI bus sets it on the memory space); null: nothing is named. */
  unclaimedProbe: UnclaimedProbe | null = null;

  constructor(
    readonly name: string,
    private readonly log: EventLog,
    private readonly isIo: boolean,
  ) {}

  map(region: Region, base: number): void {
    this.unmap(region);
    region.base = base;
    region.end = base + region.size;
    this.regions.push(region);
    this.regions.sort((x, y) => y.priority - x.priority);
  }

  unmap(region: Region): void {
    const i = this.regions.indexOf(region);
    if (i >= 0) this.regions.splice(i, 1);
  }

  isMapped(region: Region): boolean {
    return this.regions.includes(region);
  }

  mapped(): readonly Region[] {
    return this.regions;
  }

  /** The top-level region holding `addr`, or null. */
  find(addr: number): Region | null {
    const regions = this.regions;
    for (let i = 0; i < regions.length; i++) {
      const r = regions[i]!;
      if (addr >= r.base && addr < r.end) return r;
    }
    return null;
  }

  /** Resolves an address to its leaf region (descending into containers). */
  resolve(addr: number): Route {
    const out = this.route;
    let region = this.find(addr);
    let offset = region === null ? 0 : addr - region.base;
    while (region !== null && region.handler === null) {
      let child: Region | null = null;
      for (const sub of region.subregions) {
        if (offset >= sub.base && offset < sub.end) {
          child = sub;
          break;
        }
      }
      if (child !== null) offset -= child.base;
      region = child;
    }
    out.region = region;
    out.offset = offset;
    return out;
  }

  read(addr: number, size: number): number {
    this.lastStatus = AccessStatus.Ok;
    this.readHigh = 0;
    if ((size === 4 || size === 2 || size === 1) && (addr & (size - 1)) === 0) {
      const value = this.readPiece(addr, size, size);
      if (this.watch !== null) this.watch(addr, size, value, false);
      return value;
    }
    let lo = 0;
    let hi = 0;
    for (let done = 0; done < size; ) {
      const piece = pieceSize(addr + done, size - done);
      const v = this.readPiece(addr + done, piece, size);
      for (let k = 0; k < piece; k++) {
        const byte = (v >>> (8 * k)) & 0xff;
        const at = done + k;
        if (at < 4) lo |= byte << (8 * at);
        else hi |= byte << (8 * (at - 4));
      }
      done += piece;
    }
    this.readHigh = hi >>> 0;
    if (this.watch !== null) this.watch(addr, size, lo >>> 0, false);
    return lo >>> 0;
  }

  /** `high` carries bytes 4..7 of an 8-byte write. */
  write(addr: number, size: number, value: number, high = 0): void {
    this.lastStatus = AccessStatus.Ok;
    if (this.watch !== null) this.watch(addr, size, value, true);
    if ((size === 4 || size === 2 || size === 1) && (addr & (size - 1)) === 0) {
      this.writePiece(addr, size, value, size);
      return;
    }
    for (let done = 0; done < size; ) {
      const piece = pieceSize(addr + done, size - done);
      let v = 0;
      for (let k = 0; k < piece; k++) {
        const at = done + k;
        const byte = at < 4 ? (value >>> (8 * at)) & 0xff : (high >>> (8 * (at - 4))) & 0xff;
        v |= byte << (8 * k);
      }
      this.writePiece(addr + done, piece, v >>> 0, size);
      done += piece;
    }
  }

  /**
   * What a write of `size` bytes at `addr` would reach, without doing it: Ok when some
   * piece is taken, Refused when pieces are claimed but every one is refused, else
   * Unclaimed (a hole, even inside a mapped container).
   */
  classify(addr: number, size: number): AccessStatus {
    let claimed = false;
    for (let done = 0; done < size; ) {
      const piece = pieceSize(addr + done, size - done);
      const { region } = this.resolve(addr + done);
      if (region !== null) {
        if ((region.sizes & (1 << piece)) !== 0) return AccessStatus.Ok;
        claimed = true;
      }
      done += piece;
    }
    return claimed ? AccessStatus.Refused : AccessStatus.Unclaimed;
  }

  /**
   * A buffer read as QEMU's address_space_read does it: split into the largest naturally
   * aligned pieces (at most 4 bytes), so a region that takes only 4-byte accesses (the
   * MSI-X table) still answers; a refused or unclaimed piece reads as zeros.
   */
  readBytes(addr: number, out: Uint8Array): void {
    for (let done = 0; done < out.length; ) {
      const piece = pieceSize(addr + done, out.length - done);
      const v = this.read(addr + done, piece);
      for (let k = 0; k < piece; k++) out[done + k] = (v >>> (8 * k)) & 0xff;
      done += piece;
    }
  }

  /** A buffer written as QEMU's address_space_write does it, in the pieces readBytes uses. */
  writeBytes(addr: number, data: Uint8Array): void {
    for (let done = 0; done < data.length; ) {
      const piece = pieceSize(addr + done, data.length - done);
      let v = 0;
      for (let k = 0; k < piece; k++) v |= data[done + k]! << (8 * k);
      this.write(addr + done, piece, v >>> 0);
      done += piece;
    }
  }

  private readPiece(addr: number, size: AccessSize, access: number): number {
    const { region, offset } = this.resolve(addr);
    if (region === null) {
      this.reportUnclaimed(addr, size, 0, false);
      // On a PC an I/O port nobody decodes floats high; unclaimed memory reads 0 in QEMU.
      return this.isIo ? (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1) : 0;
    }
    if ((region.sizes & (1 << size)) === 0) {
      this.reportRefused(addr, size, 0, false, region.bdf);
      return 0;
    }
    return region.handler!.read(offset, size, access);
  }

  private writePiece(addr: number, size: AccessSize, value: number, access: number): void {
    const { region, offset } = this.resolve(addr);
    if (region === null) {
      this.reportUnclaimed(addr, size, value, true);
      return;
    }
    if ((region.sizes & (1 << size)) === 0) {
      this.reportRefused(addr, size, value, true, region.bdf);
      return;
    }
    region.handler!.write(offset, size, value, access);
  }

  /** Attributed to the BAR whose hole it hit, or to the device the probe names (vector column: the UnclaimedKind). */
  private reportUnclaimed(addr: number, size: number, value: number, write: boolean): void {
    const top = this.find(addr);
    const named = this.unclaimedProbe === null ? -1 : this.unclaimedProbe(addr);
    const bdf = named >= 0 ? named >>> 16 : top === null ? NO_DEVICE : top.bdf;
    this.lastStatus = AccessStatus.Unclaimed;
    this.log.emit.accessUnclaimed(bdf, this.accessFlags(size, write), named >= 0 ? named & 0xffff : UnclaimedKind.Nothing, addr, value);
  }

  private reportRefused(addr: number, size: number, value: number, write: boolean, bdf: number): void {
    this.lastStatus = AccessStatus.Refused;
    this.log.emit.accessRefused(bdf, this.accessFlags(size, write), addr, value);
  }

  private accessFlags(size: number, write: boolean): number {
    return size | (write ? ACCESS_WRITE : 0) | (this.isIo ? ACCESS_IO : 0);
  }
}

/** Largest naturally aligned piece (at most 4 bytes) that starts at addr and fits in remaining. */
export function pieceSize(addr: number, remaining: number): AccessSize {
  let s = 4;
  while (s > remaining || (addr & (s - 1)) !== 0) s >>= 1;
  return s as AccessSize;
}
