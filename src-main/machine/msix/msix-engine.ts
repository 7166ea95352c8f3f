// The MSI-X engine: QEMU's hw/pci/msix.c as docs/msix-rules.md states it (rule IDs
// in comments). This is the table/PBA runtime: the entries and pending bits in typed
// arrays laid out as in the BAR, use counts, notify, the mask updates, the vector
// notifiers, reset and saved state. The capability's bytes (msix-capability.ts), the
// layout (msix-layout.ts), the state as data (msix-state.ts) and the events it logs
// (../pci/interrupt-events.ts) live apart; messages leave through the host's
// interrupt sink (../irq/interrupt-sink.ts). Nothing on the notify path allocates.
import { Region, SIZES_4, type AccessSize, type RegionHandler } from '../address-space';
import type { CapabilityList } from '../pci/capabilities';
import type { InterruptHost } from '../pci/interrupt-host';
import { InterruptCapability, InterruptEvents } from '../pci/interrupt-events';
import { MessageOutcome, type InterruptSink } from '../irq/interrupt-sink';
import { MsixCapability } from './msix-capability';
import { layoutProblems } from './msix-layout';
import { blankMsixState, copyMsixState, packSavedState, savedStateLength, unpackSavedState, type MsixState } from './msix-state';
import { MSIX_MAX_VECTORS, type MsixLayout } from '../../../src-shared/registers/layout';
import * as entry from '../../../src-shared/registers/msix-entry';
import * as maskRule from '../../../src-shared/registers/msix-mask-rule';
import { MaskCause, PendingClearCause } from '../../../src-shared/timeline/event-kinds';

export interface VectorNotifiers {
  /** A negative return is a failure (F1). */
  use(vector: number, addrLo: number, addrHi: number, data: number): number;
  release(vector: number): void;
  poll?: ((start: number, end: number) => void) | undefined;
}

export interface MsixInitParams {
  layout: MsixLayout;
  tableBarRegion: Region;
  pbaBarRegion: Region;
  /** I1: whether the interrupt controller takes MSI writes. */
  msiSupported: boolean;
  /** Imported devices keep layouts the reference refuses (I3), with warnings. */
  allowInvalidLayout?: boolean;
}

export type MsixInitResult = { ok: true; engine: MsixEngine; warnings: string[] } | { ok: false; error: string };

// Imported bindings are read through getters under CommonJS interop; the hot path uses local copies.
const { Dropped } = MessageOutcome;
const { messageAddressLo, messageAddressHi, messageData, vectorMaskBit, setVectorMaskBit, vectorAtOffset, writeMessage, tableBytes, pbaBytes } = entry;
const { functionMasked, vectorMasked } = maskRule;

export class MsixEngine {
  readonly vectors: number;
  /** R3: 4 dwords per entry, as laid out in the BAR. */
  readonly table: Uint32Array;
  /** R4: pending bits, one per vector, little-endian dwords. */
  readonly pba: Uint32Array;
  readonly useCount: Uint32Array;
  /** Messages that reached an interrupt controller or memory, per vector. */
  readonly delivered: Float64Array;
  readonly tableRegion: Region;
  readonly pbaRegion: Region;
  /** M1, cached as the reference caches msix_function_masked. */
  functionMasked = true;
  private notifiers: VectorNotifiers | null = null;
  /** Kept apart: a failed setVectorNotifiers clears use and release but not poll (F1). */
  private pollNotifier: ((start: number, end: number) => void) | null = null;
  /** Enable and Function Mask as of the last refresh (I5: both clear at creation), to tell what a write changed. */
  private lastEnabled = false;
  private lastFunctionMask = false;
  private readonly events: InterruptEvents;
  private readonly bdf: number;
  private readonly sink: InterruptSink;

