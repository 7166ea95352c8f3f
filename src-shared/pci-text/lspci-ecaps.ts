// lspci's decode of the PCI Express extended capabilities (from 0x100), word
// for word as pciutils 3.9 prints them.
import { AER, CXL_DVSEC, cxlRegisterBlock, DVSEC_HEADER1, DVSEC_HEADER2, EXP_TYPE, EXT, EXT_CAP_ID, PTM_CAP, PTM_CTRL, RCEC_BITMAP, RCEC_BUSES, RCLINK_ESD, TPH_CAP, rebarEntryRegisters, RCLINK_FIRST_LINK, RCLINK_LINK_SIZE, SRIOV, VC, rclinkLinkRegisters, vcResourceRegisters } from '../registers/capability-layouts';
import { readRegister, type ConfigRead, type RegisterView } from '../registers/register-view';
import type { RegisterDef } from '../registers/layout';
import { hex } from './hex';

type Lines = string[];

function aer(r: (d: RegisterDef) => RegisterView, expressType: number): Lines {
  const ue = (label: string, v: RegisterView) => `\t\t${label}:\t${v.flags('DLP', 'SDES', 'TLP', 'FCP', 'CmpltTO', 'CmpltAbrt', 'UnxCmplt', 'RxOF', 'MalfTLP', 'ECRC', 'UnsupReq', 'ACSViol')}`;
  const ce = (label: string, v: RegisterView) => `\t\t${label}:\t${v.flags('RxErr', 'BadTLP', 'BadDLLP', 'Rollover', 'Timeout', 'AdvNonFatalErr')}`;
  const cap = r(AER.CAP);
  const lines = [
    ue('UESta', r(AER.UESTA)), ue('UEMsk', r(AER.UEMSK)), ue('UESvrt', r(AER.UESVRT)), ce('CESta', r(AER.CESTA)), ce('CEMsk', r(AER.CEMSK)),
    `\t\tAERCap:\tFirst Error Pointer: ${hex(cap.get('fep'), 2)}, ${cap.flags('ECRCGenCap', 'ECRCGenEn', 'ECRCChkCap', 'ECRCChkEn')}`,
    `\t\t\t${cap.flags('MultHdrRecCap', 'MultHdrRecEn', 'TLPPfxPres', 'HdrLogCap')}`,
    `\t\tHeaderLog: ${AER.HEADER_LOG.map((d) => hex(r(d).value, 8)).join(' ')}`,
  ];
  if (expressType !== EXP_TYPE.ROOT_PORT && expressType !== EXP_TYPE.ROOT_EC) return lines;
  const sta = r(AER.ROOT_STA);
  lines.push(
    `\t\tRootCmd: ${r(AER.ROOT_CMD).flags('CERptEn', 'NFERptEn', 'FERptEn')}`,
    `\t\tRootSta: ${sta.flags('CERcvd', 'MultCERcvd', 'UERcvd', 'MultUERcvd')}`,
    `\t\t\t ${sta.flags('FirstFatal', 'NonFatalMsg', 'FatalMsg')} IntMsg ${sta.get('intMsg')}`,
    `\t\tErrorSrc: ERR_COR: ${hex(r(AER.COR_SRC).value, 4)} ERR_FATAL/NONFATAL: ${hex(r(AER.UNCOR_SRC).value, 4)}`,
  );
  return lines;
}

const ARB = ['Fixed', 'WRR32', 'WRR64', 'WRR128', '??4', '??5', '??6', '??7'];
const VC_ARB = ['Fixed', 'WRR32', 'WRR64', 'WRR128', 'TWRR128', 'WRR256', '??6', '??7'];

/** `\tFixed- WRR32- …`: the names lspci knows, and the unknown ones only when set. */
function arbitration(names: readonly string[], bits: number): string {
  return names.map((name, i) => (name.startsWith('?') && !(bits & (1 << i)) ? '' : `${i ? ' ' : '\t'}${name}${bits & (1 << i) ? '+' : '-'}`)).join('');
}

function vc(read: ConfigRead, where: number, r: (d: RegisterDef) => RegisterView): Lines {
  const cap1 = r(VC.CAP1);
  const cap2 = r(VC.CAP2);
  const lines = [
    `\t\tCaps:\tLPEVC=${cap1.get('lpevc')} RefClk=${cap1.get('refClk') === 0 ? '100ns' : `??${cap1.get('refClk')}`} PATEntryBits=${1 << cap1.get('patBits')}`,
    `\t\tArb:${arbitration(ARB, cap2.get('arbCap'))}`,
    `\t\tCtrl:\tArbSelect=${ARB[r(VC.CTRL).get('arbSelect')]}`,
    `\t\tStatus:\tInProgress${r(VC.STATUS).flag('InProgress')}`,
  ];
  if (cap2.get('arbTable')) lines.push(`\t\tPort Arbitration Table [${hex(where + 16 * cap2.get('arbTable'))}] <?>`);
  for (let i = 0; i <= cap1.get('evc'); i++) {
    const [capDef, ctrlDef, statusDef] = vcResourceRegisters(i) as [RegisterDef, RegisterDef, RegisterDef];
    if (where + capDef.offset + 12 > 0x1000) {
      lines.push(`\t\tVC${i}:\t<unreadable>`);
      continue;
    }
    const rcap = readRegister(read, where, capDef);
    const ctrl = readRegister(read, where, ctrlDef);
    const status = readRegister(read, where, statusDef);
    lines.push(
      `\t\tVC${i}:\tCaps:\tPATOffset=${hex(rcap.get('patOffset'), 2)} MaxTimeSlots=${rcap.get('maxSlots') + 1} RejSnoopTrans${rcap.flag('RejSnoopTrans')}`,
      `\t\t\tArb:${arbitration(VC_ARB, rcap.get('arbCap'))}`,
      `\t\t\tCtrl:\tEnable${ctrl.flag('Enable')} ID=${ctrl.get('id')} ArbSelect=${VC_ARB[ctrl.get('arbSelect')]} TC/VC=${hex(ctrl.get('tcVc'), 2)}`,
      `\t\t\tStatus:\tNegoPending${status.flag('NegoPending')} InProgress${status.flag('InProgress')}`,
    );
    if (rcap.get('patOffset')) lines.push('\t\t\tPort Arbitration Table <?>');
  }
  return lines;
}

