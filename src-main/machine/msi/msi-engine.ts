// Plain MSI: QEMU's hw/pci/msi.c as docs/msi-rules.md states it (rule IDs in
// comments). Everything lives in config space, as in QEMU: Message Control, the
// address (32 or 64 bits), the 16-bit data, and with per-vector masking the Mask
// and Pending dwords. Nothing on the notify path allocates.
import type { CapabilityList } from '../pci/capabilities';
import type { InterruptHost } from '../pci/interrupt-host';
import { MessageOutcome } from '../irq/interrupt-sink';
import { DropReason, FUNCTION_MSI, MaskCause, PendingClearCause } from '../../../src-shared/timeline/event-kinds';
import { fillByteMasks } from '../../../src-shared/registers/layout';
import { msiRegisters } from '../../../src-shared/registers/capability-layouts';

export const MSI_CAP_ID = 0x05;
export const MSI_MAX_VECTORS = 32;
const FLAGS = 2;
const ENABLE = 0x0001;
/** Multiple Message Capable (bits 3:1) and Multiple Message Enable (bits 6:4), log2 of a count. */
const QMASK = 0x000e;
const QSIZE = 0x0070;
const FLAG_64BIT = 0x0080;
const FLAG_MASKBIT = 0x0100;

export interface MsiParams {
  /** 1, 2, 4, 8, 16 or 32 (Multiple Message Capable). */
  vectors: number;
  is64bit: boolean;
  perVectorMask: boolean;
  /** 0: the first free place. */
  capOffset: number;
}

export type MsiInitResult = { ok: true; engine: MsiEngine } | { ok: false; error: string };

/** MI1: the capability's length for its flags (msi_cap_sizeof). */
export function msiCapLength(is64bit: boolean, perVectorMask: boolean): number {
  if (perVectorMask) return is64bit ? 0x18 : 0x14;
  return is64bit ? 0x0e : 0x0a;
}

export class MsiEngine {
  /** Messages that reached an interrupt controller or memory, per vector. */
  readonly delivered = new Float64Array(MSI_MAX_VECTORS);
  private readonly length: number;
  private readonly dataOffset: number;
  private readonly maskOffset: number;
  /** Enable and the mask dword as of the last config write, to log what a write changed. */
  private lastEnabled = false;
  private lastMask = 0;

  private constructor(
    private readonly host: InterruptHost,
    private readonly caps: CapabilityList,
    readonly capOffset: number,
    readonly is64bit: boolean,
    readonly perVectorMask: boolean,
  ) {
    this.length = msiCapLength(is64bit, perVectorMask);
    this.dataOffset = capOffset + (is64bit ? 0x0c : 0x08);
    this.maskOffset = capOffset + (is64bit ? 0x10 : 0x0c);
  }

  /** msi_init: MI1-MI3. Nothing is created on failure. */
  static init(host: InterruptHost, caps: CapabilityList, params: MsiParams): MsiInitResult {
    const { vectors, is64bit, perVectorMask } = params;
    if (!(Number.isInteger(vectors) && vectors >= 1 && vectors <= MSI_MAX_VECTORS && (vectors & (vectors - 1)) === 0)) {
      return { ok: false, error: `invalid number of MSI vectors: ${vectors} (must be 1, 2, 4, 8, 16 or 32)` };
    }
    const placed = caps.add(MSI_CAP_ID, params.capOffset, msiCapLength(is64bit, perVectorMask));
    if (!placed.ok) return { ok: false, error: placed.error };
    host.config.set(placed.offset + FLAGS, 2, (Math.log2(vectors) << 1) | (is64bit ? FLAG_64BIT : 0) | (perVectorMask ? FLAG_MASKBIT : 0));
    return { ok: true, engine: MsiEngine.adopt(host, caps, placed.offset) };
  }

  /**
   * An MSI capability already in config space (an imported dump): its flags say the
   * shape. The write masks (MI2, QEMU's for those flags) come from the capability's
   * register description, the one lspci's decoding and the app's editors use.
   */
  static adopt(host: InterruptHost, caps: CapabilityList, at: number): MsiEngine {
    const c = host.config;
    const flags = c.get16(at + FLAGS);
    const engine = new MsiEngine(host, caps, at, (flags & FLAG_64BIT) !== 0, (flags & FLAG_MASKBIT) !== 0);
    fillByteMasks(msiRegisters(flags), at, c.writable, c.w1c);
    engine.syncFromConfig();
    return engine;
  }

