// The standard capability list in config space (rule I4): placing, linking and
// unlinking capabilities, and finding them again.
import type { ConfigSpace } from './config-space';
import { STATUS } from '../../../src-shared/registers/layout';

export const CAPABILITY_POINTER = 0x34;
const HEADER_SIZE = 0x40;
const STATUS_OFFSET = 0x06;

export type CapResult = { ok: true; offset: number } | { ok: false; error: string };

export class CapabilityList {
  /** For each byte, the offset of the capability holding it; -1 free, 0 the header. */
  private readonly owner: Int16Array;

  constructor(private readonly config: ConfigSpace) {
    this.owner = new Int16Array(config.size).fill(-1);
    this.owner.fill(0, 0, HEADER_SIZE);
  }

  /** Places a capability at `offset`, or at the first free dword-aligned place when offset is 0. */
  add(id: number, offset: number, length: number): CapResult {
    const span = (length + 3) & ~3;
    if (offset === 0) {
      const found = this.findSpace(span);
      if (found < 0) return { ok: false, error: `no room for a ${length}-byte capability in config space` };
      offset = found;
    } else {
      if ((offset & 3) !== 0) return { ok: false, error: `capability offset 0x${hex(offset)} is not dword aligned` };
      if (offset < HEADER_SIZE || offset + length > 0x100) {
        return { ok: false, error: `capability offset 0x${hex(offset)} is outside 0x40..0xff` };
      }
      for (let i = offset; i < offset + length; i++) {
        const other = this.owner[i]!;
        if (other >= 0) {
          return {
            ok: false,
            error: `capability 0x${hex(id)} at offset 0x${hex(offset)} overlaps existing capability 0x${hex(this.config.bytes[other] ?? 0)} at offset 0x${hex(other)}`,
          };
        }
      }
    }
    const bytes = this.config.bytes;
    bytes[offset] = id;
    bytes[offset + 1] = bytes[CAPABILITY_POINTER]!;
    bytes[CAPABILITY_POINTER] = offset;
    bytes[STATUS_OFFSET] = bytes[STATUS_OFFSET]! | STATUS.CAP_LIST;
    this.owner.fill(offset, offset, offset + span);
    this.config.writable.fill(0, offset, offset + length);
    this.config.w1c.fill(0, offset, offset + length);
    return { ok: true, offset };
  }

  /** Unlinks the capability at `offset` and clears its bytes. */
  remove(offset: number, length: number): void {
    const bytes = this.config.bytes;
    let prev = CAPABILITY_POINTER;
    for (let guard = 0, at = bytes[CAPABILITY_POINTER]!; at !== 0 && guard < 48; guard++) {
      if (at === offset) {
        bytes[prev] = bytes[at + 1]!;
        break;
      }
      prev = at + 1;
      at = bytes[at + 1]!;
    }
    bytes.fill(0, offset, offset + length);
    this.config.writable.fill(0, offset, offset + length);
    this.owner.fill(-1, offset, offset + ((length + 3) & ~3));
    if (bytes[CAPABILITY_POINTER] === 0) bytes[STATUS_OFFSET] = bytes[STATUS_OFFSET]! & ~STATUS.CAP_LIST;
  }

  /** Marks the capabilities already present in raw bytes (imported config) as used. */
  adoptExisting(lengthOf: (id: number) => number): void {
    const bytes = this.config.bytes;
    const seen = new Set<number>();
    for (let at = bytes[CAPABILITY_POINTER]! & ~3; at >= HEADER_SIZE && !seen.has(at); at = bytes[at + 1]! & ~3) {
      seen.add(at);
      this.owner.fill(at, at, Math.min(0x100, at + ((lengthOf(bytes[at]!) + 3) & ~3)));
    }
  }

  /** Offset of the first capability with this ID, 0 when absent (a pointer loop ends the walk). */
  find(id: number): number {
    const bytes = this.config.bytes;
    const seen = new Set<number>();
    for (let at = bytes[CAPABILITY_POINTER]! & ~3; at >= HEADER_SIZE && !seen.has(at); at = bytes[at + 1]! & ~3) {
      if (bytes[at] === id) return at;
      seen.add(at);
    }
    return 0;
  }

  private findSpace(span: number): number {
    for (let offset = HEADER_SIZE; offset + span <= 0x100; offset += 4) {
      let free = true;
      for (let i = offset; i < offset + span; i++) if (this.owner[i]! >= 0) free = false;
      if (free) return offset;
    }
    return -1;
  }
}

function hex(n: number): string {
  return n.toString(16);
}
