// A machine's devices as plain data: what `irqscope session state` prints and what the
// app shows while viewing an earlier event.
import type { Machine } from '../machine/machine';
import { formatBdf } from '../machine/pci/pci-bus';

export interface DeviceStateJson {
  bdf: string;
  name: string;
  command: number;
  status: number;
  /** The whole config space, as hex byte pairs. */
  config: string;
  /** MSI-X Message Control (cap+2), or null without MSI-X. */
  messageControl: number | null;
  /** The table's dwords in table order (4 per entry). */
  table: number[];
  /** The PBA's dwords. */
  pba: number[];
  useCount: number[];
  delivered: number[];
  intx: number;
}

export function deviceStates(machine: Machine, bdf?: number): DeviceStateJson[] {
  return machine
    .functions()
    .filter((fn) => bdf === undefined || fn.address === bdf)
    .map((fn) => {
      const msix = fn.msix;
      return {
        bdf: formatBdf(fn.address),
        name: fn.name,
        command: fn.config.get16(0x04),
        status: fn.config.get16(0x06),
        config: Buffer.from(fn.config.bytes).toString('hex'),
        messageControl: msix === null ? null : fn.config.get16(msix.capabilityOffset + 2),
        table: msix === null ? [] : Array.from(msix.table),
        pba: msix === null ? [] : Array.from(msix.pba),
        useCount: msix === null ? [] : Array.from(msix.useCount),
        delivered: msix === null ? [] : Array.from(msix.delivered),
        intx: fn.intxOutput,
      };
    });
}
