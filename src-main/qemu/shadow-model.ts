// The shadow model: every guest access a real QEMU reports in its trace goes through
// irqscope's own machine (the same config space, BAR decoding and MSI-X engine the
// simulated machine uses), so the ordinary event log describes the real guest's
// bring-up; and what QEMU did is checked against what the model says it would do.
//
// What the trace shows and what it does not (QEMU 7.2): config writes (the size comes
// from the access to 0xCFC-0xCFF or MMCONFIG traced just before), every table and PBA
// access with the value QEMU answered, and every message written into the APIC window
// ('apic-msi'). A device's msix_notify has no trace event, so a notify QEMU pended stays
// invisible until the guest unmasks (QEMU then delivers: the model, notified at that
// delivery, delivers too) or reads the PBA (the model is told of the notify then).
//
// irqscope's own qtest reads of a table or PBA (the live view, live-msix.ts) come back
// through the trace like a user's poke. They are announced before they are sent
// (expectOwnRead) and recognised in the trace by their addresses, in order: QEMU runs
// qtest commands one after another, so their records come in the order they were sent.
// They are checked against the model like any read, but logged as no access.
import type { Machine } from '../machine/machine';
import type { MsixEngine } from '../machine/msix/msix-engine';
import type { PciFunction } from '../machine/pci/pci-function';
import { DivergenceKind, Origin } from '../../src-shared/timeline/event-kinds';
import { EventKind, eventField } from '../../src-shared/timeline/event-schema';
import { messageAddressHi, messageAddressLo, messageData } from '../../src-shared/registers/msix-entry';
import type { TraceRecord } from './trace-line';

const APIC_BASE = 0xfee00000;
const APIC_SIZE = 0x100000;
const NO_VECTOR = 0xffff;
/** Own reads announced and not yet seen in the trace, at most: a read QEMU never traced must not pile up. */
const MAX_OWN_READS = 1 << 14;

/** A guest access or device action as the model applied it, for a replay script (trace-import.ts). */
export type ReplayStep =
  | { kind: 'config-write'; bdf: number; offset: number; size: number; value: number }
  | { kind: 'mmio-write' | 'mmio-read'; addr: number; size: number; value: number }
  | { kind: 'notify'; bdf: number; vector: number };

export interface ShadowCounts {
  /** Trace records applied. */
  records: number;
  /** Messages QEMU delivered that are a device's MSI-X vector. */
  deliveries: number;
  /** Messages into the APIC window that are no device's MSI-X (I/O APIC, other MSI): kept out of the timeline. */
  otherMessages: number;
  divergences: number;
  /** Records of irqscope's own live reads (expectOwnRead): checked, not logged. */
  ownReads: number;
}

/** QEMU's apic_mem_write: an access beyond the register page, or to register index 0, is a message. */
export function isApicMessage(addr: number): boolean {
  const offset = addr - APIC_BASE;
  return offset >= 0 && offset < APIC_SIZE && (offset > 0xfff || ((offset >>> 4) & 0xff) === 0);
}

export class ShadowModel {
  readonly counts: ShadowCounts = { records: 0, deliveries: 0, otherMessages: 0, divergences: 0, ownReads: 0 };
  /** The QEMU time (µs since the epoch) of the record being applied; NaN without `-msg timestamp=on`. */
  currentTimeUs = Number.NaN;
  private firstTimeUs = Number.NaN;
  /** The last access to the config data window: its size and who made it (-1: qtest). */
  private configAccess = { size: 4, cpu: 0 };
  /** After a delivery: the IDT vector the model sent, checked against QEMU's apic_deliver_irq. */
  private expectedIdt: { bdf: number; vector: number; idt: number } | null = null;
  /** Dword addresses of own reads announced, oldest first from ownHead. */
  private ownReads: number[] = [];
  private ownHead = 0;

  constructor(
    readonly machine: Machine,
    private readonly onStep: ((step: ReplayStep) => void) | null = null,
  ) {}

