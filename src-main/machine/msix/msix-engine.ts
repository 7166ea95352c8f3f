// The MSI-X engine: QEMU's hw/pci/msix.c as the semantics reference states it
// (rule IDs in comments). The table and PBA live in typed arrays laid out as in
// the BAR; nothing on the notify path allocates.
import { Region, SIZES_4, type AccessSize, type RegionHandler } from '../address-space';
import type { CapabilityList } from '../pci/capabilities';
import type { EventLog } from '../event-log';
import type { InterruptHost } from '../pci/interrupt-host';
import { MessageOutcome, type InterruptSink } from '../irq/interrupt-sink';
import type { EventEmitter } from '../../../src-shared/timeline/event-emitter';
import {
  MSIX_CAP_ID,
  MSIX_CAP_LENGTH,
  MSIX_CAP_REGISTERS,
  MSIX_CONTROL,
  MSIX_ENTRY_SIZE,
  MSIX_MAX_VECTORS,
  fillByteMasks,
  type MsixLayout,
} from '../../../src-shared/registers/layout';
import * as entry from '../../../src-shared/registers/msix-entry';
import * as maskRule from '../../../src-shared/registers/msix-mask-rule';
import { DropReason, MaskCause, NotifierKind, PENDED_BY_LOAD, PendingClearCause } from '../../../src-shared/timeline/event-kinds';

export interface VectorNotifiers {
  /** A negative return is a failure (F1). */
  use(vector: number, addrLo: number, addrHi: number, data: number): number;
  release(vector: number): void;
  poll?: ((start: number, end: number) => void) | undefined;
}

export type { MsixLayout };

/** The engine's runtime state beside config space (sessions, the state history's checkpoints). */
export interface MsixState {
  readonly table: Uint32Array;
  readonly pba: Uint32Array;
  readonly useCount: Uint32Array;
  readonly delivered: Float64Array;
}

export type MsixInitResult = { ok: true; engine: MsixEngine; warnings: string[] } | { ok: false; error: string };

// Imported bindings are read through getters under CommonJS interop; the hot path uses local copies.
const { VectorOutOfRange, NotInUse } = DropReason;
const { Dropped } = MessageOutcome;
const { messageAddressLo, messageAddressHi, messageData, vectorMaskBit, setVectorMaskBit, vectorAtOffset, writeMessage } = entry;
const { functionMasked, vectorMasked } = maskRule;

/** Reset event detail: 0 device reset, 1 system reset, 2 MSI-X reset alone. */
export const RESET_MSIX = 2;

/** Control word offset (cap+2) and the byte holding Enable and Function Mask (cap+3, rule C1). */
const CONTROL = 2;
const CONTROL_HIGH = 3;
const ENABLE_BIT = MSIX_CONTROL.ENABLE >> 8;
const MASKALL_BIT = MSIX_CONTROL.FUNCTION_MASK >> 8;

export function tableBytes(vectors: number): number {
  return vectors * MSIX_ENTRY_SIZE;
}

/** R4: ceil(N/64) * 8 bytes of PBA storage. */
export function pbaBytes(vectors: number): number {
  return Math.ceil(vectors / 64) * 8;
}