function sriov(read: ConfigRead, where: number, r: (d: RegisterDef) => RegisterView): Lines {
  const cap = r(SRIOV.CAP);
  const ctrl = r(SRIOV.CTRL);
  const lines = [
    `\t\tIOVCap:\tMigration${cap.flag('Migration')} 10BitTagReq${read(where + 4, 4) & 0x4 ? '+' : '-'} Interrupt Message Number: ${hex(cap.get('imn'), 3)}`,
    `\t\tIOVCtl:\t${ctrl.flags('Enable', 'Migration', 'Interrupt', 'MSE', 'ARIHierarchy')} 10BitTagReq${read(where + 8, 2) & 0x20 ? '+' : '-'}`,
    `\t\tIOVSta:\tMigration${r(SRIOV.STATUS).flag('Migration')}`,
    `\t\tInitial VFs: ${r(SRIOV.INITIAL_VF).value}, Total VFs: ${r(SRIOV.TOTAL_VF).value}, Number of VFs: ${r(SRIOV.NUM_VF).value}, Function Dependency Link: ${hex(r(SRIOV.FDL).value, 2)}`,
    `\t\tVF offset: ${r(SRIOV.OFFSET).value}, stride: ${r(SRIOV.STRIDE).value}, Device ID: ${hex(r(SRIOV.DID).value, 4)}`,
    `\t\tSupported Page Size: ${hex(r(SRIOV.SUPPORTED_PAGES).value, 8)}, System Page Size: ${hex(r(SRIOV.SYSTEM_PAGE).value, 8)}`,
  ];
  for (let i = 0; i < SRIOV.BARS.length; i++) {
    let low = r(SRIOV.BARS[i]!).value;
    if (low === 0xffffffff) low = 0;
    if (!low) continue;
    let text = `\t\tRegion ${i}: Memory at `;
    const type = low & 6;
    // lspci takes the next register as the upper half even after VF BAR 5, where it is VF Migration.
    if (type === 4) text += hex(read(where + SRIOV.BARS[0]!.offset + 4 * ++i, 4), 8);
    // lspci calls every memory type but 00 64-bit here.
    lines.push(`${text}${hex((low & ~0xf) >>> 0, 8)} (${type === 0 ? '32' : '64'}-bit, ${low & 8 ? '' : 'non-'}prefetchable)`);
  }
  const migration = r(SRIOV.MIGRATION);
  lines.push(`\t\tVF Migration: offset: ${hex((migration.value & ~7) >>> 0, 8)}, BIR: ${migration.get('bir')}`);
  return lines;
}

/** lspci's scale is `1 << (5 * scale)` in 32-bit C, so scale 7 shifts by 35 mod 32 on x86. */
const ltrScale = (scale: number) => BigInt((1 << ((5 * scale) & 31)) >>> 0);
const ltrNs = (v: RegisterView) => BigInt(v.get('value')) * ltrScale(v.get('scale'));

function l1pm(r: (d: RegisterDef) => RegisterView): Lines {
  const cap = r(EXT.L1PM_CAP);
  const ctl1 = r(EXT.L1PM_CTL1);
  const ctl2 = r(EXT.L1PM_CTL2);
  const powerOn = (scale: number, value: number) => (scale < 3 ? `${[2, 10, 100][scale]! * value}us` : '<error>');
  const l12 = cap.get('PCI-PM_L1.2') || cap.get('ASPM_L1.2');
  const lines = [`\t\tL1SubCap: ${cap.flags('PCI-PM_L1.2', 'PCI-PM_L1.1', 'ASPM_L1.2', 'ASPM_L1.1', 'L1_PM_Substates')}`];
  if (l12) lines.push(`\t\t\t  PortCommonModeRestoreTime=${cap.get('commonModeRestore')}us PortTPowerOnTime=${powerOn(cap.get('powerOnScale'), cap.get('powerOnValue'))}`);
  lines.push(`\t\tL1SubCtl1: ${ctl1.flags('PCI-PM_L1.2', 'PCI-PM_L1.1', 'ASPM_L1.2', 'ASPM_L1.1')}`);
  if (l12) {
    let line = `\t\t\t   T_CommonMode=${ctl1.get('commonMode')}us`;
    if (cap.get('ASPM_L1.2')) {
      const scale = ctl1.get('ltrScale');
      line += scale > 5 ? ' LTR1.2_Threshold=<error>' : ` LTR1.2_Threshold=${BigInt(ctl1.get('ltrValue')) * ltrScale(scale)}ns`;
    }
    lines.push(line);
  }
  lines.push(`\t\tL1SubCtl2:${l12 ? ` T_PwrOn=${powerOn(ctl2.get('powerOnScale'), ctl2.get('powerOnValue'))}` : ''}`);
  return lines;
}