  apply(rec: TraceRecord): void {
    this.counts.records++;
    this.currentTimeUs = rec.timeUs;
    this.advanceClock(rec.timeUs);
    const log = this.machine.log;
    switch (rec.kind) {
      case 'mr-write':
      case 'mr-read':
        if (rec.region === 'pci-conf-data' || rec.region === 'pcie-mmcfg-mmio') {
          if (rec.kind === 'mr-write') this.configAccess = { size: rec.size, cpu: rec.cpu };
        } else if (rec.region === 'msix-table' || rec.region === 'msix-pba') {
          log.currentOrigin = rec.cpu < 0 ? Origin.User : Origin.Guest;
          if (rec.kind === 'mr-write') this.msixWrite(rec.addr, rec.size, rec.value);
          else this.msixRead(rec.addr, rec.size, rec.value, rec.region === 'msix-pba', rec.cpu < 0 && this.takeOwnRead(rec.addr));
        } else if (rec.region === 'apic-msi' && rec.kind === 'mr-write' && isApicMessage(rec.addr)) {
          this.message(rec.addr, rec.value);
        }
        return;
      case 'cfg-write':
        // Bus 0 only, as the model's bus.
        if (rec.bdf >>> 8 !== 0) return;
        log.currentOrigin = this.configAccess.cpu < 0 ? Origin.User : Origin.Guest;
        this.machine.bus.configWrite(rec.bdf, rec.offset, this.configAccess.size, rec.value);
        this.onStep?.({ kind: 'config-write', bdf: rec.bdf, offset: rec.offset, size: this.configAccess.size, value: rec.value });
        return;
      case 'apic-deliver':
        this.checkIdt(rec.vector);
        return;
      default:
        return;
    }
  }

  /** irqscope is about to read `dwords` dwords at `addr` over qtest (b64read): their records are its own. */
  expectOwnRead(addr: number, dwords: number): void {
    if (this.ownReads.length - this.ownHead + dwords > MAX_OWN_READS) this.clearOwnReads();
    for (let i = 0; i < dwords; i++) this.ownReads.push(addr + i * 4);
  }

  /** The last own read announced was refused by QEMU: no record of it will come. */
  forgetOwnRead(dwords: number): void {
    this.ownReads.length = Math.max(this.ownHead, this.ownReads.length - dwords);
  }

  /**
   * Whether a qtest read at `addr` is the next own read. One at another address means
   * the own reads announced never reached the trace as expected: they are forgotten,
   * and this read is the user's.
   */
  private takeOwnRead(addr: number): boolean {
    if (this.ownHead === this.ownReads.length) return false;
    if (this.ownReads[this.ownHead] !== addr) {
      this.clearOwnReads();
      return false;
    }
    if (++this.ownHead === this.ownReads.length) this.clearOwnReads();
    this.counts.ownReads++;
    return true;
  }

  private clearOwnReads(): void {
    this.ownReads = [];
    this.ownHead = 0;
  }

  private advanceClock(timeUs: number): void {
    if (Number.isNaN(timeUs)) return;
    if (Number.isNaN(this.firstTimeUs)) this.firstTimeUs = timeUs;
    this.machine.clock.advanceTo((timeUs - this.firstTimeUs) * 1000);
  }

  private msixWrite(addr: number, size: number, value: number): void {
    if (this.ownerOf(addr) === null) this.diverge(DivergenceKind.Unmapped, 0xffff, NO_VECTOR, 0, value, addr);
    this.machine.memory.write(addr, size, value);
    this.onStep?.({ kind: 'mmio-write', addr, size, value });
  }

  /** A table or PBA read QEMU answered; an own read (the live view's) is checked the same, but is no access of anyone's. */
  private msixRead(addr: number, size: number, qemuValue: number, pba: boolean, own: boolean): void {
    const owner = this.ownerOf(addr);
    if (owner === null) {
      this.diverge(DivergenceKind.Unmapped, 0xffff, NO_VECTOR, 0, qemuValue, addr);
      return;
    }
    if (pba) this.learnPending(owner.fn, owner.msix, owner.offset, size, qemuValue, addr);
    let modelValue: number;
    if (own) modelValue = bytesOf(pba ? owner.msix.pba : owner.msix.table, owner.offset, size);
    else {
      modelValue = this.machine.memory.read(addr, size) >>> 0;
      this.onStep?.({ kind: 'mmio-read', addr, size, value: qemuValue });
    }
    if (modelValue !== qemuValue >>> 0) {
      const vector = pba ? NO_VECTOR : owner.offset >>> 4;
      this.diverge(DivergenceKind.ReadBack, owner.fn.bdf, vector, modelValue, qemuValue, addr);
    }
  }

  /**
   * A PBA read shows bits QEMU set by notifies the trace does not show: the model is
   * notified of each now, and must pend it too (the vector is masked in both).
   */
  private learnPending(fn: PciFunction, msix: MsixEngine, offset: number, size: number, qemuValue: number, addr: number): void {
    for (let bit = 0; bit < size * 8; bit++) {
      const vector = offset * 8 + bit;
      if (vector >= msix.vectors || ((qemuValue >>> bit) & 1) === 0 || msix.isPending(vector)) continue;
      const outcome = this.notify(fn, msix, vector);
      if (outcome.kind === EventKind.NotifyDelivered) this.diverge(DivergenceKind.ModelWouldDeliver, fn.bdf, vector, 0, 1, addr);
    }
  }

