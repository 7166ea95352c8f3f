// An x86 local-APIC model seen from the bus: the MSI window at 0xFEE00000 decodes
// messages (rule A1) and counts deliveries per CPU and vector, like /proc/interrupts.
import { Region, SIZES_4 } from '../address-space';
import type { EventLog } from '../event-log';
import { DropReason } from '../../../src-shared/timeline/event-kinds';
import type { EventEmitter } from '../../../src-shared/timeline/event-emitter';

export const MSI_WINDOW_BASE = 0xfee00000;
export const MSI_WINDOW_SIZE = 0x100000;
const BROADCAST = 0xff;
export const DeliveryMode = { Fixed: 0, LowestPriority: 1, Smi: 2, Nmi: 4, Init: 5, ExtInt: 7 } as const;
const SPECIAL_MODE_NAMES: [number, string][] = [
  [DeliveryMode.Nmi, 'NMI'],
  [DeliveryMode.Smi, 'SMI'],
  [DeliveryMode.Init, 'INIT'],
  [DeliveryMode.ExtInt, 'ExtINT'],
];
const RESERVED_MODE_3 = 3;
const RESERVED_MODE_6 = 6;

export class LocalApic {
  /** Fixed and lowest-priority deliveries: counts[cpu * 256 + vector]. */
  readonly counts: Float64Array;
  /** Other delivery modes: special[cpu * 8 + mode] (NMI, SMI, INIT, ExtINT). */
  readonly special: Float64Array;
  /** The region a device's message write lands in; reads return 0, writes from the CPU side are ignored. */
  readonly region: Region;
  private readonly emit: EventEmitter;

  constructor(
    readonly cpus: number,
    log: EventLog,
  ) {
    this.emit = log.emit;
    this.counts = new Float64Array(cpus * 256);
    this.special = new Float64Array(cpus * 8);
    this.region = new Region('apic-msi', MSI_WINDOW_SIZE, { read: () => 0, write: () => undefined }, SIZES_4, 0xffff, 100);
  }

  /** Delivers one message from device `bdf`'s vector; returns false when no CPU took it. */
  deliver(bdf: number, vector: number, addrLo: number, data: number): boolean {
    const dest = (addrLo >>> 12) & 0xff;
    const mode = (data >>> 8) & 7;
    const idtVector = data & 0xff;
    if (mode === 0 && (addrLo & 4) === 0 && dest < this.cpus) {
      // The common case (physical destination, fixed delivery) without building a target set.
      const i = dest * 256 + idtVector;
      this.counts[i] = this.counts[i]! + 1;
      this.emit.notifyDelivered(bdf, vector, DeliveryMode.Fixed, 0, idtVector < 16 ? 1 : 0, dest, data, addrLo);
      return true;
    }
    // QEMU's APIC delivers nothing for the reserved modes (`default: return;`).
    if (mode === RESERVED_MODE_3 || mode === RESERVED_MODE_6) {
      this.emit.notifyDropped(bdf, vector, DropReason.ReservedDeliveryMode, addrLo, data);
      return false;
    }
    const logical = (addrLo & 4) !== 0;
    const targets = LocalApic.targets(dest, logical, mode, this.cpus);
    if (targets === 0) {
      this.emit.notifyDropped(bdf, vector, DropReason.NoSuchCpu, addrLo, data);
      return false;
    }
    const special = mode !== DeliveryMode.Fixed && mode !== DeliveryMode.LowestPriority;
    for (let cpu = 0, bits = targets; bits !== 0; cpu++, bits >>>= 1) {
      if ((bits & 1) === 0) continue;
      if (special) this.special[cpu * 8 + mode] = this.special[cpu * 8 + mode]! + 1;
      else this.counts[cpu * 256 + idtVector] = this.counts[cpu * 256 + idtVector]! + 1;
    }
    const belowSixteen = mode === DeliveryMode.Fixed && idtVector < 16 ? 1 : 0;
    // One physical APIC ID keeps the target = that ID; a logical, broadcast or lowest-priority message records the CPUs it reached.
    const single = !logical && dest !== BROADCAST && mode !== DeliveryMode.LowestPriority;
    this.emit.notifyDelivered(bdf, vector, mode, single ? 0 : 1, belowSixteen, single ? dest : targets, data, addrLo);
    return true;
  }

  /**
   * CPUs (as a bit set, CPU i = APIC ID i) a message reaches. Physical mode: one ID or
   * broadcast. Logical mode: the flat model, one bit per CPU. Lowest priority picks
   * the lowest-numbered target.
   */
  static targets(dest: number, logical: boolean, mode: number, cpus: number): number {
    const all = cpus >= 32 ? 0xffffffff : (1 << cpus) - 1;
    let set: number;
    if (!logical) set = dest === BROADCAST ? all : dest < cpus && dest < 32 ? 1 << dest : 0;
    else set = dest & all;
    if (mode === DeliveryMode.LowestPriority && set !== 0) set = set & -set;
    return set >>> 0;
  }

  /** Like /proc/interrupts: a row per IDT vector, then per special delivery mode, that reached any CPU. */
  countRows(): { label: string; perCpu: number[] }[] {
    const rows: { label: string; perCpu: number[] }[] = [];
    for (let v = 0; v < 256; v++) {
      const perCpu = Array.from({ length: this.cpus }, (_, cpu) => this.counts[cpu * 256 + v]!);
      if (perCpu.some((n) => n > 0)) rows.push({ label: `0x${v.toString(16).padStart(2, '0')}`, perCpu });
    }
    for (const [mode, label] of SPECIAL_MODE_NAMES) {
      const perCpu = Array.from({ length: this.cpus }, (_, cpu) => this.special[cpu * 8 + mode]!);
      if (perCpu.some((n) => n > 0)) rows.push({ label, perCpu });
    }
    return rows;
  }

  total(cpu: number, vector: number): number {
    return this.counts[cpu * 256 + vector]!;
  }

  clear(): void {
    this.counts.fill(0);
    this.special.fill(0);
  }
}
