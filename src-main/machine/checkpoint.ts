// A machine's state at one point, in memory, for the state history: what the event
// stream can change (config spaces, MSI-X state, the 0xCF8 latch, APIC counts, the
// clock). Taking one copies typed arrays; putting one back fills them in and lets
// what follows from config (function mask, BAR mappings, ECAM, INTx pin) follow.
// The machine holds a trail of these (checkpoint-trail.ts), so it is seen here through
// the parts a checkpoint touches, not imported.
import type { Clock } from './clock';
import type { EventLog } from './event-log';
import type { LocalApic } from './irq/local-apic';
import type { MsixState } from './msix/msix-state';
import type { PciFunction } from './pci/pci-function';
import type { PciHost, PciHostState } from './pci/pci-host';

/** What a checkpoint copies and puts back: a Machine. */
export interface CheckpointedMachine {
  readonly clock: Clock;
  readonly log: EventLog;
  readonly bus: PciHost;
  readonly apic: LocalApic;
  functions(): PciFunction[];
}

interface FunctionState {
  config: Uint8Array;
  msix: MsixState | null;
}

export interface Checkpoint {
  /** The number of events logged when it was taken: the state right after event seq-1. */
  seq: number;
  now: number;
  functions: FunctionState[];
  pci: PciHostState;
  counts: Float64Array;
  special: Float64Array;
}

/** Roughly what one holds, for the trail's memory bound. */
export function checkpointBytes(cp: Checkpoint): number {
  let bytes = cp.counts.byteLength + cp.special.byteLength;
  for (const f of cp.functions) {
    bytes += f.config.byteLength;
    if (f.msix !== null) bytes += f.msix.table.byteLength + f.msix.pba.byteLength + f.msix.useCount.byteLength + f.msix.delivered.byteLength;
  }
  return bytes;
}

export function takeCheckpoint(machine: CheckpointedMachine): Checkpoint {
  return {
    seq: machine.log.total,
    now: machine.clock.now,
    functions: machine.functions().map((fn) => ({ config: fn.config.bytes.slice(), msix: fn.msix?.saveState() ?? null })),
    pci: machine.bus.saveState(),
    counts: machine.apic.counts.slice(),
    special: machine.apic.special.slice(),
  };
}

/** Puts `cp` back into `machine` (built from the same description); the log then continues at cp.seq. */
export function restoreCheckpoint(machine: CheckpointedMachine, cp: Checkpoint): void {
  machine.functions().forEach((fn, i) => {
    const saved = cp.functions[i]!;
    fn.config.bytes.set(saved.config);
    if (saved.msix !== null) fn.msix!.restoreState(saved.msix);
  });
  machine.bus.restoreState(cp.pci);
  machine.apic.counts.set(cp.counts);
  machine.apic.special.set(cp.special);
  machine.clock.now = cp.now;
  // What the caches logged on the way is not part of the run: the log picks up at cp.seq.
  machine.log.restore(cp.seq, machine.log.slice(0, 0));
}