  /** A message QEMU wrote into the APIC window: a device's vector when some enabled table entry holds exactly it. */
  private message(addr: number, data: number): void {
    const source = this.findVector(addr, data);
    if (source === null) {
      this.counts.otherMessages++;
      return;
    }
    this.counts.deliveries++;
    const { fn, msix, vector } = source;
    const outcome = this.notify(fn, msix, vector);
    if (outcome.kind === EventKind.NotifyDelivered) {
      this.expectedIdt = { bdf: fn.bdf, vector, idt: data & 0xff };
    } else {
      const kind = outcome.kind === EventKind.NotifyPended ? DivergenceKind.ModelWouldPend : DivergenceKind.ModelWouldDrop;
      this.diverge(kind, fn.bdf, vector, outcome.detail, data, addr);
    }
  }

  private notify(fn: PciFunction, msix: MsixEngine, vector: number): { kind: number; detail: number } {
    const log = this.machine.log;
    const from = log.total;
    log.currentOrigin = Origin.Device;
    msix.notify(vector);
    this.onStep?.({ kind: 'notify', bdf: fn.bdf, vector });
    for (let seq = log.total - 1; seq >= from; seq--) {
      const i = seq & (log.capacity - 1);
      const kind = log.kind[i]!;
      if (kind === EventKind.NotifyDelivered && log.vector[i] === vector) return { kind, detail: 0 };
      // The Divergence's `model` field holds the NotifyPended / NotifyDropped detail (event-schema.ts).
      if (kind === EventKind.NotifyPended && log.vector[i] === vector) return { kind, detail: eventField.NotifyPended.pending(log, i) };
      if (kind === EventKind.NotifyDropped && log.vector[i] === vector) return { kind, detail: eventField.NotifyDropped.reason(log, i) };
    }
    return { kind: EventKind.NotifyDropped, detail: 0 };
  }

  private checkIdt(idt: number): void {
    const expected = this.expectedIdt;
    if (expected === null) return;
    this.expectedIdt = null;
    if (expected.idt !== idt) this.diverge(DivergenceKind.IdtVector, expected.bdf, expected.vector, expected.idt, idt, 0);
  }

  /** The enabled MSI-X vector whose entry holds this message, an unmasked one first (drivers park spare entries on one message). */
  private findVector(addr: number, data: number): { fn: PciFunction; msix: MsixEngine; vector: number } | null {
    let masked: { fn: PciFunction; msix: MsixEngine; vector: number } | null = null;
    for (const fn of this.machine.functions()) {
      const msix = fn.msix;
      if (msix === null || !msix.enabled) continue;
      const t = msix.table;
      for (let v = 0; v < msix.vectors; v++) {
        if (messageAddressLo(t, v) !== addr >>> 0 || messageAddressHi(t, v) !== 0 || messageData(t, v) !== data >>> 0) continue;
        if (!msix.isMasked(v)) return { fn, msix, vector: v };
        masked ??= { fn, msix, vector: v };
      }
    }
    return masked;
  }

  /** The MSI-X structure the model maps at `addr`, and the offset into it. */
  private ownerOf(addr: number): { fn: PciFunction; msix: MsixEngine; offset: number } | null {
    const { region, offset } = this.machine.memory.resolve(addr);
    if (region === null) return null;
    for (const fn of this.machine.functions()) {
      const msix = fn.msix;
      if (msix !== null && (region === msix.tableRegion || region === msix.pbaRegion)) return { fn, msix, offset };
    }
    return null;
  }

  private diverge(kind: number, bdf: number, vector: number, model: number, qemu: number, addr: number): void {
    this.counts.divergences++;
    const log = this.machine.log;
    log.currentOrigin = Origin.Machine;
    log.emit.divergence(bdf, vector, kind, model, qemu, addr);
  }
}

/** `size` bytes at byte `offset` of little-endian dwords, as a read of them answers (without logging one). */
function bytesOf(words: Uint32Array, offset: number, size: number): number {
  const word = words[offset >>> 2] ?? 0;
  const shifted = word >>> ((offset & 3) * 8);
  return size >= 4 ? shifted >>> 0 : shifted & ((1 << (size * 8)) - 1);
}