/** lspci reads the lane error status as a word: lanes 0-15. */
function laneErrors(lanes: number): string {
  if (!lanes) return '0';
  const set: number[] = [];
  for (let lane = 0; lane < 32; lane++) if (lanes & (1 << lane)) set.push(lane);
  return `LaneErr at lane: ${set.join(' ')}`;
}

function dsn(r: (d: RegisterDef) => RegisterView): string {
  const low = r(EXT.DSN_LOW).value;
  const high = r(EXT.DSN_HIGH).value;
  return [high >>> 24, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff, low >>> 24, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff].map((b) => hex(b, 2)).join('-');
}

/** C's `1 << n` for an int on x86: the count is taken mod 32 and the result is signed. */
const cShift = (n: number) => 1 << (n & 31);

function multicast(r: (d: RegisterDef) => RegisterView, type: number): Lines {
  const cap = r(EXT.MCAST_CAP);
  const ctrl = r(EXT.MCAST_CTRL);
  const qword = (lo: RegisterDef, hi: RegisterDef) => (BigInt(r(hi).value) << 32n) | BigInt(r(lo).value);
  const endpoint = type === EXP_TYPE.ENDPOINT || type === EXP_TYPE.ROOT_INT_EP;
  const port = type === EXP_TYPE.ROOT_PORT || type === EXP_TYPE.UPSTREAM || type === EXP_TYPE.DOWNSTREAM;
  let first = `\t\tMcastCap: MaxGroups ${cap.get('maxGroup') + 1}`;
  if (endpoint) first += `, WindowSz ${cap.get('windowSize')} (${cShift(cap.get('windowSize'))} bytes)`;
  if (port) first += `, ECRCRegen${cap.flag('ECRCRegen')}`;
  // lspci ends the McastCap line only after ECRCRegen, so other types run on into McastCtl.
  const control = `\t\tMcastCtl: NumGroups ${ctrl.get('numGroup') + 1}, Enable${ctrl.flag('Enable')}`;
  const bar = qword(EXT.MCAST_BAR_LO, EXT.MCAST_BAR_HI);
  const lines = [
    ...(port ? [first, control] : [first + control]),
    `\t\tMcastBAR: IndexPos ${Number(bar & 0x3fn)}, BaseAddr ${hex(bar & 0xfffffffffffff000n, 16)}`,
    `\t\tMcastReceiveVec:      ${hex(qword(EXT.MCAST_RCV_LO, EXT.MCAST_RCV_HI), 16)}`,
    `\t\tMcastBlockAllVec:     ${hex(qword(EXT.MCAST_BLOCK_LO, EXT.MCAST_BLOCK_HI), 16)}`,
    `\t\tMcastBlockUntransVec: ${hex(qword(EXT.MCAST_UNTRANS_LO, EXT.MCAST_UNTRANS_HI), 16)}`,
  ];
  if (endpoint) return lines;
  const overlay = qword(EXT.MCAST_OVERLAY_LO, EXT.MCAST_OVERLAY_HI);
  const size = Number(overlay & 0x3fn);
  lines.push(`\t\tMcastOverlayBAR: OverlaySize ${size} ${size >= 6 ? `(${cShift(size)} bytes)` : '(disabled)'}, BaseAddr ${hex(overlay & 0xffffffffffffffc0n, 16)}`);
  return lines;
}

function dpc(r: (d: RegisterDef) => RegisterView): Lines {
  const cap = r(EXT.DPC_CAP);
  const ctl = r(EXT.DPC_CTL);
  const sta = r(EXT.DPC_STATUS);
  return [
    `\t\tDpcCap:\tINT Msg #${cap.get('intMsg')}, ${cap.flags('RPExt', 'PoisonedTLP', 'SwTrigger')} RP PIO Log ${cap.get('pioLog')}, DL_ActiveErr${cap.flag('DL_ActiveErr')}`,
    `\t\tDpcCtl:\tTrigger:${hex(ctl.get('trigger'))} ${ctl.flags('Cmpl', 'INT', 'ErrCor', 'PoisonedTLP', 'SwTrigger', 'DL_ActiveErr')}`,
    `\t\tDpcSta:\tTrigger${sta.flag('Trigger')} Reason:${hex(sta.get('reason'), 2)} ${sta.flags('INT', 'RPBusy')} TriggerExt:${hex(sta.get('reasonExt'), 2)} RP PIO ErrPtr:${hex(sta.get('pioFep'), 2)}`,
    `\t\tSource:\t${hex(r(EXT.DPC_SOURCE).value, 4)}`,
  ];
}

const CONFIG_END = 0x1000;
const ELEMENT_TYPES = ['Config', 'Egress', 'Internal'];

/**
 * Root Complex Link Declaration. lspci reads the element type as a whole byte
 * (`??N` past the three it names) and stops at the first link entry that does
 * not fit in the 4 KiB space, printing it `<unreadable>`.
 */
