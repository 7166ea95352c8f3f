// A machine's state at one point, in memory, for the state history: what the event
// stream can change (config spaces, MSI-X state, the 0xCF8 latch, APIC counts, the
// clock). Taking one copies typed arrays; putting one back fills them in and lets
// what follows from config (function mask, BAR mappings, ECAM, INTx pin) follow.
import type { Machine } from '../machine/machine';
import type { MsixState } from '../machine/msix/msix-state';
import type { PciHostState } from '../machine/pci/pci-host';

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

export function takeCheckpoint(machine: Machine): Checkpoint {
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
export function restoreCheckpoint(machine: Machine, cp: Checkpoint): void {
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