  private constructor(
    private readonly host: InterruptHost,
    private readonly caps: CapabilityList,
    private readonly capability: MsixCapability,
    readonly layout: MsixLayout,
    private readonly tableBarRegion: Region,
    private readonly pbaBarRegion: Region,
  ) {
    const n = layout.vectors;
    this.vectors = n;
    this.bdf = host.bdf;
    this.sink = host.sink;
    this.events = new InterruptEvents(host.log.emit, host.bdf, InterruptCapability.Msix);
    this.table = new Uint32Array(n * 4);
    this.pba = new Uint32Array(pbaBytes(n) / 4);
    this.useCount = new Uint32Array(n);
    this.delivered = new Float64Array(n);
    const tableHandler: RegionHandler = {
      read: (offset, size, access) => this.tableRead(offset, size, access),
      write: (offset, size, value, access) => this.tableWrite(offset, size, value, access),
    };
    const pbaHandler: RegionHandler = {
      read: (offset, size, access) => this.pbaRead(offset, size, access),
      write: (offset, size, value, access) => this.pbaWrite(offset, size, value, access),
    };
    this.tableRegion = new Region('msix-table', tableBytes(n), tableHandler, SIZES_4, host.bdf);
    this.pbaRegion = new Region('msix-pba', pbaBytes(n), pbaHandler, SIZES_4, host.bdf);
  }

  /** msix_init: I1-I5. Nothing is created on failure. */
  static init(host: InterruptHost, caps: CapabilityList, params: MsixInitParams): MsixInitResult {
    const { layout } = params;
    if (!params.msiSupported) return { ok: false, error: 'MSI-X not supported by the interrupt controller' };
    if (!Number.isInteger(layout.vectors) || layout.vectors < 1 || layout.vectors > MSIX_MAX_VECTORS) {
      return { ok: false, error: `invalid number of vectors: ${layout.vectors} (must be 1..${MSIX_MAX_VECTORS})` };
    }
    const problems = layoutProblems(layout, params.tableBarRegion.size, params.pbaBarRegion.size);
    if (problems.length > 0 && !params.allowInvalidLayout) return { ok: false, error: problems.join('; ') };
    const placed = MsixCapability.place(caps, host.config, layout);
    if (!placed.ok) return placed;
    const cap = placed.capability;
    const engine = new MsixEngine(host, caps, cap, { ...layout, capOffset: cap.offset }, params.tableBarRegion, params.pbaBarRegion);
    engine.maskAll();
    params.tableBarRegion.addSubregion(engine.tableRegion, layout.tableOffset);
    params.pbaBarRegion.addSubregion(engine.pbaRegion, layout.pbaOffset);
    return { ok: true, engine, warnings: problems };
  }

  get capabilityOffset(): number {
    return this.capability.offset;
  }

  /** Takes Enable and Function Mask as they stand in config space (imported devices). */
  syncFromConfig(): void {
    this.refreshFunctionMask();
  }

  /** X5 */
  get enabled(): boolean {
    return this.capability.enabled;
  }

  get functionMaskBit(): boolean {
    return this.capability.functionMask;
  }

  /** The vector's own mask bit (Vector Control bit 0), whatever the function's state. */
  maskBit(vector: number): boolean {
    return vectorMaskBit(this.table, vector);
  }

  /** M2 */
  isMasked(vector: number): boolean {
    return vectorMasked(vectorMaskBit(this.table, vector), this.functionMasked);
  }

  isPending(vector: number): boolean {
    return (this.pba[vector >>> 5]! & (1 << (vector & 31))) !== 0;
  }

  private setPending(vector: number): boolean {
    const word = vector >>> 5;
    const bit = 1 << (vector & 31);
    const was = this.pba[word]! & bit;
    this.pba[word] = this.pba[word]! | bit;
    return was === 0;
  }

  private clearPending(vector: number, cause: number): void {
    const word = vector >>> 5;
    const bit = 1 << (vector & 31);
    if ((this.pba[word]! & bit) === 0) return;
    this.pba[word] = this.pba[word]! & ~bit;
    this.events.pendingCleared(vector, cause);
  }

