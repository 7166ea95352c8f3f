// The `Capabilities: [..]` lines of lspci's verbose output, word for word as
// pciutils 3.9 prints them, decoded through the register descriptions in
// src-shared/registers/. Unknown IDs use lspci's `#id` form.
import { MSIX_CONTROL } from '../registers/layout';
import { AGP_REGISTERS, CAP_ID, EXP_FLAGS, PCIX_BRIDGE_REGISTERS, PCIX_REGISTERS, PM_REGISTERS, SATA_REGISTERS, isVirtio, msiRegisters } from '../registers/capability-layouts';
import { readRegister, registerNamed, viewOf } from '../registers/register-view';
import { walkExtendedCapabilities, walkStandardCapabilities, HEADER_TYPE, type CapabilityEntry, type ChainEnd, type ConfigReader } from './config-decode';
import { expressLines, expressTitle, type ExpressContext } from './lspci-express';
import { extendedCapabilityText } from './lspci-ecaps';
import { htPrimaryLines, htSecondaryLines } from './lspci-hypertransport';
import { subsystemName, type PciIds } from './pci-ids';
import { hex } from './hex';

export function flag(value: number, bit: number): string {
  return value & bit ? '+' : '-';
}

export interface CapabilityContext extends ExpressContext {
  verbose: number;
  ids: PciIds | undefined;
}

const AUX_CURRENT = [0, 55, 100, 160, 220, 270, 320, 375];

function pmLines(read: ConfigReader, where: number, verbose: number): string[] {
  const r = (name: string) => readRegister(read, where, registerNamed(PM_REGISTERS, name));
  const cap = r('PM_CAP');
  const lines = [`Power Management version ${cap.get('version')}`];
  if (verbose < 2) return lines;
  const pme = ['D0', 'D1', 'D2', 'D3hot', 'D3cold'].map((s) => `${s}${cap.flag(`PME-${s}`)}`).join(',');
  lines.push(`\t\tFlags: ${cap.flags('PMEClk', 'DSI', 'D1', 'D2')} AuxCurrent=${AUX_CURRENT[cap.get('auxCurrent')]}mA PME(${pme})`);
  const ctrl = r('PM_CTRL');
  lines.push(`\t\tStatus: D${ctrl.get('state')} ${ctrl.flags('NoSoftRst', 'PME-Enable')} DSel=${ctrl.get('DSel')} DScale=${ctrl.get('DScale')} PME${ctrl.flag('PME')}`);
  const bridge = r('PM_BRIDGE');
  if (bridge.value) lines.push(`\t\tBridge: PM${bridge.flag('PM')} B3${bridge.get('B3') ? '-' : '+'}`);
  return lines;
}

/** lspci lists the rates set in a 3-bit field: x1 x2 x4, or x4 x8 x16 in AGP 3.0 mode; `<none>` for none. */
function agpRate(rate: number, agp3: boolean): string {
  const rates = [0, 1, 2].filter((i) => rate & (1 << i)).map((i) => `x${1 << (i + (agp3 ? 2 : 0))}`);
  return rates.length ? rates.join(',') : '<none>';
}

function agpLines(read: ConfigReader, where: number, verbose: number): string[] {
  const r = (name: string) => readRegister(read, where, registerNamed(AGP_REGISTERS, name));
  const version = r('AGP_VERSION');
  const lines = [`AGP version ${hex(version.get('major'))}.${hex(version.get('minor'))}`];
  if (verbose < 2) return lines;
  const status = r('AGP_STATUS');
  const command = r('AGP_COMMAND');
  // lspci counts rates in AGP 3.0 units only when the version says 3 or more and the status bit agrees.
  const agp3 = version.get('major') >= 3 && status.get('AGP3') === 1;
  const common = (v: typeof status) => `RQ=${v.get('rq') + 1}`;
  const sizes = (v: typeof status) => `ArqSz=${v.get('arqsz')} Cal=${v.get('cal')}`;
  lines.push(`\t\tStatus: ${common(status)} Iso${status.flag('Iso')} ${sizes(status)} ${status.flags('SBA', 'ITACoh', 'GART64', 'HTrans', '64bit', 'FW', 'AGP3')} Rate=${agpRate(status.get('rate'), agp3)}`);
  lines.push(`\t\tCommand: ${common(command)} ${sizes(command)} ${command.flags('SBA', 'AGP', 'GART64', '64bit', 'FW')} Rate=${agpRate(command.get('rate'), agp3)}`);
  return lines;
}