function rclink(read: ConfigRead, where: number, r: (d: RegisterDef) => RegisterView): Lines {
  if (where + RCLINK_FIRST_LINK > CONFIG_END) return [];
  const esd = r(RCLINK_ESD);
  const element = esd.get('eltType');
  const lines = [`\t\tDesc:\tPortNumber=${hex(esd.get('port'), 2)} ComponentID=${hex(esd.get('componentId'), 2)} EltType=${ELEMENT_TYPES[element] ?? `??${element}`}`];
  for (let i = 0; i < esd.get('links'); i++) {
    if (where + RCLINK_FIRST_LINK + (i + 1) * RCLINK_LINK_SIZE > CONFIG_END) {
      lines.push(`\t\tLink${i}:\t<unreadable>`);
      break;
    }
    const [desc, lo, hi] = rclinkLinkRegisters(i).map((d) => readRegister(read, where, d)) as [RegisterView, RegisterView, RegisterView];
    const type = desc.get('LinkType') ? 'Config' : 'MemMapped';
    lines.push(`\t\tLink${i}:\tDesc:\tTargetPort=${hex(desc.get('targetPort'), 2)} TargetComponent=${hex(desc.get('targetComponent'), 2)} AssocRCRB${desc.flag('AssocRCRB')} LinkType=${type} LinkValid${desc.flag('LinkValid')}`);
    if (desc.get('LinkType')) {
      // The bus number takes as many bits as the low 3 bits of the address say (0: 8), as lspci decodes it.
      const busBits = lo.value & 7 || 8;
      const bus = Math.floor(lo.value / 2 ** 20) % 2 ** busBits;
      lines.push(`\t\t\tAddr:\t${hex(bus, 2)}:${hex((lo.value >>> 15) & 0x1f, 2)}.${(lo.value >>> 12) & 7}  CfgSpace=${hex(hi.value, 8)}${hex(lo.value, 8)}`);
    } else lines.push(`\t\t\tAddr:\t${hex(hi.value, 8)}${hex(lo.value, 8)}`);
  }
  return lines;
}

/** pciutils 3.9 tests Error against bits 1:0 (Busy and Interrupt Status), not the Error bit; so does irqscope, to print what lspci prints. */
function doeStatus(sta: RegisterView): string {
  return `\t\tDOESta: ${sta.flags('Busy', 'IntSta')} Error${sta.value & 0x3 ? '+' : '-'} ObjectReady${sta.flag('ObjectReady')}`;
}

/** A Resizable BAR size: 1 MB << n, in the largest unit that keeps it whole, as lspci prints it; past 8 EB lspci has no name. */
function rebarSize(n: number): string {
  if (n > 43) return '<unknown>';
  const units = ['MB', 'GB', 'TB', 'PB', 'EB'];
  return `${2 ** (n % 10)}${units[Math.floor(n / 10)]}`;
}

/**
 * Physical or Virtual (VF) Resizable BAR: one line per entry, the count taken
 * from the first entry's control register; lspci lists the sizes the
 * capability register offers (1 MB - 128 TB), then those in the control's
 * upper half (256 TB - 8 EB).
 */
function rebar(read: ConfigRead, where: number): Lines {
  const [, firstCtrl] = rebarEntryRegisters(0).map((d) => readRegister(read, where, d)) as [RegisterView, RegisterView];
  const count = firstCtrl.get('nbars');
  if (count < 1 || count > 6) return [`\t\t<error in resizable BAR: num_bars=${count} is out of specification>`];
  const lines: Lines = [];
  for (let i = 0; i < count && where + 12 + 8 * i <= CONFIG_END; i++) {
    const [cap, ctrl] = rebarEntryRegisters(i).map((d) => readRegister(read, where, d)) as [RegisterView, RegisterView];
    const sizes: string[] = [];
    for (let bit = 0; bit < 28; bit++) if (cap.get('sizes') & (1 << bit)) sizes.push(rebarSize(bit));
    for (let bit = 0; bit < 16; bit++) if (ctrl.get('sizes') & (1 << bit)) sizes.push(rebarSize(28 + bit));
    lines.push(`\t\tBAR ${ctrl.get('bar')}: current size: ${rebarSize(ctrl.get('size'))}${sizes.length ? `, supported: ${sizes.join(' ')}` : ''}`);
  }
  return lines;
}

const TPH_TABLES = ['No steering table available', 'Steering table in TPH capability structure', 'Steering table in MSI-X table', 'Reserved steering table location'];

function tph(r: (d: RegisterDef) => RegisterView): Lines {
  const cap = r(TPH_CAP);
  const lines: Lines = [];
  if (cap.get('IntVec')) lines.push('\t\tInterrupt vector mode supported');
  if (cap.get('DevSpec')) lines.push('\t\tDevice specific mode supported');
  if (cap.get('ExtReq')) lines.push('\t\tExtended requester support');
  return [...lines, `\t\t${TPH_TABLES[cap.get('stLoc')]}`];
}

/** PTM granularities: 0 is "Unimplemented" in the capability and "Unknown" in the control, 255 is anything over 254 ns. */
function ptmGranularity(ns: number, zero: string): string {
  if (ns === 0) return zero;
  return ns === 0xff ? 'Greater than 254ns' : `${ns}ns`;
}

