// What an MSI-X or MSI engine needs from the PCI function that owns it: its address
// (events name it), its config space (the capability lives there), the event log, the
// sink its messages go to, and the INTx line it silences when enabled (C3, MW1).
import type { ConfigSpace } from './config-space';
import type { EventLog } from '../event-log';
import type { InterruptSink } from '../irq/interrupt-sink';

export interface InterruptHost {
  readonly bdf: number;
  readonly config: ConfigSpace;
  readonly log: EventLog;
  /** N3: where the device's message writes go. */
  readonly sink: InterruptSink;
  /** C3 */
  deassertIntx(): void;
}
