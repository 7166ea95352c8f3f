// The `Capabilities: [..]` lines of lspci's verbose output. MSI-X is printed in
// full, word for word as lspci does; every other capability gets only lspci's
// first line, in lspci's wording (its detail lines are not reproduced).
// Where lspci's first line depends on decoding irqscope does not do
// (HyperTransport sub-types, Designated Vendor-Specific headers, vendor
// capabilities lspci knows, such as virtio's) the line carries `<?>`, lspci's
// own sign for "not decoded"; unknown IDs use lspci's `#id` form.
import { MSIX_CAP_ID, MSIX_CONTROL } from '../registers/layout';
import {
  HEADER_TYPE,
  walkExtendedCapabilities,
  walkStandardCapabilities,
  type CapabilityEntry,
  type ChainEnd,
  type ConfigReader,
} from './config-decode';
import { hex } from './hex';
import { EXTENDED_CAPABILITIES } from '../registers/capability-names';

const CAP_ID = { PCIX: 0x07, EXP: 0x10 } as const;

export function flag(value: number, bit: number): string {
  return value & bit ? '+' : '-';
}

const EXPRESS_TYPES: Readonly<Record<number, string>> = {
  0: 'Endpoint',
  1: 'Legacy Endpoint',
  5: 'Upstream Port',
  7: 'PCI-Express to PCI/PCI-X Bridge',
  8: 'PCI/PCI-X to PCI-Express Bridge',
  9: 'Root Complex Integrated Endpoint',
  10: 'Root Complex Event Collector',
};

function expressText(flags: number, verbose: number): string {
  const type = (flags >> 4) & 0xf;
  const slot = `(Slot${flag(flags, 0x100)})`;
  const name = type === 4 ? `Root Port ${slot}` : type === 6 ? `Downstream Port ${slot}` : (EXPRESS_TYPES[type] ?? `Unknown type ${type}`);
  const version = verbose >= 2 ? `(v${flags & 0xf}) ` : '';
  return `Express ${version}${name}, MSI ${hex((flags & 0x3e00) >> 9, 2)}`;
}

function msixLines(read: ConfigReader, where: number, control: number, verbose: number): string[] {
  const lines = [
    `MSI-X: Enable${flag(control, MSIX_CONTROL.ENABLE)} Count=${(control & MSIX_CONTROL.TABLE_SIZE_MASK) + 1} Masked${flag(control, MSIX_CONTROL.FUNCTION_MASK)}`,
  ];
  if (verbose < 2) return lines;
  const table = read(where + 4, 4);
  const pba = read(where + 8, 4);
  lines.push(`\t\tVector table: BAR=${table & 7} offset=${hex((table & ~7) >>> 0, 8)}`);
  lines.push(`\t\tPBA: BAR=${pba & 7} offset=${hex((pba & ~7) >>> 0, 8)}`);
  return lines;
}