function ptm(r: (d: RegisterDef) => RegisterView): Lines {
  const cap = r(PTM_CAP);
  const ctrl = r(PTM_CTRL);
  const flags = (v: RegisterView, ...names: string[]) => names.map((n) => `${n}:${v.flag(n)}`).join(' ');
  return [
    `\t\tPTMCap: ${flags(cap, 'Requester', 'Responder', 'Root')}`,
    `\t\tPTMClockGranularity: ${ptmGranularity(cap.get('granularity'), 'Unimplemented')}`,
    `\t\tPTMControl: ${flags(ctrl, 'Enabled', 'RootSelected')}`,
    `\t\tPTMEffectiveGranularity: ${ptmGranularity(ctrl.get('granularity'), 'Unknown')}`,
  ];
}

/**
 * The devices whose RCiEPs report to this collector, as runs `0-3, 8-11, 31`.
 * lspci closes a run when it meets a clear bit, so a run reaching device 31
 * is printed by its first device alone.
 */
function rcecDevices(bitmap: number, verbose: number): string {
  if (!bitmap) return verbose > 2 ? '00000000 [none]' : '[none]';
  let text = 'RCiEP at Device(s):';
  let run = 0;
  let last = 0;
  let any = false;
  for (let dev = 0; dev < 32; dev++) {
    if (bitmap & (1 << dev)) {
      if (!run) text += `${any ? ',' : ''} ${dev}`;
      run++;
      last = dev;
      any = true;
    } else {
      if (run > 1) text += `-${last}`;
      run = 0;
    }
  }
  return text;
}

function rcec(read: ConfigRead, where: number, r: (d: RegisterDef) => RegisterView, verbose: number): Lines {
  const lines = [`\t\tRCiEPBitmap: ${rcecDevices(r(RCEC_BITMAP).value, verbose)}`];
  if (((read(where, 4) >>> 16) & 0xf) < 2) return lines;
  const buses = r(RCEC_BUSES);
  return [...lines, `\t\tAssociatedBusNumbers: ${hex(buses.get('next'), 2)}-${hex(buses.get('last'), 2)}`];
}

const CXL_VENDOR = 0x1e98;
/** The CXL DVSEC IDs pciutils 3.9 decodes and irqscope does not yet: none left. */
export const CXL_UNDECODED_IDS: readonly number[] = [];
type CxlDecode = (r: (d: RegisterDef) => RegisterView, length: number, rev: number) => Lines;
const CXL_DECODED: Readonly<Record<number, CxlDecode>> = {
  0: cxlDevice, 2: cxlFunctionMap, 3: cxlPort, 4: cxlGpfPort, 5: cxlGpfDevice, 7: cxlFlexBus, 8: cxlRegisterLocator, 9: cxlMld,
};

/** Multi-logical device: the count, when it is 1-16 (other encodings are reserved, and lspci prints nothing for them). */
function cxlMld(r: (d: RegisterDef) => RegisterView): Lines {
  const count = r(CXL_DVSEC.MLD_NUM_LD).value;
  return count >= 1 && count <= 16 ? [`\t\tNumLogDevs: ${count}`] : [];
}

const CXL_RANGE_TYPES = ['Volatile', 'Non-volatile', 'CDAT'];
const CXL_RANGE_CLASSES = ['DRAM', 'Storage', 'CDAT'];
const CXL_INTERLEAVES = [0, 256, 4096, 512, 1024, 2048, 8192, 16384];
const U64 = (1n << 64n) - 1n;

/**
 * A CXL device range: base to base + size - 1 (the size's low 28 bits are its
 * flags; lspci wraps past 2^64, so an empty range at 0 ends at ffffffffffffffff).
 * pciutils 3.9 indexes its tables with the raw type, class and interleave
 * fields, printing whatever lies past them for reserved encodings; irqscope
 * prints `<?>` there.
 */
function cxlRange(n: number, [sizeHi, sizeLo, baseHi, baseLo]: RegisterView[]): Lines {
  const size = (BigInt(sizeHi!.value) << 32n) | BigInt((sizeLo!.value & 0xf0000000) >>> 0);
  const base = (BigInt(baseHi!.value) << 32n) | BigInt(baseLo!.value >>> 0);
  const flags = sizeLo!;
  const name = (table: readonly (string | number)[], i: number) => String(table[i] ?? '<?>');
  return [
    `\t\tRange${n}: ${hex(base, 16)}-${hex((base + size - 1n) & U64, 16)}`,
    `\t\t\tValid${flags.flag('Valid')} Active${flags.flag('Active')} Type=${name(CXL_RANGE_TYPES, flags.get('type'))} Class=${name(CXL_RANGE_CLASSES, flags.get('class'))} interleave=${name(CXL_INTERLEAVES, flags.get('interleave'))} timeout=${2 ** (2 * flags.get('timeout'))}s`,
  ];
}