const PCIX_OUTSTANDING = [1, 2, 3, 4, 8, 12, 16, 32];
const PCIX_FREQUENCY = ['conv', '66MHz', '100MHz', '133MHz', '?4', '?5', '?6', '?7'];

function pcixLines(read: ConfigReader, where: number, verbose: number): string[] {
  const r = (name: string) => readRegister(read, where, registerNamed(PCIX_REGISTERS, name));
  if (verbose < 2) return ['PCI-X non-bridge device'];
  const command = r('PCIX_COMMAND');
  const status = r('PCIX_STATUS');
  const dev = `Dev=${hex(status.get('bus'), 2)}:${hex(status.get('device'), 2)}.${status.get('function')}`;
  return [
    'PCI-X non-bridge device',
    `\t\tCommand: ${command.flags('DPERE', 'ERO')} RBC=${512 << command.get('mmrbc')} OST=${PCIX_OUTSTANDING[command.get('most')]}`,
    `\t\tStatus: ${dev} ${status.flags('64bit', '133MHz', 'SCD', 'USC')} DC=${status.get('DC') ? 'bridge' : 'simple'} DMMRBC=${512 << status.get('dmmrbc')} DMOST=${PCIX_OUTSTANDING[status.get('dmost')]} DMCRS=${8 << status.get('dmcrs')} ${status.flags('RSCEM', '266MHz', '533MHz')}`,
  ];
}

function pcixBridgeLines(read: ConfigReader, where: number, verbose: number): string[] {
  const r = (name: string) => readRegister(read, where, registerNamed(PCIX_BRIDGE_REGISTERS, name));
  if (verbose < 2) return ['PCI-X bridge device'];
  const secondary = r('PCIX_SEC_STATUS');
  const status = r('PCIX_BRIDGE_STATUS');
  const split = (label: string, v: typeof status) => `\t\t${label}: Capacity=${v.get('capacity')} CommitmentLimit=${v.get('limit')}`;
  return [
    'PCI-X bridge device',
    `\t\tSecondary Status: ${secondary.flags('64bit', '133MHz', 'SCD', 'USC', 'SCO', 'SRD')} Freq=${PCIX_FREQUENCY[secondary.get('freq')]}`,
    `\t\tStatus: Dev=${hex(status.get('bus'), 2)}:${hex(status.get('device'), 2)}.${status.get('function')} ${status.flags('64bit', '133MHz', 'SCD', 'USC', 'SCO', 'SRD')}`,
    split('Upstream', r('PCIX_UPSTREAM')),
    split('Downstream', r('PCIX_DOWNSTREAM')),
  ];
}

/** One line: at -vv lspci appends where the HBA's index-data pair is. */
function sataText(read: ConfigReader, where: number, verbose: number): string {
  const r = (name: string) => readRegister(read, where, registerNamed(SATA_REGISTERS, name));
  const cr0 = r('SATA_CR0');
  const title = `SATA HBA v${cr0.get('major')}.${cr0.get('minor')}`;
  if (verbose < 2) return title;
  const cr1 = r('SATA_CR1');
  const bar = cr1.get('barLoc');
  if (bar >= 4 && bar <= 9) return `${title} BAR${bar - 4} Offset=${hex(cr1.get('barOffset'), 8)}`;
  return bar === 15 ? `${title} InCfgSpace` : `${title} BAR??${bar}`;
}

