// The MSI-X capability's 12 bytes in config space: placed and linked into the list
// (I4), Message Control with the table size and the Enable and Function Mask bits
// (R1), the Table and PBA Offset/BIR registers (R2). Its write masks come from the
// register description (MSIX_CAP_REGISTERS), the one lspci's decoding and the app's
// editors use. The engine reads Enable and Function Mask through it; nothing here
// knows about vectors.
import type { CapabilityList } from '../pci/capabilities';
import type { ConfigSpace } from '../pci/config-space';
import { MSIX_CAP_ID, MSIX_CAP_LENGTH, MSIX_CAP_REGISTERS, MSIX_CONTROL, fillByteMasks, type MsixLayout } from '../../../src-shared/registers/layout';

/** Message Control (cap+2) and its upper byte (cap+3), which holds Enable and Function Mask (C1). */
const CONTROL = 2;
const CONTROL_HIGH = 3;
const TABLE = 4;
const PBA = 8;
const ENABLE_BIT = MSIX_CONTROL.ENABLE >> 8;
const MASKALL_BIT = MSIX_CONTROL.FUNCTION_MASK >> 8;

export type PlaceResult = { ok: true; capability: MsixCapability } | { ok: false; error: string };

export class MsixCapability {
  private constructor(
    private readonly config: ConfigSpace,
    /** Where the capability starts in config space. */
    readonly offset: number,
  ) {}

  /**
   * I4, R1, R2: the capability at `layout.capOffset` (0: the first free place) with
   * Message Control = N-1, Enable and Function Mask clear (I5), and the table's and
   * PBA's BAR and offset. Nothing is written when it cannot be placed.
   */
  static place(caps: CapabilityList, config: ConfigSpace, layout: MsixLayout): PlaceResult {
    const placed = caps.add(MSIX_CAP_ID, layout.capOffset, MSIX_CAP_LENGTH);
    if (!placed.ok) return placed;
    const cap = placed.offset;
    config.set(cap + CONTROL, 2, layout.vectors - 1);
    config.set(cap + TABLE, 4, layout.tableOffset | layout.tableBar);
    config.set(cap + PBA, 4, layout.pbaOffset | layout.pbaBar);
    // R1: Enable and Function Mask are the only writable bits, as the register description says.
    fillByteMasks(MSIX_CAP_REGISTERS, cap, config.writable, config.w1c);
    return { ok: true, capability: new MsixCapability(config, cap) };
  }

  /** Message Control, the whole word. */
  get control(): number {
    return this.config.get16(this.offset + CONTROL);
  }

  /** X5 */
  get enabled(): boolean {
    return (this.config.bytes[this.offset + CONTROL_HIGH]! & ENABLE_BIT) !== 0;
  }

  get functionMask(): boolean {
    return (this.config.bytes[this.offset + CONTROL_HIGH]! & MASKALL_BIT) !== 0;
  }

  /** C1: whether a config write of `size` bytes at `offset` covers the byte holding Enable and Function Mask. */
  covers(offset: number, size: number): boolean {
    const at = this.offset + CONTROL_HIGH;
    return offset <= at && at < offset + size;
  }

  /** X1: Enable and Function Mask cleared (every writable bit of their byte). */
  clearControl(): void {
    const bytes = this.config.bytes;
    const at = this.offset + CONTROL_HIGH;
    bytes[at] = bytes[at]! & ~this.config.writable[at]!;
  }

  /** X2: unlinked from the list, its bytes cleared. */
  remove(caps: CapabilityList): void {
    caps.remove(this.offset, MSIX_CAP_LENGTH);
  }
}