/** The CXL device DVSEC as pciutils 3.9 prints it: nothing for revision 0 (CXL 1.1) or a DVSEC shorter than its 0x38 bytes. */
function cxlDevice(r: (d: RegisterDef) => RegisterView, length: number, rev: number): Lines {
  if (rev === 0 || length < 0x38) return [];
  const cap = r(CXL_DVSEC.DEV_CAP);
  const ctl = r(CXL_DVSEC.DEV_CTRL);
  const cap2 = r(CXL_DVSEC.DEV_CAP2);
  const unit = cap2.get('cacheUnit');
  const units: Readonly<Record<number, number>> = { 1: 64 * 1024, 2: 1024 * 1024 };
  const cache = unit === 0 ? 'Cache Size Not Reported' : units[unit] ? `Cache Size: ${hex(cap2.get('cacheSize') * units[unit]!, 8)}` : `Cache Size: ${cap2.get('cacheSize')} of unknown unit size (${unit})`;
  return [
    `\t\tCXLCap:\tCache${cap.flag('Cache')} IO${cap.flag('IO')} Mem${cap.flag('Mem')} Mem HW Init${cap.flag('MemHwInit')} HDMCount ${cap.get('hdmCount')} Viral${cap.flag('Viral')}`,
    `\t\tCXLCtl:\tCache${ctl.flag('Cache')} IO${ctl.flag('IO')} Mem${ctl.flag('Mem')} Cache SF Cov ${ctl.get('sfCoverage')} Cache SF Gran ${ctl.get('sfGranularity')} Cache Clean${ctl.flag('CacheClean')} Viral${ctl.flag('Viral')}`,
    `\t\tCXLSta:\tViral${r(CXL_DVSEC.DEV_STATUS).flag('Viral')}`,
    `\t\tCXLSta2:\t${r(CXL_DVSEC.DEV_STATUS2).flags('ResetComplete', 'ResetError', 'PMComplete')}`,
    `\t\t${cache}`,
    ...CXL_DVSEC.DEV_RANGES.flatMap((defs, i) => cxlRange(i + 1, defs.map(r))),
  ];
}

/**
 * Flex Bus port: revision 0 is refused in words; revision 2 and up add the
 * 256B and PBR flit bits and the second register set. pciutils 3.9 aborts
 * reading past a DVSEC too short for what its revision has (FBModTS from
 * revision 1, the second set from 2); irqscope prints the lines that fit.
 */
function cxlFlexBus(r: (d: RegisterDef) => RegisterView, length: number, rev: number): Lines {
  if (rev === 0) return ['\t\tRevision 0 not supported'];
  const link = ['Cache', 'IO', 'Mem'];
  const modes = ['SynHdrByp', 'DrftBuf', '68BFlit', 'MltLogDev'];
  const flits = rev >= 2 ? ['256BFlit', 'PBRFlit'] : [];
  return [
    `\t\tFBCap:\t${r(CXL_DVSEC.FLEX_CAP).flags(...link, '68BFlit', 'MltLogDev', ...flits)}`,
    `\t\tFBCtl:\t${r(CXL_DVSEC.FLEX_CTRL).flags(...link, ...modes, 'RCD', 'Retimer1', 'Retimer2', ...flits)}`,
    `\t\tFBSta:\t${r(CXL_DVSEC.FLEX_STATUS).flags(...link, ...modes, ...flits)}`,
    ...(length >= 0x14 ? [`\t\tFBModTS:\tReceived FB Data: ${hex(r(CXL_DVSEC.FLEX_MOD_TS).get('data'), 6)}`] : []),
    ...(rev >= 2 && length >= 0x20
      ? [
          `\t\tFBCap2:\tNOPHint${r(CXL_DVSEC.FLEX_CAP2).flag('NOPHint')}`,
          `\t\tFBCtl2:\tNOPHint${r(CXL_DVSEC.FLEX_CTRL2).flag('NOPHint')}`,
          `\t\tFBSta2:\tNOPHintInfo: ${r(CXL_DVSEC.FLEX_STATUS2).get('nopHintInfo').toString(16)}`,
        ]
      : []),
  ];
}

const CXL_BLOCK_IDS: Readonly<Record<number, string>> = { 1: 'component registers', 2: 'BAR virtualization', 3: 'CXL device registers', 4: 'CPMU registers', 0xff: 'vendor-specific' };

/** Register locator: the blocks that fit in the DVSEC's length, numbered from 1; lspci skips empty ones (block ID 0). */
function cxlRegisterLocator(r: (d: RegisterDef) => RegisterView, length: number): Lines {
  const lines: Lines = [];
  for (let i = 0; 0x0c + 8 * (i + 1) <= length; i++) {
    const [lo, hi] = cxlRegisterBlock(i).map(r) as [RegisterView, RegisterView];
    if (!lo.get('id')) continue;
    const offset = (BigInt(hi.value) << 32n) | BigInt(lo.get('offset') * 0x10000);
    lines.push(`\t\tBlock${i + 1}: BIR: bar${lo.get('bir')}, ID: ${CXL_BLOCK_IDS[lo.get('id')] ?? '<?>'}, offset: ${hex(offset, 16)}`);
  }
  return lines;
}

/** lspci reads all eight function maps of what it fetched (and aborts past it); irqscope prints those that fit in the DVSEC's length. */
function cxlFunctionMap(r: (d: RegisterDef) => RegisterView, length: number): Lines {
  return CXL_DVSEC.FUNCTION_MAP.filter((d) => d.offset + d.size <= length).map((d, i) => `\t\tFuncMap ${i}: ${hex(r(d).value, 8)}`);
}

