// Test scaffolding: a small machine built from a machine description, and a guest
// that drives it the way a driver does (config cycles, MMIO at the programmed BAR).
import { expect } from 'vitest';
import { loadMachineObject } from '../../src-main/machine/machine-builder';
import type { Machine } from '../../src-main/machine/machine';
import type { MsixEngine, VectorNotifiers } from '../../src-main/machine/msix/msix-engine';
import type { PciFunction } from '../../src-main/machine/pci/pci-function';
import type { MachineDescriptionInput } from '../../src-shared/machine-file/description';
import { describeEvent, EVENT_KIND_NAMES, readFields } from '../../src-shared/timeline/event-schema';
import type { EventLog } from '../../src-main/machine/event-log';

export const NIC = 0x18; // 00:03.0
export const CAP = 0x84;
export const BAR1 = 0xe0000000;
export const BAR4 = 0x2_0000_0000; // above 4 GiB, as a 64-bit BAR may be
export const PBA_OFFSET = 0x800;
export const RAM_SIZE = 0x10000;
export const MEM = 1 << 1;
export const BUS_MASTER = 1 << 2;
export const INTX_DISABLE = 1 << 10;
export const ENABLE = 0x8000;
export const MASKALL = 0x4000;
export const ADDR_LO = 0;
export const ADDR_HI = 4;
export const DATA = 8;
export const CTRL = 12;

/** The MSI address that reaches APIC `dest` in physical mode. */
export const apicAddress = (dest: number, logical = false): number => (0xfee00000 | (dest << 12) | (logical ? 4 : 0)) >>> 0;

export interface NicOptions {
  vectors?: number;
  cpus?: number;
  used?: 'all' | number[];
  logCapacity?: number;
}

/** A virtio-net-like function: BAR1 (4 KiB) holds the table at 0 and the PBA at 0x800. */
export function nicDescription(o: NicOptions = {}): MachineDescriptionInput {
  return {
    cpus: o.cpus ?? 4,
    ram: [{ base: '0x0', size: RAM_SIZE }],
    eventLogCapacity: o.logCapacity ?? 1 << 14,
    devices: [
      {
        bdf: '00:03.0',
        name: 'nic0',
        vendor: '0x1af4',
        device: '0x1000',
        class: '0x020000',
        revision: 1,
        bars: [
          { index: 0, type: 'io', size: '0x20' },
          { index: 1, type: 'mem32', size: '0x1000' },
          { index: 4, type: 'mem64', size: '0x4000', prefetchable: true },
        ],
        msix: {
          vectors: o.vectors ?? 3,
          capOffset: CAP,
          table: { bar: 1, offset: '0x0' },
          pba: { bar: 1, offset: PBA_OFFSET },
          ...(o.used !== undefined ? { used: o.used } : {}),
        },
      },
    ],
  };
}

export function build(desc: MachineDescriptionInput): Machine {
  const r = loadMachineObject(desc);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.machine;
}

export interface Ev {
  kind: string;
  detail: number;
  bdf: number;
  vector: number;
  a: number;
  b: number;
  c: number;
  /** The kind's fields by name, as the event schema reads them. */
  fields: Record<string, number>;
  text: string;
}

/** Events appended to `log` since sequence number `from`, with their kinds by name. */
export function eventsSince(log: EventLog, from: number): Ev[] {
  const cols = log.slice(from, log.total);
  const out: Ev[] = [];
  for (let k = 0; k < cols.kind.length; k++) {
    out.push({
      kind: EVENT_KIND_NAMES[cols.kind[k]!]!,
      detail: cols.detail[k]!,
      bdf: cols.bdf[k]!,
      vector: cols.vector[k]!,
      a: cols.a[k]!,
      b: cols.b[k]!,
      c: cols.c[k]!,
      fields: readFields(cols, k)!,
      text: describeEvent(cols, k),
    });
  }
  return out;
}

/** A driver's view of one function: config cycles and MMIO at the BAR it programmed. */
export class Guest {
  private mark = 0;

  constructor(
    readonly machine: Machine,
    readonly bdf = NIC,
    readonly cap = CAP,
    readonly barAddr = BAR1,
    readonly pbaOffset = PBA_OFFSET,
  ) {}

  static nic(o: NicOptions = {}): Guest {
    const g = new Guest(build(nicDescription(o)));
    g.setup();
    return g;
  }

