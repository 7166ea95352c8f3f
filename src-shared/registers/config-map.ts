// Which described register sits at a config offset: the type 0 or type 1
// header, or a register of a capability found in the image. The app's editors
// use it to name what they edit, from the descriptions that give the masks.
import { TYPE0_HEADER, type RegisterDef } from './layout';
import { TYPE1 } from './bridge-header';
import { CAP_ID, EXP_FLAGS, extendedCapabilityRegisters, standardCapabilityRegisters } from './capability-layouts';
import { viewOf } from './register-view';
import { bytesReader, walkExtendedCapabilities, walkStandardCapabilities, type CapabilityEntry } from '../pci-text/config-decode';

export interface DescribedCapability {
  entry: CapabilityEntry;
  registers: readonly RegisterDef[];
}

/** Type 1 headers share 0x00-0x17 and 0x34-0x3d with type 0; the rest is the bridge's. */
const TYPE1_HEADER: readonly RegisterDef[] = [
  ...TYPE0_HEADER.filter((d) => d.offset < 0x18 || (d.offset >= 0x34 && d.offset < 0x3e)),
  ...Object.values(TYPE1),
];

export function headerRegisters(headerType: number): readonly RegisterDef[] {
  return (headerType & 0x7f) === 1 ? TYPE1_HEADER : TYPE0_HEADER;
}

/** Every capability of the image with its registers; extended ones only in a 4 KiB image of a PCI Express function. */
export function describedCapabilities(bytes: Uint8Array): DescribedCapability[] {
  const read = bytesReader(bytes);
  const out: DescribedCapability[] = [];
  let expressType = -1;
  for (const entry of walkStandardCapabilities(read).entries) {
    if (entry.id === CAP_ID.EXP) expressType = viewOf(EXP_FLAGS, read(entry.offset + 2, 2)).get('type');
    out.push({ entry, registers: standardCapabilityRegisters(entry.id, read, entry.offset) });
  }
  if (bytes.length >= 4096 && expressType >= 0) {
    for (const entry of walkExtendedCapabilities(read).entries) out.push({ entry, registers: extendedCapabilityRegisters(entry.id, expressType, read, entry.offset) });
  }
  return out;
}

export interface RegisterAt {
  def: RegisterDef;
  /** Where the register list starts: 0 for the header, the capability's offset otherwise. */
  base: number;
  capability: CapabilityEntry | undefined;
}

export function registerAt(bytes: Uint8Array, offset: number): RegisterAt | undefined {
  const within = (defs: readonly RegisterDef[], base: number) => defs.find((d) => offset >= base + d.offset && offset < base + d.offset + d.size);
  if (offset < 0x40) {
    const def = within(headerRegisters(bytes[0x0e] ?? 0), 0);
    return def ? { def, base: 0, capability: undefined } : undefined;
  }
  for (const cap of describedCapabilities(bytes)) {
    const def = within(cap.registers, cap.entry.offset);
    if (def) return { def, base: cap.entry.offset, capability: cap.entry };
  }
  return undefined;
}