/** I3: every reason the reference would refuse a table/PBA layout (empty when valid). */
export function layoutProblems(layout: MsixLayout, tableBarSize: number, pbaBarSize: number): string[] {
  const problems: string[] = [];
  const tSize = tableBytes(layout.vectors);
  const pSize = pbaBytes(layout.vectors);
  if (layout.tableOffset % 8 !== 0) problems.push(`table offset 0x${layout.tableOffset.toString(16)} is not 8-byte aligned`);
  if (layout.pbaOffset % 8 !== 0) problems.push(`PBA offset 0x${layout.pbaOffset.toString(16)} is not 8-byte aligned`);
  if (layout.tableOffset + tSize > tableBarSize) {
    problems.push(
      `table (0x${layout.tableOffset.toString(16)}..0x${(layout.tableOffset + tSize).toString(16)}) does not fit in BAR ${layout.tableBar} (size 0x${tableBarSize.toString(16)})`,
    );
  }
  if (layout.pbaOffset + pSize > pbaBarSize) {
    problems.push(
      `PBA (0x${layout.pbaOffset.toString(16)}..0x${(layout.pbaOffset + pSize).toString(16)}) does not fit in BAR ${layout.pbaBar} (size 0x${pbaBarSize.toString(16)})`,
    );
  }
  if (layout.tableBar === layout.pbaBar && layout.tableOffset < layout.pbaOffset + pSize && layout.pbaOffset < layout.tableOffset + tSize) {
    problems.push(
      `table (BAR ${layout.tableBar}, 0x${layout.tableOffset.toString(16)}..0x${(layout.tableOffset + tSize).toString(16)}) overlaps PBA (BAR ${layout.pbaBar}, 0x${layout.pbaOffset.toString(16)}..0x${(layout.pbaOffset + pSize).toString(16)})`,
    );
  }
  return problems;
}

/** I6: the exclusive-BAR layout for N vectors. */
export function exclusiveBarLayout(vectors: number): { barSize: number; pbaOffset: number } {
  let barSize = 4096;
  let pbaOffset = barSize / 2;
  const pbaSize = (Math.floor(vectors / 8) + 1) * 8;
  if (vectors * MSIX_ENTRY_SIZE > barSize / 2) pbaOffset = vectors * MSIX_ENTRY_SIZE;
  if (pbaOffset + pbaSize > 4096) barSize = pbaOffset + pbaSize;
  return { barSize: pow2ceil(barSize), pbaOffset };
}

