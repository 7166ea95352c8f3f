// The events an MSI-X or MSI engine logs, named for what happened and bound to the
// function that logs them. The event schema says which field of which kind means
// what; this says which event an engine logs for what, with which values, so the
// engines' rules read as rules and the log's vocabulary for them is in one place.
import type { EventEmitter } from '../../../src-shared/timeline/event-emitter';
import { DropReason, FUNCTION_MSI, NotifierKind, PENDED_BY_LOAD, ResetScope } from '../../../src-shared/timeline/event-kinds';

/** Whose Enable and mask bits the events are about (the FunctionMaskChanged capability field). */
export const InterruptCapability = { Msix: 0, Msi: FUNCTION_MSI } as const;

// Imported bindings are read through getters under CommonJS interop; the notify path uses local copies.
const { VectorOutOfRange, NotInUse, UnmaskNotInUse } = DropReason;
const { Use, Release, Poll } = NotifierKind;

export class InterruptEvents {
  constructor(
    private readonly emit: EventEmitter,
    private readonly bdf: number,
    private readonly capability: number,
  ) {}

  /** N1/MN1. The vector column holds 16 bits: a number out of range is kept as its low 16. */
  droppedOutOfRange(vector: number): void {
    this.emit.notifyDropped(this.bdf, vector & 0xffff, VectorOutOfRange, 0, 0);
  }

  /** N1 */
  droppedNotInUse(vector: number): void {
    this.emit.notifyDropped(this.bdf, vector, NotInUse, 0, 0);
  }

  /** U3: unmasked with its pending bit set while not in use: the bit is cleared, nothing is sent. */
  droppedUnmaskedNotInUse(vector: number): void {
    this.emit.notifyDropped(this.bdf, vector, UnmaskNotInUse, 0, 0);
  }

  /** N2/MN2: a masked notify; `newly` when the pending bit went from 0 to 1. */
  pended(vector: number, newly: boolean): void {
    this.emit.notifyPended(this.bdf, vector, newly ? 1 : 0);
  }

  /** X3: a pending bit set by restoring saved state (`break pending` sees it; no notify outcome). */
  pendedByLoad(vector: number): void {
    this.emit.notifyPended(this.bdf, vector, PENDED_BY_LOAD);
  }

  pendingCleared(vector: number, cause: number): void {
    this.emit.pendingCleared(this.bdf, vector, cause);
  }

  /** U1/MW: the vector's masked state changed, and why (MaskCause). */
  vectorMaskChanged(vector: number, masked: boolean, cause: number): void {
    if (masked) this.emit.vectorMasked(this.bdf, vector, cause);
    else this.emit.vectorUnmasked(this.bdf, vector, cause);
  }

  /** M1/MS1: Enable or Function Mask changed; `control` is Message Control as it now stands. */
  functionMaskChanged(enabled: boolean, masked: boolean, control: number): void {
    this.emit.functionMaskChanged(this.bdf, enabled ? 1 : 0, masked ? 1 : 0, control, this.capability);
  }

  /** U2/F1: the use notifier is about to run. */
  notifierUse(vector: number): void {
    this.emit.notifierFired(this.bdf, vector, Use, 0, 0);
  }

  /** U2/F1/F2: the release notifier is about to run. */
  notifierRelease(vector: number): void {
    this.emit.notifierFired(this.bdf, vector, Release, 0, 0);
  }

  /** P2/F1: the poll notifier is about to run for vectors [start, end). */
  polled(start: number, end: number): void {
    this.emit.notifierFired(this.bdf, start, Poll, start, end);
  }

  /** T1/T2: `access` is the guest's access size (8: this dword is half of it). */
  tableRead(vector: number, offset: number, access: number, value: number): void {
    this.emit.tableRead(this.bdf, vector, access, offset, value);
  }

  tableWrite(vector: number, offset: number, access: number, value: number): void {
    this.emit.tableWrite(this.bdf, vector, access, offset, value);
  }

  pbaRead(offset: number, access: number, value: number): void {
    this.emit.pbaRead(this.bdf, access, offset, value);
  }

  /** P1: ignored, but seen. */
  pbaWrite(offset: number, access: number, value: number): void {
    this.emit.pbaWrite(this.bdf, access, offset, value);
  }

  useCountChanged(vector: number, count: number): void {
    this.emit.useCountChanged(this.bdf, vector, count);
  }

  /** X1 */
  msixReset(): void {
    this.emit.reset(this.bdf, ResetScope.Msix);
  }

  /** X3 */
  stateSaved(bytes: number): void {
    this.emit.stateSaved(this.bdf, bytes);
  }

  stateLoaded(bytes: number): void {
    this.emit.stateLoaded(this.bdf, bytes);
  }
}