  get fn(): PciFunction {
    return this.machine.fn(this.bdf)!;
  }

  get engine(): MsixEngine {
    return this.fn.msix!;
  }

  cfgRead(offset: number, size: number): number {
    return this.machine.bus.configRead(this.bdf, offset, size);
  }

  cfgWrite(offset: number, size: number, value: number): void {
    this.machine.bus.configWrite(this.bdf, offset, size, value);
  }

  /** Programs BAR1 and turns on memory decoding and bus mastering. */
  setup(command = MEM | BUS_MASTER): void {
    this.cfgWrite(0x14, 4, this.barAddr);
    this.cfgWrite(0x04, 2, command);
  }

  command(bits: number): void {
    this.cfgWrite(0x04, 2, bits);
  }

  control(): number {
    return this.cfgRead(this.cap + 2, 2);
  }

  writeControl(value: number): void {
    this.cfgWrite(this.cap + 2, 2, value);
  }

  entryAddr(vector: number, field = 0): number {
    return this.barAddr + vector * 16 + field;
  }

  pbaAddr(byteOffset = 0): number {
    return this.barAddr + this.pbaOffset + byteOffset;
  }

  read(addr: number, size: number): number {
    return this.machine.memory.read(addr, size);
  }

  write(addr: number, size: number, value: number, high = 0): void {
    this.machine.memory.write(addr, size, value, high);
  }

  readEntry(vector: number, field: number): number {
    return this.read(this.entryAddr(vector, field), 4);
  }

  writeEntry(vector: number, field: number, value: number): void {
    this.write(this.entryAddr(vector, field), 4, value);
  }

  /** Writes a whole entry, vector control last (as drivers do). */
  program(vector: number, addrLo: number, data: number, masked = false, addrHi = 0): void {
    this.writeEntry(vector, ADDR_LO, addrLo);
    this.writeEntry(vector, ADDR_HI, addrHi);
    this.writeEntry(vector, DATA, data);
    this.writeEntry(vector, CTRL, masked ? 1 : 0);
  }

  pba(word = 0): number {
    return this.read(this.pbaAddr(word * 4), 4);
  }

  use(...vectors: number[]): void {
    for (const v of vectors) expect(this.engine.use(v)).toEqual({ ok: true });
  }

  /** Starts collecting events from now on. */
  markEvents(): void {
    this.mark = this.machine.log.total;
  }

  events(): Ev[] {
    return eventsSince(this.machine.log, this.mark);
  }

  kinds(): string[] {
    return this.events().map((e) => e.kind);
  }

  eventsOf(kind: string): Ev[] {
    return this.events().filter((e) => e.kind === kind);
  }

  total(cpu: number, vector: number): number {
    return this.machine.apic.total(cpu, vector);
  }

  /** Deliveries of `vector` summed over every CPU. */
  delivered(vector: number): number {
    let n = 0;
    for (let cpu = 0; cpu < this.machine.apic.cpus; cpu++) n += this.machine.apic.total(cpu, vector);
    return n;
  }
}

export type NotifierCall = ['use', number, number, number, number] | ['release', number] | ['poll', number, number];

/** A recording VectorNotifiers; `failUse` makes use() fail for that vector. */
export class RecordingNotifiers implements VectorNotifiers {
  readonly calls: NotifierCall[] = [];
  failUse = -1;
  poll: ((start: number, end: number) => void) | undefined;

  constructor(withPoll = true) {
    this.poll = withPoll ? (start, end) => void this.calls.push(['poll', start, end]) : undefined;
  }

  use(vector: number, addrLo: number, addrHi: number, data: number): number {
    this.calls.push(['use', vector, addrLo, addrHi, data]);
    return vector === this.failUse ? -22 : 0;
  }

  release(vector: number): void {
    this.calls.push(['release', vector]);
  }

  take(): NotifierCall[] {
    return this.calls.splice(0);
  }
}

/** Naturally aligned pieces no larger than the alignment of their address (T1's wording), at most 4 bytes. */
export function pieces(offset: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let at = offset, left = size; left > 0; ) {
    let s = 4;
    while (s > left || at % s !== 0) s /= 2;
    out.push([at, s]);
    at += s;
    left -= s;
  }
  return out;
}
