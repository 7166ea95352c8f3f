// Plain MSI: QEMU's hw/pci/msi.c as docs/msi-rules.md states it (rule IDs in
// comments). Everything lives in config space, as in QEMU (msi-capability.ts holds
// the bytes); this is the rules: notify, what a config write does, reset. Messages
// leave through the host's interrupt sink; events are the ones MSI-X logs
// (../pci/interrupt-events.ts). Nothing on the notify path allocates.
import type { CapabilityList } from '../pci/capabilities';
import type { InterruptHost } from '../pci/interrupt-host';
import { InterruptCapability, InterruptEvents } from '../pci/interrupt-events';
import { MessageOutcome } from '../irq/interrupt-sink';
import { MSI_MAX_VECTORS, MsiCapability } from './msi-capability';
import { MaskCause, PendingClearCause } from '../../../src-shared/timeline/event-kinds';

export interface MsiParams {
  /** 1, 2, 4, 8, 16 or 32 (Multiple Message Capable). */
  vectors: number;
  is64bit: boolean;
  perVectorMask: boolean;
  /** 0: the first free place. */
  capOffset: number;
}

export type MsiInitResult = { ok: true; engine: MsiEngine } | { ok: false; error: string };

export class MsiEngine {
  /** Messages that reached an interrupt controller or memory, per vector. */
  readonly delivered = new Float64Array(MSI_MAX_VECTORS);
  private readonly cap: MsiCapability;
  private readonly events: InterruptEvents;
  /** Enable and the mask dword as of the last config write, to log what a write changed. */
  private lastEnabled = false;
  private lastMask = 0;

  private constructor(
    private readonly host: InterruptHost,
    private readonly caps: CapabilityList,
    at: number,
  ) {
    this.cap = new MsiCapability(host.config, at);
    this.events = new InterruptEvents(host.log.emit, host.bdf, InterruptCapability.Msi);
  }

  /** msi_init: MI1 (the vector count and the layout it gives) and MI2 (what software can write). Nothing is created on failure. */
  static init(host: InterruptHost, caps: CapabilityList, params: MsiParams): MsiInitResult {
    const { vectors, is64bit, perVectorMask } = params;
    if (!(Number.isInteger(vectors) && vectors >= 1 && vectors <= MSI_MAX_VECTORS && (vectors & (vectors - 1)) === 0)) {
      return { ok: false, error: `invalid number of MSI vectors: ${vectors} (must be 1, 2, 4, 8, 16 or 32)` };
    }
    const placed = MsiCapability.place(caps, host.config, vectors, is64bit, perVectorMask, params.capOffset);
    if (!placed.ok) return placed;
    return { ok: true, engine: MsiEngine.adopt(host, caps, placed.offset) };
  }

  /** An MSI capability already in config space (an imported dump): it behaves as QEMU's msi.c would with its flags. */
  static adopt(host: InterruptHost, caps: CapabilityList, at: number): MsiEngine {
    const engine = new MsiEngine(host, caps, at);
    engine.syncFromConfig();
    return engine;
  }

  get capOffset(): number {
    return this.cap.offset;
  }

  get is64bit(): boolean {
    return this.cap.is64bit;
  }

  get perVectorMask(): boolean {
    return this.cap.perVectorMask;
  }

  /** MS1 */
  get enabled(): boolean {
    return this.cap.enabled;
  }

  /** Multiple Message Capable, as a count. */
  get vectorsCapable(): number {
    return this.cap.vectorsCapable;
  }

  /** Multiple Message Enable, as a count (msi_nr_vectors). */
  get vectorsEnabled(): number {
    return this.cap.vectorsEnabled;
  }

  get pendingBits(): number {
    return this.cap.pendingBits;
  }

  /** MK1 */
  isMasked(vector: number): boolean {
    return (this.cap.maskBits & (1 << vector)) !== 0;
  }

  isPending(vector: number): boolean {
    return (this.cap.pendingBits & (1 << vector)) !== 0;
  }

  get addressLo(): number {
    return this.cap.addressLo;
  }

  get addressHi(): number {
    return this.cap.addressHi;
  }

  /** MG1: the data for `vector`: with N > 1 vectors enabled its low log2(N) bits are the vector number. */
  dataFor(vector: number): number {
    const n = this.cap.vectorsEnabled;
    const data = this.cap.data;
    return n > 1 ? (data & ~(n - 1)) | vector : data;
  }

  /** msi_notify: MN1-MN3. The hot path. */
  notify(vector: number): void {
    if (!(vector >= 0 && vector < this.cap.vectorsEnabled)) {
      this.events.droppedOutOfRange(vector);
      return;
    }
    if (this.isMasked(vector)) {
      const pending = this.cap.pendingBits;
      this.cap.setPendingBits(pending | (1 << vector));
      this.events.pended(vector, (pending & (1 << vector)) === 0);
      return;
    }
    this.delivered[vector] = this.delivered[vector]! + 1;
    if (this.host.sink.deliver(this.host.bdf, vector, this.cap.addressLo, this.cap.addressHi, this.dataFor(vector)) === MessageOutcome.Dropped) {
      this.delivered[vector] = this.delivered[vector]! - 1;
    }
  }

  /** msi_write_config: MW1-MW4. Called after config space stored a write. */
  writeConfig(offset: number, size: number): void {
    if (!this.cap.covers(offset, size)) return;
    this.logChanges();
    if (!this.cap.enabled) return;
    this.host.deassertIntx();
    this.cap.clampVectorsEnabled();
    if (!this.cap.perVectorMask) return;
    const n = this.cap.vectorsEnabled;
    const pending = this.cap.pendingBits & (0xffffffff >>> (MSI_MAX_VECTORS - n));
    this.cap.setPendingBits(pending);
    for (let v = 0; v < n; v++) {
      if (this.isMasked(v) || (pending & (1 << v)) === 0) continue;
      this.cap.setPendingBits(this.cap.pendingBits & ~(1 << v));
      this.events.pendingCleared(v, PendingClearCause.Unmask);
      this.notify(v);
    }
  }

  /** Enable and mask-bit changes as events, so the timeline shows them as for MSI-X. */
  private logChanges(): void {
    const enabled = this.cap.enabled;
    if (enabled !== this.lastEnabled) this.events.functionMaskChanged(enabled, !enabled, this.cap.flags);
    const mask = this.cap.maskBits;
    for (let changed = (mask ^ this.lastMask) >>> 0, v = 0; changed !== 0; v++, changed >>>= 1) {
      if ((changed & 1) !== 0) this.events.vectorMaskChanged(v, (mask & (1 << v)) !== 0, MaskCause.VectorBit);
    }
    this.lastEnabled = enabled;
    this.lastMask = mask;
  }

  /** Takes the capability as it stands in config space (imported devices, restored sessions). */
  syncFromConfig(): void {
    this.lastEnabled = this.cap.enabled;
    this.lastMask = this.cap.maskBits;
  }

  /** msi_reset: MX1. */
  reset(): void {
    this.cap.clear();
    this.syncFromConfig();
  }

  /** msi_uninit */
  uninit(): void {
    this.cap.remove(this.caps);
  }
}