/** Port extensions: lspci shows them only when the DVSEC is at least 0x28 bytes. */
function cxlPort(r: (d: RegisterDef) => RegisterView, length: number): Lines {
  if (length < 0x28) return [];
  const bus = r(CXL_DVSEC.PORT_ALT_BUS);
  const mem = r(CXL_DVSEC.PORT_ALT_MEM);
  return [
    // pciutils 3.9 tests the status against 0x0a (the register's offset), bits 1 and 3, not PMComplete's bit 0; so does irqscope, to print what lspci prints.
    `\t\tCXLPortSta:\tPMComplete${r(CXL_DVSEC.PORT_STATUS).value & 0x0a ? '+' : '-'}`,
    `\t\tCXLPortCtl:\t${r(CXL_DVSEC.PORT_CTRL).flags('UnmaskSBR', 'UnmaskLinkDisable', 'AltMem', 'AltBME', 'ViralEnable')}`,
    `\t\tAlternateBus:\t${hex(bus.get('base'), 2)}-${hex(bus.get('limit'), 2)}`,
    // lspci labels the memory range AlternateBus too.
    `\t\tAlternateBus:\t${hex(mem.get('base'), 4)}-${hex(mem.get('limit'), 4)}`,
  ];
}

/** A GPF time, base × 10^scale µs as lspci prints it: scale 7 (10 s units) keeps the ×10 but has no unit, 8-15 are reserved and say so on a line of their own. */
function cxlGpfTime(label: string, v: RegisterView): Lines {
  const scale = v.get('scale');
  const units = ['us', 'us', 'us', 'ms', 'ms', 'ms', 's', '<?>'];
  const time = (n: number, unit: string) => `\t\t${label}: ${n}${unit}`;
  if (scale > 7) return [`\t\tReserved time scale encoding ${hex(scale)}`, time(v.get('base'), '<?>')];
  return [time(v.get('base') * 10 ** (scale % 3), units[scale]!)];
}

function cxlGpfPort(r: (d: RegisterDef) => RegisterView): Lines {
  return [...cxlGpfTime('GPF Phase 1 Timeout', r(CXL_DVSEC.GPF_PHASE1)), ...cxlGpfTime('GPF Phase 2 Timeout', r(CXL_DVSEC.GPF_PHASE2))];
}

function cxlGpfDevice(r: (d: RegisterDef) => RegisterView): Lines {
  return [...cxlGpfTime('GPF Phase 2 Duration', r(CXL_DVSEC.GPF_DURATION)), `\t\tGPF Phase 2 Power: ${r(CXL_DVSEC.GPF_POWER).value}mW`];
}

/**
 * Designated Vendor-Specific: its header, and for CXL (at least 16 bytes, the
 * whole structure inside the 4 KiB space) the decode of the IDs irqscope
 * knows, or lspci's `Unknown ID` line for IDs pciutils does not know.
 */
function dvsec(read: ConfigRead, where: number, r: (d: RegisterDef) => RegisterView, verbose: number): Lines {
  const h = r(DVSEC_HEADER1);
  const id = r(DVSEC_HEADER2).get('id');
  const length = h.get('length');
  const title = `Designated Vendor-Specific: Vendor=${hex(h.get('vendor'), 4)} ID=${hex(id, 4)} Rev=${h.get('rev')} Len=${length}`;
  if (h.get('vendor') !== CXL_VENDOR || length < 16) return [`${title} <?>`];
  const lines = [`${title}: CXL`];
  if (verbose < 2 || where + length > CONFIG_END || CXL_UNDECODED_IDS.includes(id)) return lines;
  const decode = CXL_DECODED[id];
  return [...lines, ...(decode ? decode(r, length, h.get('rev')) : [`\t\tUnknown ID ${hex(id, 4)}`])];
}

const NAMES_ONLY: Readonly<Record<number, string>> = {
  0x0000: 'Null',
  0x0004: 'Power Budgeting <?>',
  0x0006: 'Root Complex Internal Link <?>',
  0x0008: 'Multi-Function Virtual Channel <?>',
  0x000a: 'Root Complex Register Block <?>',
  0x0011: 'Multi-Root I/O Virtualization <?>',
  0x0016: 'Dynamic Power Allocation <?>',
  0x001a: 'Protocol Multiplexing <?>',
  0x001c: 'LN Requester <?>',
  0x0020: 'PCI Express over M_PHY <?>',
  0x0021: 'FRS Queueing <?>',
  0x0022: 'Readiness Time Reporting <?>',
  0x0025: 'Data Link Feature <?>',
  0x0026: 'Physical Layer 16.0 GT/s <?>',
  0x0027: 'Lane Margining at the Receiver <?>',
  0x0028: 'Hierarchy ID <?>',
  0x0029: 'Native PCIe Enclosure Management <?>',
};