function pow2ceil(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
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
  /** Enable as of the last config write, to tell an enable from a function-mask change. */
  private lastEnabled = false;
  /** Enable and Function Mask as last seen (I5: both clear at creation). */
  private lastControlHigh = 0;
  private readonly emit: EventEmitter;
  private readonly bdf: number;
  private readonly sink: InterruptSink;
  private readonly capOffset: number;

  private constructor(
    private readonly host: InterruptHost,
    private readonly caps: CapabilityList,
    readonly layout: MsixLayout,
    private readonly tableBarRegion: Region,
    private readonly pbaBarRegion: Region,
  ) {
    const n = layout.vectors;
    this.vectors = n;
    this.capOffset = layout.capOffset;
    this.emit = host.log.emit;
    this.bdf = host.bdf;
    this.sink = host.sink;
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
    const placed = caps.add(MSIX_CAP_ID, layout.capOffset, MSIX_CAP_LENGTH);
    if (!placed.ok) return { ok: false, error: placed.error };
    const engine = new MsixEngine(host, caps, { ...layout, capOffset: placed.offset }, params.tableBarRegion, params.pbaBarRegion);
    const config = host.config;
    const cap = placed.offset;
    config.set(cap + CONTROL, 2, layout.vectors - 1);
    config.set(cap + 4, 4, layout.tableOffset | layout.tableBar);
    config.set(cap + 8, 4, layout.pbaOffset | layout.pbaBar);
    // R1: Enable and Function Mask are the only writable bits, as the register description says.
    fillByteMasks(MSIX_CAP_REGISTERS, cap, config.writable, config.w1c);
    engine.maskAll();
    params.tableBarRegion.addSubregion(engine.tableRegion, layout.tableOffset);
    params.pbaBarRegion.addSubregion(engine.pbaRegion, layout.pbaOffset);
    return { ok: true, engine, warnings: problems };
  }

  get capabilityOffset(): number {
    return this.capOffset;
  }

  private controlHigh(): number {
    return this.host.config.bytes[this.capOffset + CONTROL_HIGH]!;
  }

  /** Takes Enable and Function Mask as they stand in config space (imported devices). */
  syncFromConfig(): void {
    this.refreshFunctionMask();
  }

  /** X5 */
  get enabled(): boolean {
    return (this.controlHigh() & ENABLE_BIT) !== 0;
  }

  get functionMaskBit(): boolean {
    return (this.controlHigh() & MASKALL_BIT) !== 0;
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
    this.emit.pendingCleared(this.bdf, vector, cause);
  }

  /**
   * M1: recompute and cache the function-masked state from Message Control. A change
   * of Enable or Function Mask is an event, even when the function stays masked, so
   * the event stream alone tells the mode (the doctor reads it).
   */
  private refreshFunctionMask(): void {
    const high = this.controlHigh();
    const changed = ((high ^ this.lastControlHigh) & (ENABLE_BIT | MASKALL_BIT)) !== 0;
    this.lastControlHigh = high;
    this.functionMasked = functionMasked((high & ENABLE_BIT) !== 0, (high & MASKALL_BIT) !== 0);
    this.lastEnabled = (high & ENABLE_BIT) !== 0;
    if (changed) {
      const control = this.host.config.get16(this.capOffset + CONTROL);
      this.emit.functionMaskChanged(this.bdf, this.lastEnabled ? 1 : 0, this.functionMasked ? 1 : 0, control, 0);
    }
  }

  /** msix_notify: N1-N3. The hot path. */
  notify(vector: number): void {
    if (!(vector >= 0 && vector < this.vectors)) {
      this.emit.notifyDropped(this.bdf, vector & 0xffff, VectorOutOfRange, 0, 0);
      return;
    }
    if (this.useCount[vector] === 0) {
      this.emit.notifyDropped(this.bdf, vector, NotInUse, 0, 0);
      return;
    }
    if (this.isMasked(vector)) {
      const newly = this.setPending(vector);
      this.emit.notifyPended(this.bdf, vector, newly ? 1 : 0);
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
    const enablePos = this.capOffset + CONTROL_HIGH;
    if (!(offset <= enablePos && enablePos < offset + size)) return;
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
    if (isMasked) this.emit.vectorMasked(this.bdf, vector, cause);
    else this.emit.vectorUnmasked(this.bdf, vector, cause);
    this.fireVectorNotifier(vector, isMasked);
    if (!isMasked && this.isPending(vector)) {
      this.clearPending(vector, PendingClearCause.Unmask);
      if (this.useCount[vector] === 0) {
        this.emit.notifyDropped(this.bdf, vector, DropReason.UnmaskNotInUse, 0, 0);
        return;
      }
      this.notify(vector);
    }
  }

  private fireVectorNotifier(vector: number, masked: boolean): void {
    const n = this.notifiers;
    if (n === null) return;
    if (masked) {
      this.emit.notifierFired(this.bdf, vector, NotifierKind.Release, 0, 0);
      n.release(vector);
    } else {
      const t = this.table;
      this.emit.notifierFired(this.bdf, vector, NotifierKind.Use, 0, 0);
      const ret = n.use(vector, messageAddressLo(t, vector), messageAddressHi(t, vector), messageData(t, vector));
      // The reference asserts here; a failing use notifier on unmask is the notifier's bug.
      if (ret < 0) throw new Error(`vector use notifier failed (${ret}) for vector ${vector} on unmask`);
    }
  }

  /** T1/T2: a piece already split and size-checked by the address space; the event names the guest's access size. */
  tableRead(offset: number, size: AccessSize, access: number = size): number {
    const value = this.table[offset >>> 2]!;
    this.emit.tableRead(this.bdf, offset >>> 4, access, offset, value);
    return value;
  }

  /** T3 */
  tableWrite(offset: number, size: AccessSize, value: number, access: number = size): void {
    const vector = vectorAtOffset(offset);
    const wasMasked = this.isMasked(vector);
    this.table[offset >>> 2] = value;
    this.emit.tableWrite(this.bdf, vector, access, offset, value);
    this.handleMaskUpdate(vector, wasMasked, MaskCause.VectorBit);
  }

  /** P2: the poll notifier first, for [offset*8, min((offset+size)*8, N)). */
  pbaRead(offset: number, size: AccessSize, access: number = size): number {
    const poll = this.pollNotifier;
    const start = offset * 8;
    const end = Math.min((offset + size) * 8, this.vectors);
    // A read past the last vector covers none, so there is nothing to poll.
    if (poll && start < end) {
      this.emit.notifierFired(this.bdf, start, NotifierKind.Poll, start, end);
      poll(start, end);
    }
    const value = this.pba[offset >>> 2]!;
    this.emit.pbaRead(this.bdf, access, offset, value);
    return value;
  }

  /** P1: writes are ignored (but seen). */
  pbaWrite(offset: number, size: AccessSize, value: number, access: number = size): void {
    this.emit.pbaWrite(this.bdf, access, offset, value);
  }

  /** V1 */
  use(vector: number): { ok: true } | { ok: false; error: string } {
    if (!(Number.isInteger(vector) && vector >= 0 && vector < this.vectors)) {
      return { ok: false, error: `invalid argument: vector ${vector} out of range 0..${this.vectors - 1}` };
    }
    this.useCount[vector] = this.useCount[vector]! + 1;
    this.emit.useCountChanged(this.bdf, vector, this.useCount[vector]!);
    return { ok: true };
  }

  /** V2 */
  unuse(vector: number): void {
    if (!(Number.isInteger(vector) && vector >= 0 && vector < this.vectors) || this.useCount[vector] === 0) return;
    this.useCount[vector] = this.useCount[vector]! - 1;
    this.emit.useCountChanged(this.bdf, vector, this.useCount[vector]!);
    if (this.useCount[vector] === 0) this.clearPending(vector, PendingClearCause.Unuse);
  }

  /** V3 */
  unuseAll(): void {
    for (let v = 0; v < this.vectors; v++) {
      if (this.useCount[v] !== 0) {
        this.useCount[v] = 0;
        this.emit.useCountChanged(this.bdf, v, 0);
      }
      this.clearPending(v, PendingClearCause.UnuseAll);
    }
  }

  /** F1 */
  setVectorNotifiers(notifiers: VectorNotifiers): { ok: true } | { ok: false; error: string } {
    this.notifiers = notifiers;
    // QEMU sets the poll notifier first and, on failure, clears only use and release.
    this.pollNotifier = notifiers.poll ?? null;
    if ((this.controlHigh() & (ENABLE_BIT | MASKALL_BIT)) === ENABLE_BIT) {
      for (let v = 0; v < this.vectors; v++) {
        if (this.isMasked(v)) continue;
        const t = this.table;
        this.emit.notifierFired(this.bdf, v, NotifierKind.Use, 0, 0);
        const ret = notifiers.use(v, messageAddressLo(t, v), messageAddressHi(t, v), messageData(t, v));
        if (ret < 0) {
          for (let u = v - 1; u >= 0; u--) {
            if (this.isMasked(u)) continue;
            this.emit.notifierFired(this.bdf, u, NotifierKind.Release, 0, 0);
            notifiers.release(u);
          }
          this.notifiers = null;
          return { ok: false, error: `vector use notifier failed (${ret}) for vector ${v}` };
        }
      }
    }
    if (notifiers.poll) {
      this.emit.notifierFired(this.bdf, 0, NotifierKind.Poll, 0, this.vectors);
      notifiers.poll(0, this.vectors);
    }
    return { ok: true };
  }

  /** F2 */
  unsetVectorNotifiers(): void {
    const n = this.notifiers;
    if (n === null) return;
    if ((this.controlHigh() & (ENABLE_BIT | MASKALL_BIT)) === ENABLE_BIT) {
      for (let v = 0; v < this.vectors; v++) {
        if (this.isMasked(v)) continue;
        this.emit.notifierFired(this.bdf, v, NotifierKind.Release, 0, 0);
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
    this.emit.reset(this.bdf, RESET_MSIX);
    const before = new Uint8Array(this.vectors);
    for (let v = 0; v < this.vectors; v++) before[v] = this.isMasked(v) ? 1 : 0;
    for (let v = 0; v < this.vectors; v++) this.clearPending(v, PendingClearCause.Reset);
    const config = this.host.config;
    const at = this.capOffset + CONTROL_HIGH;
    config.bytes[at] = config.bytes[at]! & ~config.writable[at]!;
    this.table.fill(0);
    this.pba.fill(0);
    this.refreshFunctionMask();
    this.maskAll((v) => before[v] === 1);
  }

  /** X2: msix_uninit. */
  uninit(): void {
    this.caps.remove(this.capOffset, MSIX_CAP_LENGTH);
    for (let v = 0; v < this.vectors; v++) this.clearPending(v, PendingClearCause.UnuseAll);
    this.useCount.fill(0);
    this.tableBarRegion.removeSubregion(this.tableRegion);
    this.pbaBarRegion.removeSubregion(this.pbaRegion);
    this.notifiers = null;
    this.pollNotifier = null;
  }

  /** X3: table (16*N bytes) then PBA (ceil(N/8) bytes). */
  save(): Uint8Array {
    const n = this.vectors;
    const out = new Uint8Array(n * 16 + Math.ceil(n / 8));
    out.set(new Uint8Array(this.table.buffer, this.table.byteOffset, n * 16), 0);
    out.set(new Uint8Array(this.pba.buffer, this.pba.byteOffset, Math.ceil(n / 8)), n * 16);
    this.emit.stateSaved(this.bdf, out.length);
    return out;
  }

  static savedStateLength(vectors: number): number {
    return vectors * 16 + Math.ceil(vectors / 8);
  }

  /** X3: wrong-length state is refused and nothing changes. */
  load(state: Uint8Array): { ok: true } | { ok: false; error: string } {
    const n = this.vectors;
    const expected = MsixEngine.savedStateLength(n);
    if (state.length !== expected) {
      return { ok: false, error: `saved MSI-X state is ${state.length} bytes, expected ${expected} (16*${n} table + ${Math.ceil(n / 8)} PBA)` };
    }
    for (let v = 0; v < n; v++) this.clearPending(v, PendingClearCause.Load);
    new Uint8Array(this.table.buffer, this.table.byteOffset, n * 16).set(state.subarray(0, n * 16));
    const pbaView = new Uint8Array(this.pba.buffer, this.pba.byteOffset, this.pba.byteLength);
    pbaView.fill(0);
    pbaView.set(state.subarray(n * 16));
    this.emit.stateLoaded(this.bdf, state.length);
    // Pending bits the state sets are pending bits going from 0 to 1 (`break pending` sees them).
    for (let v = 0; v < n; v++) if (this.isPending(v)) this.emit.notifyPended(this.bdf, v, PENDED_BY_LOAD);
    this.refreshFunctionMask();
    for (let v = 0; v < n; v++) this.handleMaskUpdate(v, true, MaskCause.Load);
    return { ok: true };
  }

  /** A copy of the runtime state. */
  saveState(): MsixState {
    return { table: this.table.slice(), pba: this.pba.slice(), useCount: this.useCount.slice(), delivered: this.delivered.slice() };
  }

  /** A state of this engine's shape, all zeros, to fill from a file. */
  blankState(): MsixState {
    const n = this.vectors;
    return { table: new Uint32Array(this.table.length), pba: new Uint32Array(this.pba.length), useCount: new Uint32Array(n), delivered: new Float64Array(n) };
  }

  /**
   * Puts a saved state back, config space restored first (the function-mask cache follows
   * it). A state of another shape is a caller's bug: refused, nothing changed.
   */
  restoreState(state: MsixState): void {
    const n = this.vectors;
    if (state.table.length !== this.table.length || state.pba.length !== this.pba.length || state.useCount.length !== n || state.delivered.length !== n) {
      throw new RangeError(`MSI-X state for ${state.useCount.length} vectors given to an engine of ${n}`);
    }
    this.table.set(state.table);
    this.pba.set(state.pba);
    this.useCount.set(state.useCount);
    this.delivered.set(state.delivered);
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
