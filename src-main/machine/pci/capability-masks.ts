// Write masks for the capabilities of an imported config image, from the same
// register descriptions the lspci text and the app's editors decode with
// (src-shared/registers/capability-layouts.ts): control bits writable, status
// bits write-1-to-clear, capability bits read-only. MSI-X is left to its engine,
// which installs the same description's masks when it is created (R1): without an
// engine, a dumped MSI-X capability stays read-only.
import type { ConfigSpace } from './config-space';
import { fillByteMasks, MSIX_CAP_ID, type RegisterDef } from '../../../src-shared/registers/layout';
import { CAP_ID, EXP_FLAGS, extendedCapabilityRegisters, standardCapabilityRegisters } from '../../../src-shared/registers/capability-layouts';
import { viewOf } from '../../../src-shared/registers/register-view';
import { bytesReader, walkExtendedCapabilities, walkStandardCapabilities } from '../../../src-shared/pci-text/config-decode';

const STANDARD_END = 0x100;

function place(defs: readonly RegisterDef[], base: number, end: number, config: ConfigSpace): void {
  fillByteMasks(defs.filter((d) => base + d.offset + d.size <= end), base, config.writable, config.w1c);
}

export function applyCapabilityMasks(config: ConfigSpace): void {
  const read = bytesReader(config.bytes);
  let expressType = -1;
  for (const cap of walkStandardCapabilities(read).entries) {
    if (cap.id === CAP_ID.EXP) expressType = viewOf(EXP_FLAGS, read(cap.offset + 2, 2)).get('type');
    if (cap.id !== MSIX_CAP_ID) place(standardCapabilityRegisters(cap.id, read, cap.offset), cap.offset, STANDARD_END, config);
  }
  if (config.size < 4096 || expressType < 0) return;
  for (const cap of walkExtendedCapabilities(read).entries) place(extendedCapabilityRegisters(cap.id, expressType, read, cap.offset), cap.offset, config.size, config);
}