/** The text after `Capabilities: [xxx vN] `, then the detail lines at -vv and more. */
export function extendedCapabilityText(read: ConfigRead, where: number, id: number, expressType: number, verbose: number): Lines {
  const r = (def: RegisterDef) => readRegister(read, where, def);
  const detailed = (title: string, details: () => Lines): Lines => (verbose < 2 ? [title] : [title, ...details()]);
  switch (id) {
    case EXT_CAP_ID.AER:
      return detailed('Advanced Error Reporting', () => aer(r, expressType));
    case EXT_CAP_ID.VC:
    case EXT_CAP_ID.VC9:
      return detailed('Virtual Channel', () => vc(read, where, r));
    case EXT_CAP_ID.DSN:
      return [`Device Serial Number ${dsn(r)}`];
    case EXT_CAP_ID.RCLINK:
      return detailed('Root Complex Link', () => rclink(read, where, r));
    case EXT_CAP_ID.VENDOR: {
      const h = r(EXT.VENDOR_HEADER);
      return [`Vendor Specific Information: ID=${hex(h.get('id'), 4)} Rev=${h.get('rev')} Len=${hex(h.get('length'), 3)} <?>`];
    }
    case EXT_CAP_ID.ACS:
      return detailed('Access Control Services', () => {
        const flags = (v: RegisterView) => v.flags('SrcValid', 'TransBlk', 'ReqRedir', 'CmpltRedir', 'UpstreamFwd', 'EgressCtrl', 'DirectTrans');
        return [`\t\tACSCap:\t${flags(r(EXT.ACS_CAP))}`, `\t\tACSCtl:\t${flags(r(EXT.ACS_CTRL))}`];
      });
    case EXT_CAP_ID.ARI:
      return detailed('Alternative Routing-ID Interpretation (ARI)', () => {
        const cap = r(EXT.ARI_CAP);
        const ctl = r(EXT.ARI_CTRL);
        return [`\t\tARICap:\t${cap.flags('MFVC', 'ACS')}, Next Function: ${cap.get('next')}`, `\t\tARICtl:\t${ctl.flags('MFVC', 'ACS')}, Function Group: ${ctl.get('group')}`];
      });
    case EXT_CAP_ID.ATS:
      return detailed('Address Translation Service (ATS)', () => {
        const cap = r(EXT.ATS_CAP);
        const ctl = r(EXT.ATS_CTRL);
        return [`\t\tATSCap:\tInvalidate Queue Depth: ${hex(cap.get('iqd'), 2)}`, `\t\tATSCtl:\tEnable${ctl.flag('Enable')}, Smallest Translation Unit: ${hex(ctl.get('stu'), 2)}`];
      });
    case EXT_CAP_ID.SRIOV:
      return detailed('Single Root I/O Virtualization (SR-IOV)', () => sriov(read, where, r));
    case EXT_CAP_ID.PRI:
      return detailed('Page Request Interface (PRI)', () => [
        `\t\tPRICtl: ${r(EXT.PRI_CTRL).flags('Enable', 'Reset')}`,
        `\t\tPRISta: ${r(EXT.PRI_STATUS).flags('RF', 'UPRGI', 'Stopped')}`,
        `\t\tPage Request Capacity: ${hex(r(EXT.PRI_CAPACITY).value, 8)}, Page Request Allocation: ${hex(r(EXT.PRI_ALLOC).value, 8)}`,
      ]);
    case EXT_CAP_ID.PASID:
      return detailed('Process Address Space ID (PASID)', () => {
        const cap = r(EXT.PASID_CAP);
        return [`\t\tPASIDCap: ${cap.flags('Exec', 'Priv')}, Max PASID Width: ${hex(cap.get('width'), 2)}`, `\t\tPASIDCtl: ${r(EXT.PASID_CTRL).flags('Enable', 'Exec', 'Priv')}`];
      });
    case EXT_CAP_ID.LTR:
      return detailed('Latency Tolerance Reporting', () => [`\t\tMax snoop latency: ${ltrNs(r(EXT.LTR_SNOOP))}ns`, `\t\tMax no snoop latency: ${ltrNs(r(EXT.LTR_NOSNOOP))}ns`]);
    case EXT_CAP_ID.L1PM:
      return detailed('L1 PM Substates', () => l1pm(r));
    case EXT_CAP_ID.SECPCI:
      return detailed('Secondary PCI Express', () => [`\t\tLnkCtl3: ${r(EXT.SEC_LNKCTL3).flags('LnkEquIntrruptEn', 'PerformEqu')}`, `\t\tLaneErrStat: ${laneErrors(r(EXT.SEC_LANE_ERR).value & 0xffff)}`]);
    case EXT_CAP_ID.MCAST:
      return detailed('Multicast', () => multicast(r, expressType));
    case EXT_CAP_ID.DPC:
      return detailed('Downstream Port Containment', () => dpc(r));
    case EXT_CAP_ID.DOE:
      return detailed('Data Object Exchange', () => {
        const cap = r(EXT.DOE_CAP);
        const lines = [`\t\tDOECap: IntSup${cap.flag('IntSup')}`];
        if (cap.get('IntSup')) lines.push(`\t\t\tInterrupt Message Number ${hex(cap.get('imn'), 3)}`);
        return [...lines, `\t\tDOECtl: IntEn${r(EXT.DOE_CTL).flag('IntEn')}`, doeStatus(r(EXT.DOE_STA))];
      });
    case EXT_CAP_ID.REBAR:
      return detailed('Physical Resizable BAR', () => rebar(read, where));
    case EXT_CAP_ID.VF_REBAR:
      return detailed('Virtual Resizable BAR', () => rebar(read, where));
    case EXT_CAP_ID.TPH:
      return detailed('Transaction Processing Hints', () => tph(r));
    case EXT_CAP_ID.PTM:
      return detailed('Precision Time Measurement', () => ptm(r));
    case EXT_CAP_ID.RCEC:
      return detailed('Root Complex Event Collector Endpoint Association', () => rcec(read, where, r, verbose));
    case EXT_CAP_ID.DVSEC:
      return dvsec(read, where, r, verbose);
    default:
      return [NAMES_ONLY[id] ?? `Extended Capability ID 0x${hex(id)}`];
  }
}
