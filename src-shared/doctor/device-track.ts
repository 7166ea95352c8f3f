// What the doctor knows of each device, learnt from the event stream alone (so it
// works on a saved session, a script's run or an --events file): the interrupt mode
// (INTx level, MSI-X Enable and Function Mask, MSI when the machine has it) and, per
// vector, whether it is masked and since when it is pending.
import { EventKind, MaskCause } from '../timeline/event-kinds';
import type { DoctorEvent } from './doctor-event';

const FUNCTION_MASK = 0x4000;
const RESET_DEVICE = 0;
const RESET_MSIX = 2;

export class VectorTrack {
  /** M2 as the VectorMasked/VectorUnmasked events tell it; every vector starts masked (I5). */
  masked = true;
  /** The event that masked it (or -1: masked since the device was created or reset). */
  maskedSince = -1;
  maskCause: number = MaskCause.VectorBit;
  /** Sequence number of the notify that set the pending bit, or -1 when not pending. */
  pendingSince = -1;
}

export class DeviceTrack {
  intx = false;
  intxSince = -1;
  msixEnabled = false;
  msixEnabledSince = -1;
  functionMaskBit = false;
  /** Plain MSI's Enable: no event sets it until the machine has MSI (see interrupt-modes.ts). */
  msiEnabled = false;
  readonly vectors = new Map<number, VectorTrack>();

  vector(v: number): VectorTrack {
    let t = this.vectors.get(v);
    if (t === undefined) {
      t = new VectorTrack();
      this.vectors.set(v, t);
    }
    return t;
  }

  /** The state after `e`. */
  apply(e: DoctorEvent): void {
    switch (e.kind) {
      case EventKind.IntxChanged:
        this.intx = e.a === 1;
        this.intxSince = e.seq;
        return;
      case EventKind.FunctionMaskChanged:
        if ((e.detail === 1) !== this.msixEnabled) this.msixEnabledSince = e.seq;
        this.msixEnabled = e.detail === 1;
        this.functionMaskBit = (e.b & FUNCTION_MASK) !== 0;
        return;
      case EventKind.VectorMasked:
      case EventKind.VectorUnmasked: {
        const t = this.vector(e.vector);
        t.masked = e.kind === EventKind.VectorMasked;
        t.maskedSince = e.seq;
        t.maskCause = e.detail;
        return;
      }
      case EventKind.NotifyPended: {
        const t = this.vector(e.vector);
        if (t.pendingSince < 0) t.pendingSince = e.seq;
        return;
      }
      case EventKind.PendingCleared:
        this.vector(e.vector).pendingSince = -1;
        return;
      case EventKind.Reset:
        if (e.detail === RESET_DEVICE) this.intx = false;
        if (e.detail === RESET_MSIX) this.resetMsix();
        return;
      default:
    }
  }

  /** X1: Enable and Function Mask clear, every vector masked by its own bit, nothing pending. */
  private resetMsix(): void {
    this.msixEnabled = false;
    this.functionMaskBit = false;
    for (const t of this.vectors.values()) {
      t.masked = true;
      t.maskedSince = -1;
      t.maskCause = MaskCause.VectorBit;
      t.pendingSince = -1;
    }
  }
}

