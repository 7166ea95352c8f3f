// A machine's state at one point, in memory, for the state history: what the event
// stream can change (config spaces, MSI-X tables, PBAs, use and delivered counts,
// APIC counts, the clock). Taking one copies typed arrays; putting one back fills
// them in and lets the caches (function mask, BAR mappings, INTx pin) follow.
import type { Machine } from '../machine/machine';
import { STATUS_OFFSET } from '../machine/pci/pci-function';
import { STATUS } from '../../src-shared/registers/layout';

interface FunctionState {
  config: Uint8Array;
  table: Uint32Array | null;
  pba: Uint32Array | null;
  useCount: Uint32Array | null;
  delivered: Float64Array | null;
}

export interface Checkpoint {
  /** The number of events logged when it was taken: the state right after event seq-1. */
  seq: number;
  now: number;
  functions: FunctionState[];
  counts: Float64Array;
  special: Float64Array;
}

export function takeCheckpoint(machine: Machine): Checkpoint {
  return {
    seq: machine.log.total,
    now: machine.clock.now,
    functions: machine.functions().map((fn) => ({
      config: fn.config.bytes.slice(),
      table: fn.msix?.table.slice() ?? null,
      pba: fn.msix?.pba.slice() ?? null,
      useCount: fn.msix?.useCount.slice() ?? null,
      delivered: fn.msix?.delivered.slice() ?? null,
    })),
    counts: machine.apic.counts.slice(),
    special: machine.apic.special.slice(),
  };
}

/** Puts `cp` back into `machine` (built from the same description); the log then continues at cp.seq. */
export function restoreCheckpoint(machine: Machine, cp: Checkpoint): void {
  machine.functions().forEach((fn, i) => {
    const saved = cp.functions[i]!;
    fn.config.bytes.set(saved.config);
    fn.setIntxLevel((fn.config.get16(STATUS_OFFSET) & STATUS.INTX_STATUS) !== 0 ? 1 : 0);
    machine.bus.remap(fn);
    const msix = fn.msix;
    if (msix !== null) {
      msix.table.set(saved.table!);
      msix.pba.set(saved.pba!);
      msix.useCount.set(saved.useCount!);
      msix.delivered.set(saved.delivered!);
      msix.syncFromConfig();
    }
  });
  machine.apic.counts.set(cp.counts);
  machine.apic.special.set(cp.special);
  machine.clock.now = cp.now;
  // What the caches logged on the way is not part of the run: the log picks up at cp.seq.
  machine.log.restore(cp.seq, machine.log.slice(0, 0));
}