  private get flags(): number {
    return this.host.config.get16(this.capOffset + FLAGS);
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

  get maskBits(): number {
    return this.perVectorMask ? this.host.config.read(this.maskOffset, 4) : 0;
  }

  get pendingBits(): number {
    return this.perVectorMask ? this.host.config.read(this.maskOffset + 4, 4) : 0;
  }

  /** MK1 */
  isMasked(vector: number): boolean {
    return this.perVectorMask && (this.host.config.read(this.maskOffset, 4) & (1 << vector)) !== 0;
  }

  isPending(vector: number): boolean {
    return (this.pendingBits & (1 << vector)) !== 0;
  }

  get addressLo(): number {
    return this.host.config.read(this.capOffset + 4, 4);
  }

  get addressHi(): number {
    return this.is64bit ? this.host.config.read(this.capOffset + 8, 4) : 0;
  }

  /** MG1: the data for `vector`: with N > 1 vectors enabled its low log2(N) bits are the vector number. */
  dataFor(vector: number): number {
    const n = this.vectorsEnabled;
    const data = this.host.config.get16(this.dataOffset);
    return n > 1 ? (data & ~(n - 1)) | vector : data;
  }

  /** msi_notify: MN1-MN3. The hot path. */
  notify(vector: number): void {
    const bdf = this.host.bdf;
    if (!(vector >= 0 && vector < this.vectorsEnabled)) {
      this.host.log.emit.notifyDropped(bdf, vector & 0xffff, DropReason.VectorOutOfRange, 0, 0);
      return;
    }
    if (this.isMasked(vector)) {
      const at = this.maskOffset + 4;
      const pending = this.host.config.read(at, 4);
      this.host.config.set(at, 4, pending | (1 << vector));
      this.host.log.emit.notifyPended(bdf, vector, (pending & (1 << vector)) === 0 ? 1 : 0);
      return;
    }
    this.delivered[vector] = this.delivered[vector]! + 1;
    if (this.host.sink.deliver(bdf, vector, this.addressLo, this.addressHi, this.dataFor(vector)) === MessageOutcome.Dropped) this.delivered[vector] = this.delivered[vector]! - 1;
  }

  /** msi_write_config: MW1-MW4. Called after config space stored a write. */
  writeConfig(offset: number, size: number): void {
    if (!(offset < this.capOffset + this.length && this.capOffset < offset + size)) return;
    this.logChanges();
    if (!this.enabled) return;
    this.host.deassertIntx();
    const c = this.host.config;
    const flags = this.flags;
    const capable = (flags & QMASK) >>> 1;
    if ((flags & QSIZE) >>> 4 > capable) c.set(this.capOffset + FLAGS, 2, (flags & ~QSIZE) | (capable << 4));
    if (!this.perVectorMask) return;
    const n = this.vectorsEnabled;
    const at = this.maskOffset + 4;
    const pending = c.read(at, 4) & (0xffffffff >>> (MSI_MAX_VECTORS - n));
    c.set(at, 4, pending);
    for (let v = 0; v < n; v++) {
      if (this.isMasked(v) || (pending & (1 << v)) === 0) continue;
      c.set(at, 4, c.read(at, 4) & ~(1 << v));
      this.host.log.emit.pendingCleared(this.host.bdf, v, PendingClearCause.Unmask);
      this.notify(v);
    }
  }

  /** Enable and mask-bit changes as events, so the timeline shows them as for MSI-X. */
  private logChanges(): void {
    const emit = this.host.log.emit;
    const bdf = this.host.bdf;
    const enabled = this.enabled;
    if (enabled !== this.lastEnabled) emit.functionMaskChanged(bdf, enabled ? 1 : 0, enabled ? 0 : 1, this.flags, FUNCTION_MSI);
    const mask = this.maskBits;
    for (let changed = (mask ^ this.lastMask) >>> 0, v = 0; changed !== 0; v++, changed >>>= 1) {
      if ((changed & 1) === 0) continue;
      if ((mask & (1 << v)) !== 0) emit.vectorMasked(bdf, v, MaskCause.VectorBit);
      else emit.vectorUnmasked(bdf, v, MaskCause.VectorBit);
    }
    this.lastEnabled = enabled;
    this.lastMask = mask;
  }

  /** Takes the capability as it stands in config space (imported devices, restored sessions). */
  syncFromConfig(): void {
    this.lastEnabled = this.enabled;
    this.lastMask = this.maskBits;
  }

  /** msi_reset: MX1. */
  reset(): void {
    const c = this.host.config;
    c.set(this.capOffset + FLAGS, 2, this.flags & ~(QSIZE | ENABLE));
    c.set(this.capOffset + 4, 4, 0);
    if (this.is64bit) c.set(this.capOffset + 8, 4, 0);
    c.set(this.dataOffset, 2, 0);
    if (this.perVectorMask) {
      c.set(this.maskOffset, 4, 0);
      c.set(this.maskOffset + 4, 4, 0);
    }
    this.syncFromConfig();
  }

  /** msi_uninit */
  uninit(): void {
    this.caps.remove(this.capOffset, this.length);
  }
}