function msiLines(read: ConfigReader, where: number, verbose: number): string[] {
  const defs = msiRegisters(read(where + 2, 2));
  const r = (name: string) => readRegister(read, where, registerNamed(defs, name));
  const flags = r('MSI_FLAGS');
  const lines = [`MSI: Enable${flags.flag('Enable')} Count=${1 << flags.get('enabled')}/${1 << flags.get('capable')} ${flags.flags('Maskable', '64bit')}`];
  if (verbose < 2) return lines;
  const high = flags.get('64bit') ? hex(r('MSI_ADDRESS_HI').value, 8) : '';
  lines.push(`\t\tAddress: ${high}${hex(r('MSI_ADDRESS_LO').value, 8)}  Data: ${hex(r('MSI_DATA').value, 4)}`);
  if (flags.get('Maskable')) lines.push(`\t\tMasking: ${hex(r('MSI_MASK').value, 8)}  Pending: ${hex(r('MSI_PENDING').value, 8)}`);
  return lines;
}

function msixLines(read: ConfigReader, where: number, control: number, verbose: number): string[] {
  const lines = [`MSI-X: Enable${flag(control, MSIX_CONTROL.ENABLE)} Count=${(control & MSIX_CONTROL.TABLE_SIZE_MASK) + 1} Masked${flag(control, MSIX_CONTROL.FUNCTION_MASK)}`];
  if (verbose < 2) return lines;
  const table = read(where + 4, 4);
  const pba = read(where + 8, 4);
  lines.push(`\t\tVector table: BAR=${table & 7} offset=${hex((table & ~7) >>> 0, 8)}`);
  lines.push(`\t\tPBA: BAR=${pba & 7} offset=${hex((pba & ~7) >>> 0, 8)}`);
  return lines;
}

/** The structure types pciutils 3.9 names (it does not know PCICfg or SharedMemory yet). */
const VIRTIO_TYPES: Readonly<Record<number, string>> = { 1: 'CommonCfg', 2: 'Notify', 3: 'ISR', 4: 'DeviceCfg' };

function vendorLines(read: ConfigReader, where: number, verbose: number): string[] {
  const length = read(where + 2, 1);
  if (!isVirtio(read) || length < 16) return [`Vendor Specific Information: Len=${hex(length, 2)} <?>`];
  const type = read(where + 3, 1);
  const lines = [`Vendor Specific Information: VirtIO: ${VIRTIO_TYPES[type] ?? '<unknown>'}`];
  if (verbose < 2) return lines;
  let line = `\t\tBAR=${read(where + 4, 1)} offset=${hex(read(where + 8, 4), 8)} size=${hex(read(where + 12, 4), 8)}`;
  if (type === 2 && length >= 20) line += ` multiplier=${hex(read(where + 16, 4), 8)}`;
  return [...lines, line];
}

const HT_TYPES: Readonly<Record<number, string>> = {
  0x08: 'Switch', 0x10: 'Interrupt Discovery and Configuration', 0x12: 'UnitID Clumping', 0x13: 'Extended Configuration Space Access',
  0x14: 'Address Mapping', 0x16: 'DirectRoute', 0x17: 'VCSet', 0x18: 'Retry Mode', 0x19: 'X86 (reserved)',
};

function htLines(read: ConfigReader, where: number, command: number, verbose: number): string[] {
  if ((command & 0xe000) === 0x0000) return ['HyperTransport: Slave or Primary Interface', ...(verbose < 2 ? [] : htPrimaryLines(read, where, command))];
  if ((command & 0xe000) === 0x2000) return ['HyperTransport: Host or Secondary Interface', ...(verbose < 2 ? [] : htSecondaryLines(read, where, command))];
  const type = command >> 11;
  if (type === 0x11) return [`HyperTransport: Revision ID: ${(command >> 5) & 7}.${String(command & 0x1f).padStart(2, '0')}`];
  if (type === 0x15) {
    const lines = [`HyperTransport: MSI Mapping Enable${flag(command, 1)} Fixed${flag(command, 2)}`];
    if (verbose >= 2 && !(command & 2)) {
      const address = (BigInt(read(where + 8, 4)) << 32n) | BigInt((read(where + 4, 4) & ~0xfffff) >>> 0);
      lines.push(`\t\tMapping Address Base: ${hex(address, 16)}`);
    }
    return lines;
  }
  return [HT_TYPES[type] ? `HyperTransport: ${HT_TYPES[type]}` : `HyperTransport: #${hex(type, 2)}`];
}

