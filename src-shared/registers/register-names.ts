// Config registers by name, as the breakpoint commands (qtest `break config`) and
// the app's breakpoint form take them: a type 0 header register (COMMAND,
// BASE_ADDRESS_1, …) at its fixed offset, or an MSI-X capability register
// (MSIX_FLAGS, MSIX_TABLE, MSIX_PBA) at the named device's capability.
import { MSIX_CAP_REGISTERS, TYPE0_HEADER } from './layout';

export type RegisterPlace = { ok: true; offset: number; length: number } | { ok: false; error: string };

/** The device a capability register is looked up on, or null for "any device". */
export interface RegisterDevice {
  address: string;
  /** Where its MSI-X capability is; null without one. */
  msixCapOffset: number | null;
}

export function registerPlace(text: string, device: RegisterDevice | null): RegisterPlace {
  const name = text.trim().toUpperCase();
  const header = TYPE0_HEADER.find((r) => r.name === name);
  if (header !== undefined) return { ok: true, offset: header.offset, length: header.size };
  const cap = MSIX_CAP_REGISTERS.find((r) => r.name === name && r.name.startsWith('MSIX_'));
  if (cap === undefined) {
    return { ok: false, error: `'${text.trim()}' is neither an offset nor a register name (COMMAND, STATUS, BASE_ADDRESS_0…5, MSIX_FLAGS, MSIX_TABLE, MSIX_PBA, …)` };
  }
  if (device === null) return { ok: false, error: `${name} is at a different offset on each device: name one` };
  if (device.msixCapOffset === null) return { ok: false, error: `${device.address} has no MSI-X capability` };
  return { ok: true, offset: device.msixCapOffset + cap.offset, length: cap.size };
}
