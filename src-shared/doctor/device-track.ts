// What the doctor knows of each device, learnt from the event stream alone (so it
// works on a saved session, a script's run or an --events file): the interrupt mode
// (INTx level, MSI-X Enable and Function Mask, plain MSI's Enable) and, per
// vector, whether it is masked and since when it is pending.
import { FUNCTION_MSI, MaskCause, ResetScope } from '../timeline/event-kinds';
import { EventKind, eventField } from '../timeline/event-schema';
import { field, type DoctorEvent } from './doctor-event';
import { deliveredCpuSet as cpuSetOf } from '../timeline/delivered-cpus';

// Imported bindings are read through getters under CommonJS interop; apply() runs for every event, so it uses local copies
// (and a flood's kind reads its fields through readers of its own).
const { FunctionMaskChanged, IntxChanged, NotifyDelivered, NotifyDropped, NotifyPended, NotifyToMemory, PendingCleared, Reset, VectorMasked, VectorUnmasked } = EventKind;
const delivered = eventField.NotifyDelivered;
const deliveredCpuSet = cpuSetOf;

const FUNCTION_MASK = 0x4000;

export class VectorTrack {
  /** M2 as the VectorMasked/VectorUnmasked events tell it; every vector starts masked (I5). */
  masked = true;
  /** The event that masked it (or -1: masked since the device was created or reset). */
  maskedSince = -1;
  maskCause: number = MaskCause.VectorBit;
  /** Sequence number of the notify that set the pending bit, or -1 when not pending. */
  pendingSince = -1;
  /** Notifies folded into the pending bit since it was set. */
  pendedNotifies = 0;
  /** The latest outcome of a message (Outcome), how many times in a row, and its last event. */
  outcome: number = Outcome.None;
  outcomeCount = 0;
  outcomeSeq = -1;
  /** For a delivery: the set of CPUs reached (bit i: CPU i) and the IDT vector; for a drop: the DropReason. */
  outcomeTarget = 0;
  outcomeIdt = 0;
  dropped = 0;

  /** Counts a message outcome: a repeat of the last one (same target) extends its streak. */
  noteOutcome(outcome: number, seq: number, target: number, idt: number): void {
    const same = outcome === this.outcome && target === this.outcomeTarget && idt === this.outcomeIdt;
    this.outcomeCount = same ? this.outcomeCount + 1 : 1;
    this.outcome = outcome;
    this.outcomeTarget = target;
    this.outcomeIdt = idt;
    this.outcomeSeq = seq;
    if (outcome === Outcome.Dropped) this.dropped++;
  }
}

/** What last became of a vector's message. */
export const Outcome = { None: 0, Delivered: 1, ToMemory: 2, Dropped: 3 } as const;

export class DeviceTrack {
  intx = false;
  intxSince = -1;
  msixEnabled = false;
  msixEnabledSince = -1;
  functionMaskBit = false;
  /** Plain MSI's Enable (its FunctionMaskChanged events carry FUNCTION_MSI). */
  msiEnabled = false;
  msiEnabledSince = -1;
  /** Messages dropped, out-of-range vectors included. */
  droppedTotal = 0;
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
      case IntxChanged:
        this.intx = field(e, 'IntxChanged', 'level') === 1;
        this.intxSince = e.seq;
        return;
      case FunctionMaskChanged:
        if (field(e, 'FunctionMaskChanged', 'capability') === FUNCTION_MSI) {
          this.msiEnabled = field(e, 'FunctionMaskChanged', 'enabled') === 1;
          this.msiEnabledSince = e.seq;
          return;
        }
        if ((field(e, 'FunctionMaskChanged', 'enabled') === 1) !== this.msixEnabled) this.msixEnabledSince = e.seq;
        this.msixEnabled = field(e, 'FunctionMaskChanged', 'enabled') === 1;
        this.functionMaskBit = (field(e, 'FunctionMaskChanged', 'control') & FUNCTION_MASK) !== 0;
        return;
      case VectorMasked:
      case VectorUnmasked: {
        const t = this.vector(e.vector);
        t.masked = e.kind === VectorMasked;
        t.maskedSince = e.seq;
        t.maskCause = e.kind === VectorMasked ? field(e, 'VectorMasked', 'cause') : field(e, 'VectorUnmasked', 'cause');
        return;
      }
      case NotifyPended: {
        const t = this.vector(e.vector);
        if (t.pendingSince < 0) t.pendingSince = e.seq;
        t.pendedNotifies++;
        return;
      }
      case PendingCleared: {
        const t = this.vector(e.vector);
        t.pendingSince = -1;
        t.pendedNotifies = 0;
        return;
      }
      case NotifyDelivered:
        // The CPUs the APIC reached (a logical or broadcast destination is not an APIC ID).
        this.vector(e.vector).noteOutcome(Outcome.Delivered, e.seq, deliveredCpuSet(delivered.cpuSet(e.cols, e.i), delivered.target(e.cols, e.i)), delivered.data(e.cols, e.i) & 0xff);
        return;
      case NotifyToMemory: {
        const address = field(e, 'NotifyToMemory', 'address');
        this.vector(e.vector).noteOutcome(Outcome.ToMemory, e.seq, address >>> 0, Math.floor(address / 0x100000000));
        return;
      }
      case NotifyDropped:
        this.droppedTotal++;
        this.vector(e.vector).noteOutcome(Outcome.Dropped, e.seq, field(e, 'NotifyDropped', 'reason'), 0);
        return;
      case Reset:
        // A device reset clears MSI's Enable without an event of its own (msi_reset, MX1).
        if (field(e, 'Reset', 'scope') === ResetScope.Device) {
          this.intx = false;
          this.msiEnabled = false;
        }
        if (field(e, 'Reset', 'scope') === ResetScope.Msix) this.resetMsix();
        return;
      default:
    }
  }

  /** As apply(e) `n` more times, right after apply(e), for the kinds Doctor.feedRun takes at once. */
  repeat(e: DoctorEvent, n: number): void {
    const t = this.vector(e.vector);
    if (e.kind === NotifyDelivered) {
      // The same outcome again: the streak grows.
      t.outcomeCount += n;
      t.outcomeSeq = e.seq;
    } else if (e.kind === NotifyPended) {
      t.pendedNotifies += n;
    } else {
      throw new RangeError(`event kind ${e.kind} is not taken as repeats`);
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
      t.pendedNotifies = 0;
    }
  }
}