const EA_PROPERTIES: Readonly<Record<number, string>> = {
  0x00: 'memory space, non-prefetchable', 0x01: 'memory space, prefetchable', 0x02: 'I/O space', 0x03: 'VF memory space, prefetchable',
  0x04: 'VF memory space, non-prefetchable', 0x05: 'allocation behind bridge, non-prefetchable memory', 0x06: 'allocation behind bridge, prefetchable memory',
  0x07: 'allocation behind bridge, I/O space', 0xfd: 'memory space resource unavailable for use', 0xfe: 'I/O space resource unavailable for use',
};

function eaProperty(p: number, secondary: boolean): string {
  if (p === 0xff) return secondary ? 'entry unavailable for use, PrimaryProperties should be used' : 'entry unavailable for use';
  return EA_PROPERTIES[p] ?? `[${hex(p, 2)}]`;
}

function eaBei(bei: number): string {
  if (bei <= 5) return `BAR ${bei}`;
  if (bei === 6) return 'resource behind function';
  if (bei === 7) return 'not indicated';
  if (bei === 8) return 'expansion ROM';
  if (bei <= 14) return `VF-BAR ${bei - 9}`;
  return 'reserved';
}

function eaLines(read: ConfigReader, where: number, flags: number, verbose: number): string[] {
  const entries = flags & 0x3f;
  const bridge = (read(0x0e, 1) & 0x7f) === HEADER_TYPE.BRIDGE;
  const lines = [`Enhanced Allocation (EA): NumEntries=${entries}${bridge ? `, secondary=${read(where + 4, 1)}, subordinate=${read(where + 5, 1)}` : ''}`];
  if (verbose < 2) return lines;
  let at = where + (bridge ? 8 : 4);
  for (let e = 0; e < entries && at + 4 <= 0x100; e++) {
    const header = read(at, 4);
    const size = header & 7;
    lines.push(`\t\tEntry ${e}: Enable${flag(header, 1 << 31)} Writable${flag(header, 1 << 30)} EntrySize=${size}`);
    lines.push(`\t\t\t BAR Equivalent Indicator: ${eaBei((header >> 4) & 0xf)}`);
    lines.push(`\t\t\t PrimaryProperties: ${eaProperty((header >> 8) & 0xff, false)}`);
    lines.push(`\t\t\t SecondaryProperties: ${eaProperty((header >> 16) & 0xff, true)}`);
    const base = read(at + 4, 4);
    const maxOffset = read(at + 8, 4);
    let highAt = at + 12;
    let baseText = '';
    if (base & 2) {
      baseText = hex(read(highAt, 4));
      highAt += 4;
    }
    lines.push(`\t\t\t Base: ${baseText}${hex((base & ~3) >>> 0, 8)}`);
    lines.push(`\t\t\t MaxOffset: ${maxOffset & 2 ? hex(read(highAt, 4)) : ''}${hex((maxOffset | 3) >>> 0, 8)}`);
    at += 4 + 4 * size;
  }
  return lines;
}

