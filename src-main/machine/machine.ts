// The whole simulated machine: clock, event log, memory and I/O address spaces,
// RAM, the local APIC, the PCI hierarchy with its functions, and the periodic interrupt
// sources of the device models. Built from a machine description (machine-builder.ts).
import { AccessStatus, AddressSpace } from './address-space';
import { Clock, periodOfRate } from './clock';
import type { IntervalSource } from './interval-source';
import { Debugger } from './debugger/debugger';
import type { DebuggedMachine } from './debugger/debugged-machine';
import { EventLog } from './event-log';
import { CheckpointTrail } from './checkpoint-trail';
import { LocalApic } from './irq/local-apic';
import { MessageOutcome, type InterruptSink } from './irq/interrupt-sink';
import { PciHost } from './pci/pci-host';
import { formatBdf } from './pci/pci-bus';
import type { PciFunction } from './pci/pci-function';
import type { Ram } from './ram';
import { sourceRateProblem, type MachineDescription } from '../../src-shared/machine-file/description';
import { DropReason, Origin, ResetScope } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';

// Imported bindings are read through getters under CommonJS interop; the hot path uses local copies.
const { Interrupt: INTERRUPT, Dropped: DROPPED } = MessageOutcome;
const DEVICE_ORIGIN = Origin.Device;

export class Machine implements DebuggedMachine, InterruptSink {
  readonly clock = new Clock();
  readonly log: EventLog;
  readonly memory: AddressSpace;
  readonly io: AddressSpace;
  readonly apic: LocalApic;
  /** The PCI hierarchy: root buses, bridges, functions, 0xCF8/0xCFC and ECAM. */
  readonly bus: PciHost;
  readonly ram: Ram[] = [];
  /** Breakpoints and pausing (debugger/). */
  readonly debugger: Debugger;
  /** The run's checkpoints, taken between operations as it goes (checkpoint-trail.ts). */
  readonly checkpoints: CheckpointTrail;
  private readonly sources = new Map<number, IntervalSource>();

  constructor(
    readonly description: MachineDescription,
    logCapacity: number,
  ) {
    this.log = new EventLog(this.clock, logCapacity);
    this.memory = new AddressSpace('memory', this.log, false);
    this.io = new AddressSpace('io', this.log, true);
    this.apic = new LocalApic(description.cpus, this.log);
    this.memory.map(this.apic.region, 0xfee00000);
    this.bus = new PciHost(this.memory, this.io, this.log);
    this.debugger = new Debugger(this);
    this.checkpoints = new CheckpointTrail(this);
  }

  /**
   * The platform's interrupt sink: where a device's message write goes once past its
   * Bus Master gate (A1, A2, A3). The APIC window decodes it, a region that takes the
   * 4-byte write gets an ordinary memory write, and a hole (nothing claims the address,
   * even inside a mapped BAR) or a region that refuses the write drops it, so the
   * engine's delivered count and the log agree.
   */
  deliver(bdf: number, vector: number, addrLo: number, addrHi: number, data: number): MessageOutcome {
    // The APIC window is the highest-priority region, so it is checked before the lookup.
    const window = this.apic.region;
    if (addrHi === 0 && addrLo >= window.base && addrLo < window.end) return this.apic.deliver(bdf, vector, addrLo, data) ? INTERRUPT : DROPPED;
    const addr = addrHi * 0x100000000 + addrLo;
    const reach = this.memory.classify(addr, 4);
    if (reach !== AccessStatus.Ok) {
      this.log.emit.notifyDropped(bdf, vector, reach === AccessStatus.Refused ? DropReason.Refused : DropReason.Unclaimed, addr, data);
      return DROPPED;
    }
    this.log.emit.notifyToMemory(bdf, vector, addr, data);
    this.memory.write(addr, 4, data);
    return this.memory.lastStatus === 0 ? MessageOutcome.Memory : DROPPED;
  }

  functions(): PciFunction[] {
    return this.bus.list();
  }

  /** By address (src-shared/pci-text/bdf.ts): a bus/dev.fn number is domain 0000's function. */
  fn(address: number): PciFunction | null {
    return this.bus.get(address);
  }

  /** D1, attributed to the device model. */
  raise(fn: PciFunction, cause: number): void {
    const saved = this.log.currentOrigin;
    this.log.currentOrigin = DEVICE_ORIGIN;
    fn.raise(cause);
    this.log.currentOrigin = saved;
  }

  startSource(fn: PciFunction, vector: number, ratePerSecond: number): IntervalSource {
    const rateProblem = sourceRateProblem(ratePerSecond);
    if (rateProblem !== null) throw new RangeError(`source rate ${ratePerSecond}: ${rateProblem}`);
    const problem = sourceVectorError(fn, vector);
    if (problem !== null) throw new RangeError(problem);
    this.stopSource(fn.address, vector);
    // A firing is one whole operation: after it is a point a checkpoint may be taken.
    const timer = this.clock.every(periodOfRate(ratePerSecond), () => {
      this.raise(fn, vector);
      this.checkpoints.offer();
    });
    const source = { bdf: fn.address, vector, ratePerSecond, timer };
    this.sources.set(fn.address * 65536 + vector, source);
    return source;
  }

  /** `address` as machine.fn takes it: a bus/dev.fn number names domain 0000's function. */
  stopSource(address: number, vector: number): boolean {
    const key = address * 65536 + vector;
    const source = this.sources.get(key);
    if (source === undefined) return false;
    this.clock.cancel(source.timer);
    this.sources.delete(key);
    return true;
  }

  listSources(): IntervalSource[] {
    return [...this.sources.values()];
  }

  /** Advances virtual time by `ns`, firing interrupt sources on the way. */
  step(ns: number, maxFirings = Infinity): boolean {
    return this.clock.advanceTo(this.clock.now + ns, maxFirings);
  }

  /** As QEMU's system_reset: every function's Command and BARs cleared, MSI-X reset. */
  systemReset(): void {
    this.log.emit.reset(0xffff, ResetScope.System);
    for (const fn of this.functions()) {
      fn.reset();
      this.bus.remap(fn);
    }
  }
}

/**
 * Why a source on `vector` of `fn` raises nothing the device has, or null: a cause is
 * an MSI-X vector of the function, or INTx's one line (cause 0) on a function without
 * MSI-X (D1).
 */
export function sourceVectorError(fn: PciFunction, vector: number): string | null {
  const vectors = fn.msix?.vectors ?? fn.msi?.vectorsCapable ?? 1;
  if (Number.isInteger(vector) && vector >= 0 && vector < vectors) return null;
  const has = fn.msix !== null ? `has MSI-X vectors 0..${vectors - 1}` : fn.msi !== null ? `has MSI vectors 0..${vectors - 1}` : 'has no MSI-X, only INTx (cause 0)';
  return `vector ${vector} out of range: ${formatBdf(fn.address)} (${fn.name}) ${has}`;
}