  /**
   * M1: recompute and cache the function-masked state from Message Control. A change
   * of Enable or Function Mask is an event, even when the function stays masked, so
   * the event stream alone tells the mode (the doctor reads it).
   */
  private refreshFunctionMask(): void {
    const enabled = this.capability.enabled;
    const fmask = this.capability.functionMask;
    const changed = enabled !== this.lastEnabled || fmask !== this.lastFunctionMask;
    this.lastEnabled = enabled;
    this.lastFunctionMask = fmask;
    this.functionMasked = functionMasked(enabled, fmask);
    if (changed) this.events.functionMaskChanged(enabled, this.functionMasked, this.capability.control);
  }

  /** msix_notify: N1-N3. The hot path. */
  notify(vector: number): void {
    if (!(vector >= 0 && vector < this.vectors)) {
      this.events.droppedOutOfRange(vector);
      return;
    }
    if (this.useCount[vector] === 0) {
      this.events.droppedNotInUse(vector);
      return;
    }
    if (this.isMasked(vector)) {
      this.events.pended(vector, this.setPending(vector));
      return;
    }
    this.send(vector);
  }

  /** Counted before the message goes out, so anything watching its delivery event sees the count include it. */
  private send(vector: number): void {
    const t = this.table;
    this.delivered[vector] = this.delivered[vector]! + 1;
    if (this.sink.deliver(this.bdf, vector, messageAddressLo(t, vector), messageAddressHi(t, vector), messageData(t, vector)) === Dropped) {
      this.delivered[vector] = this.delivered[vector]! - 1;
    }
  }

  /** msix_write_config: C1-C4. Called after the config space stored the write. */
  writeConfig(offset: number, size: number): void {
    if (!this.capability.covers(offset, size)) return;
    const wasMasked = this.functionMasked;
    const wasEnabled = this.lastEnabled;
    this.refreshFunctionMask();
    if (!this.lastEnabled) return;
    this.host.deassertIntx();
    if (wasMasked === this.functionMasked) return;
    const cause = wasEnabled ? MaskCause.FunctionMask : MaskCause.Enable;
    for (let v = 0; v < this.vectors; v++) {
      this.handleMaskUpdate(v, vectorMasked(vectorMaskBit(this.table, v), wasMasked), cause);
    }
  }

  /** msix_handle_mask_update: U1-U3. */
  private handleMaskUpdate(vector: number, wasMasked: boolean, cause: number): void {
    const isMasked = this.isMasked(vector);
    if (isMasked === wasMasked) return;
    this.events.vectorMaskChanged(vector, isMasked, cause);
    this.fireVectorNotifier(vector, isMasked);
    if (!isMasked && this.isPending(vector)) {
      this.clearPending(vector, PendingClearCause.Unmask);
      if (this.useCount[vector] === 0) {
        this.events.droppedUnmaskedNotInUse(vector);
        return;
      }
      this.notify(vector);
    }
  }

  private fireVectorNotifier(vector: number, masked: boolean): void {
    const n = this.notifiers;
    if (n === null) return;
    if (masked) {
      this.events.notifierRelease(vector);
      n.release(vector);
    } else {
      const t = this.table;
      this.events.notifierUse(vector);
      const ret = n.use(vector, messageAddressLo(t, vector), messageAddressHi(t, vector), messageData(t, vector));
      // The reference asserts here; a failing use notifier on unmask is the notifier's bug.
      if (ret < 0) throw new Error(`vector use notifier failed (${ret}) for vector ${vector} on unmask`);
    }
  }

  /** T1/T2: a piece already split and size-checked by the address space; the event names the guest's access size. */
  tableRead(offset: number, size: AccessSize, access: number = size): number {
    const value = this.table[offset >>> 2]!;
    this.events.tableRead(vectorAtOffset(offset), offset, access, value);
    return value;
  }

  /** T3 */
  tableWrite(offset: number, size: AccessSize, value: number, access: number = size): void {
    const vector = vectorAtOffset(offset);
    const wasMasked = this.isMasked(vector);
    this.table[offset >>> 2] = value;
    this.events.tableWrite(vector, offset, access, value);
    this.handleMaskUpdate(vector, wasMasked, MaskCause.VectorBit);
  }