/** The text after `Capabilities: [xx] `, then any detail lines (already indented). */
function standardText(read: ConfigReader, cap: CapabilityEntry, context: CapabilityContext): string[] {
  const flags = read(cap.offset + 2, 2);
  const verbose = context.verbose;
  switch (cap.id) {
    case 0x00:
      return ['Null'];
    case CAP_ID.PM:
      return pmLines(read, cap.offset, verbose);
    case CAP_ID.AGP:
      return agpLines(read, cap.offset, verbose);
    case CAP_ID.VPD:
      // lspci reads VPD through the OS, which a dump (or irqscope's machine) does not offer.
      return verbose < 2 ? ['Vital Product Data'] : ['Vital Product Data', '\t\tNot readable'];
    case CAP_ID.SLOT_ID:
      return [`Slot ID: ${flags & 0x1f} slots, First${flag(flags, 0x20)}, chassis ${hex(flags >> 8, 2)}`];
    case CAP_ID.MSI:
      return msiLines(read, cap.offset, verbose);
    case 0x06:
      return ['CompactPCI hot-swap <?>'];
    case CAP_ID.PCIX:
      return (read(0x0e, 1) & 0x7f) === HEADER_TYPE.BRIDGE ? pcixBridgeLines(read, cap.offset, verbose) : pcixLines(read, cap.offset, verbose);
    case CAP_ID.HT:
      return htLines(read, cap.offset, flags, verbose);
    case CAP_ID.VENDOR:
      return vendorLines(read, cap.offset, verbose);
    case 0x0a:
      return [`Debug port: BAR=${flags >> 13} offset=${hex(flags & 0x1fff, 4)}`];
    case 0x0b:
      return ['CompactPCI central resource control <?>'];
    case 0x0c:
      return ['Hot-plug capable'];
    case CAP_ID.SSVID: {
      const sv = read(cap.offset + 4, 2);
      const sd = read(cap.offset + 6, 2);
      return [`Subsystem: ${context.ids ? subsystemName(context.ids, read(0, 2), read(2, 2), sv, sd) : `Device ${hex(sv, 4)}:${hex(sd, 4)}`}`];
    }
    case 0x0e:
      return ['AGP3 <?>'];
    case 0x0f:
      return ['Secure device <?>'];
    case CAP_ID.EXP: {
      const title = expressTitle(flags, verbose);
      return verbose < 2 ? [title] : [title, ...expressLines(read, cap.offset, context)];
    }
    case CAP_ID.MSIX:
      return msixLines(read, cap.offset, flags, verbose);
    case CAP_ID.SATA:
      return [sataText(read, cap.offset, context.verbose)];
    case 0x13: {
      if (verbose < 2) return ['PCI Advanced Features'];
      const afCap = read(cap.offset + 3, 1);
      return ['PCI Advanced Features', `\t\tAFCap: TP${flag(afCap, 1)} FLR${flag(afCap, 2)}`, `\t\tAFCtrl: FLR${flag(read(cap.offset + 4, 1), 1)}`, `\t\tAFStatus: TP${flag(read(cap.offset + 5, 1), 1)}`];
    }
    case CAP_ID.EA:
      return eaLines(read, cap.offset, flags, verbose);
    default:
      return [`#${hex(cap.id, 2)} [${hex(flags, 4)}]`];
  }
}

/** What lspci prints after `Capabilities: [..] ` for this capability, as the app names it. */
export function capabilityTitle(read: ConfigReader, cap: CapabilityEntry, expressType: number): string {
  const lines = cap.extended
    ? extendedCapabilityText(read, cap.offset, cap.id, expressType, 1)
    : standardText(read, cap, { verbose: 2, ids: undefined, deviceFn: 0, hasMemoryBar: false });
  return lines[0] ?? '';
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
export function capabilityLines(read: ConfigReader, configLength: number, context: CapabilityContext): string[] {
  const lines: string[] = [];
  const standard = walkStandardCapabilities(read);
  let canHaveExtended = false;
  let expressType = -1;
  for (const cap of standard.entries) {
    const [first = '', ...details] = standardText(read, cap, context);
    lines.push(`\tCapabilities: [${hex(cap.offset, 2)}] ${first}`, ...details);
    if (cap.id === CAP_ID.EXP) expressType = viewOf(EXP_FLAGS, read(cap.offset + 2, 2)).get('type');
    if (cap.id === CAP_ID.EXP || cap.id === CAP_ID.PCIX) canHaveExtended = true;
  }
  lines.push(...chainEndLine(standard.end, (at) => `[${hex(at, 2)}]`));
  if (!canHaveExtended || configLength < 4096) return lines;

  const extendedLabel = (at: number) => `[${hex(at, 3)}${context.verbose > 1 ? ` v${(read(at, 4) >>> 16) & 0xf}` : ''}]`;
  const extended = walkExtendedCapabilities(read);
  for (const cap of extended.entries) {
    const [first = '', ...details] = extendedCapabilityText(read, cap.offset, cap.id, expressType, context.verbose);
    lines.push(`\tCapabilities: ${extendedLabel(cap.offset)} ${first}`, ...details);
  }
  lines.push(...chainEndLine(extended.end, extendedLabel));
  return lines;
}
