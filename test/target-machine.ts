// Tests look inside the simulated target: the Machine a session, an opened session
// file or a CLI command holds. Hosts never do this (the dependency rules forbid it);
// a test that checks the machine's own state must.
import type { Machine } from '../src-main/machine/machine';
import { MachineTarget } from '../src-main/target/simulated/machine-target';
import { SimulatedTarget } from '../src-main/target/simulated/simulated-target';
import type { Target } from '../src-main/target/target';

/** The Machine inside a simulated target (or whatever holds one as `target`). */
export function machineOf(holder: Target | { readonly target: Target }): Machine {
  const target = 'target' in holder ? holder.target : holder;
  if (!(target instanceof MachineTarget)) throw new Error(`${target.label} is not a simulated target`);
  return target.machine;
}

/** A simulated target over a machine a test built itself. */
export const targetOf = (machine: Machine): Target => new SimulatedTarget(machine);