  /** P2: the poll notifier first, for [offset*8, min((offset+size)*8, N)). */
  pbaRead(offset: number, size: AccessSize, access: number = size): number {
    const poll = this.pollNotifier;
    const start = offset * 8;
    const end = Math.min((offset + size) * 8, this.vectors);
    // A read past the last vector covers none, so there is nothing to poll.
    if (poll && start < end) {
      this.events.polled(start, end);
      poll(start, end);
    }
    const value = this.pba[offset >>> 2]!;
    this.events.pbaRead(offset, access, value);
    return value;
  }

  /** P1: writes are ignored (but seen). */
  pbaWrite(offset: number, size: AccessSize, value: number, access: number = size): void {
    this.events.pbaWrite(offset, access, value);
  }

  /** V1 */
  use(vector: number): { ok: true } | { ok: false; error: string } {
    if (!(Number.isInteger(vector) && vector >= 0 && vector < this.vectors)) {
      return { ok: false, error: `invalid argument: vector ${vector} out of range 0..${this.vectors - 1}` };
    }
    this.useCount[vector] = this.useCount[vector]! + 1;
    this.events.useCountChanged(vector, this.useCount[vector]!);
    return { ok: true };
  }

  /** V2 */
  unuse(vector: number): void {
    if (!(Number.isInteger(vector) && vector >= 0 && vector < this.vectors) || this.useCount[vector] === 0) return;
    this.useCount[vector] = this.useCount[vector]! - 1;
    this.events.useCountChanged(vector, this.useCount[vector]!);
    if (this.useCount[vector] === 0) this.clearPending(vector, PendingClearCause.Unuse);
  }

  /** V3 */
  unuseAll(): void {
    for (let v = 0; v < this.vectors; v++) {
      if (this.useCount[v] !== 0) {
        this.useCount[v] = 0;
        this.events.useCountChanged(v, 0);
      }
      this.clearPending(v, PendingClearCause.UnuseAll);
    }
  }

  /** F1/F2 look at Message Control itself: notifiers fire only while MSI-X is enabled with Function Mask clear. */
  private get notifiersLive(): boolean {
    return this.capability.enabled && !this.capability.functionMask;
  }

  /** F1 */
  setVectorNotifiers(notifiers: VectorNotifiers): { ok: true } | { ok: false; error: string } {
    this.notifiers = notifiers;
    // QEMU sets the poll notifier first and, on failure, clears only use and release.
    this.pollNotifier = notifiers.poll ?? null;
    if (this.notifiersLive) {
      for (let v = 0; v < this.vectors; v++) {
        if (this.isMasked(v)) continue;
        const t = this.table;
        this.events.notifierUse(v);
        const ret = notifiers.use(v, messageAddressLo(t, v), messageAddressHi(t, v), messageData(t, v));
        if (ret < 0) {
          for (let u = v - 1; u >= 0; u--) {
            if (this.isMasked(u)) continue;
            this.events.notifierRelease(u);
            notifiers.release(u);
          }
          this.notifiers = null;
          return { ok: false, error: `vector use notifier failed (${ret}) for vector ${v}` };
        }
      }
    }
    if (notifiers.poll) {
      this.events.polled(0, this.vectors);
      notifiers.poll(0, this.vectors);
    }
    return { ok: true };
  }

  /** F2 */
  unsetVectorNotifiers(): void {
    const n = this.notifiers;
    if (n === null) return;
    if (this.notifiersLive) {
      for (let v = 0; v < this.vectors; v++) {
        if (this.isMasked(v)) continue;
        this.events.notifierRelease(v);
        n.release(v);
      }
    }
    this.notifiers = null;
    this.pollNotifier = null;
  }

  get hasNotifiers(): boolean {
    return this.notifiers !== null;
  }

