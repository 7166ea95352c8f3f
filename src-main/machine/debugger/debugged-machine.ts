// What the debugger needs of the machine it watches. The machine owns its debugger, so the
// debugger sees the machine through this interface instead of importing it: no cycle, and a
// test can hand the debugger anything that has these parts.
import type { AddressSpace } from '../address-space';
import type { Clock } from '../clock';
import type { EventLog } from '../event-log';
import type { LocalApic } from '../irq/local-apic';
import type { PciFunction } from '../pci/pci-function';
import type { IntervalSource } from '../interval-source';

export interface DebuggedMachine {
  readonly clock: Clock;
  readonly log: EventLog;
  readonly memory: AddressSpace;
  readonly io: AddressSpace;
  readonly apic: Pick<LocalApic, 'cpus'>;
  fn(bdf: number): PciFunction | null;
  /** The device model raises interrupt cause `cause` (rule D1). */
  raise(fn: PciFunction, cause: number): void;
  listSources(): readonly IntervalSource[];
}