/** The text after `Capabilities: [xx] `, then any detail lines (already indented). */
function standardText(read: ConfigReader, cap: CapabilityEntry, verbose: number): string[] {
  const flags = read(cap.offset + 2, 2);
  const headerType = read(0x0e, 1) & 0x7f;
  switch (cap.id) {
    case 0x01:
      return [`Power Management version ${flags & 7}`];
    case 0x02:
      return [`AGP version ${hex((flags >> 4) & 0xf)}.${hex(flags & 0xf)}`];
    case 0x03:
      return ['Vital Product Data'];
    case 0x04:
      return [`Slot ID: ${flags & 0x1f} slots, First${flag(flags, 0x20)}, chassis ${hex(flags >> 8, 2)}`];
    case 0x05:
      return [`MSI: Enable${flag(flags, 0x1)} Count=${1 << ((flags & 0x70) >> 4)}/${1 << ((flags & 0x0e) >> 1)} Maskable${flag(flags, 0x100)} 64bit${flag(flags, 0x80)}`];
    case 0x06:
      return ['CompactPCI hot-swap <?>'];
    case CAP_ID.PCIX:
      return [headerType === HEADER_TYPE.NORMAL ? 'PCI-X non-bridge device' : 'PCI-X bridge device'];
    case 0x08:
      return ['HyperTransport <?>'];
    case 0x09:
      return [`Vendor Specific Information: Len=${hex(flags & 0xff, 2)} <?>`];
    case 0x0a:
      return [`Debug port: BAR=${flags >> 13} offset=${hex(flags & 0x1fff, 4)}`];
    case 0x0b:
      return ['CompactPCI central resource control <?>'];
    case 0x0c:
      return ['Hot-plug capable'];
    case 0x0d:
      return [`Subsystem: Device ${hex(read(cap.offset + 4, 2), 4)}:${hex(read(cap.offset + 6, 2), 4)}`];
    case 0x0e:
      return ['AGP3 <?>'];
    case 0x0f:
      return ['Secure device <?>'];
    case CAP_ID.EXP:
      return [expressText(flags, verbose)];
    case MSIX_CAP_ID:
      return msixLines(read, cap.offset, flags, verbose);
    case 0x12:
      return [`SATA HBA v${(flags >> 4) & 0xf}.${flags & 0xf}`];
    case 0x13:
      return ['PCI Advanced Features'];
    case 0x14: {
      const bridge = headerType === HEADER_TYPE.BRIDGE ? `, secondary=${read(cap.offset + 4, 1)}, subordinate=${read(cap.offset + 5, 1)}` : '';
      return [`Enhanced Allocation (EA): NumEntries=${flags & 0x3f}${bridge}`];
    }
    default:
      return [`#${hex(cap.id, 2)} [${hex(flags, 4)}]`];
  }
}

function extendedText(read: ConfigReader, cap: CapabilityEntry): string {
  if (cap.id === 0x0003) {
    const low = read(cap.offset + 4, 4);
    const high = read(cap.offset + 8, 4);
    const bytes = [high >>> 24, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff, low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff];
    return `Device Serial Number ${bytes.map((b) => hex(b, 2)).join('-')}`;
  }
  if (cap.id === 0x000b) {
    const header = read(cap.offset + 4, 4);
    return `Vendor Specific Information: ID=${hex(header & 0xffff, 4)} Rev=${(header >>> 16) & 0xf} Len=${hex(header >>> 20, 3)} <?>`;
  }
  return EXTENDED_CAPABILITIES[cap.id]?.lspci ?? `#${hex(cap.id, 2)}`;
}

function chainEndLine(end: ChainEnd, label: (at: number) => string): string[] {
  if (end.kind === 'looped') return [`\tCapabilities: ${label(end.at)} <chain looped>`];
  if (end.kind === 'broken') return [`\tCapabilities: ${label(end.at)} <chain broken>`];
  return [];
}

/**
 * Like lspci, extended capabilities are shown only for functions with a PCI
 * Express or PCI-X capability, and only when the image holds the 4 KiB space.
 */
export function capabilityLines(read: ConfigReader, configLength: number, verbose: number): string[] {
  const lines: string[] = [];
  const standard = walkStandardCapabilities(read);
  let canHaveExtended = false;
  for (const cap of standard.entries) {
    const [first = '', ...details] = standardText(read, cap, verbose);
    lines.push(`\tCapabilities: [${hex(cap.offset, 2)}] ${first}`, ...details);
    if (cap.id === CAP_ID.EXP || cap.id === CAP_ID.PCIX) canHaveExtended = true;
  }
  lines.push(...chainEndLine(standard.end, (at) => `[${hex(at, 2)}]`));
  if (!canHaveExtended || configLength < 4096) return lines;

  const extendedLabel = (at: number) => `[${hex(at, 3)}${verbose > 1 ? ` v${(read(at, 4) >>> 16) & 0xf}` : ''}]`;
  const extended = walkExtendedCapabilities(read);
  for (const cap of extended.entries) lines.push(`\tCapabilities: ${extendedLabel(cap.offset)} ${extendedText(read, cap)}`);
  lines.push(...chainEndLine(extended.end, extendedLabel));
  return lines;
}