  /** I5 / X1: set every mask bit, running the mask update with each vector's previous state. */
  private maskAll(previouslyMasked?: (vector: number) => boolean): void {
    for (let v = 0; v < this.vectors; v++) {
      const wasMasked = previouslyMasked ? previouslyMasked(v) : this.isMasked(v);
      setVectorMaskBit(this.table, v, true);
      this.handleMaskUpdate(v, wasMasked, MaskCause.VectorBit);
    }
  }

  /**
   * X1. The reference judges "was masked" after zeroing the table and with a stale
   * function-mask cache, so a vector already masked by its own bit gets a second
   * release. We judge each vector by its state before the reset instead.
   */
  reset(): void {
    this.events.msixReset();
    const before = new Uint8Array(this.vectors);
    for (let v = 0; v < this.vectors; v++) before[v] = this.isMasked(v) ? 1 : 0;
    for (let v = 0; v < this.vectors; v++) this.clearPending(v, PendingClearCause.Reset);
    this.capability.clearControl();
    this.table.fill(0);
    this.pba.fill(0);
    this.refreshFunctionMask();
    this.maskAll((v) => before[v] === 1);
  }

  /** X2: msix_uninit. */
  uninit(): void {
    this.capability.remove(this.caps);
    for (let v = 0; v < this.vectors; v++) this.clearPending(v, PendingClearCause.UnuseAll);
    this.useCount.fill(0);
    this.tableBarRegion.removeSubregion(this.tableRegion);
    this.pbaBarRegion.removeSubregion(this.pbaRegion);
    this.notifiers = null;
    this.pollNotifier = null;
  }

  /** X3: table (16*N bytes) then PBA (ceil(N/8) bytes). */
  save(): Uint8Array {
    const out = packSavedState(this.table, this.pba, this.vectors);
    this.events.stateSaved(out.length);
    return out;
  }

  static savedStateLength(vectors: number): number {
    return savedStateLength(vectors);
  }

  /** X3: wrong-length state is refused and nothing changes. */
  load(state: Uint8Array): { ok: true } | { ok: false; error: string } {
    const n = this.vectors;
    const expected = savedStateLength(n);
    if (state.length !== expected) {
      return { ok: false, error: `saved MSI-X state is ${state.length} bytes, expected ${expected} (16*${n} table + ${Math.ceil(n / 8)} PBA)` };
    }
    for (let v = 0; v < n; v++) this.clearPending(v, PendingClearCause.Load);
    unpackSavedState(state, this.table, this.pba, n);
    this.events.stateLoaded(state.length);
    // Pending bits the state sets are pending bits going from 0 to 1 (`break pending` sees them).
    for (let v = 0; v < n; v++) if (this.isPending(v)) this.events.pendedByLoad(v);
    this.refreshFunctionMask();
    for (let v = 0; v < n; v++) this.handleMaskUpdate(v, true, MaskCause.Load);
    return { ok: true };
  }

  /** A copy of the runtime state. */
  saveState(): MsixState {
    const state = blankMsixState(this.vectors);
    copyMsixState(this, state);
    return state;
  }

  /** A state of this engine's shape, all zeros, to fill from a file. */
  blankState(): MsixState {
    return blankMsixState(this.vectors);
  }

  /**
   * Puts a saved state back, config space restored first (the function-mask cache follows
   * it). A state of another shape is a caller's bug: refused, nothing changed.
   */
  restoreState(state: MsixState): void {
    if (!copyMsixState(state, this)) throw new RangeError(`MSI-X state for ${state.useCount.length} vectors given to an engine of ${this.vectors}`);
    this.refreshFunctionMask();
  }

  /** X4 */
  getMessage(vector: number): { addrLo: number; addrHi: number; data: number } {
    const t = this.table;
    return { addrLo: messageAddressLo(t, vector), addrHi: messageAddressHi(t, vector), data: messageData(t, vector) };
  }

  /** X4: stores the message and clears the mask bit directly: no notifier, no pending processing. */
  setMessage(vector: number, addrLo: number, addrHi: number, data: number): void {
    writeMessage(this.table, vector, addrLo, addrHi, data);
    setVectorMaskBit(this.table, vector, false);
  }
}
