// The registers of the standard and extended capabilities, as data: offsets
// relative to the capability, fields with the name lspci prints for them and
// the specification's title, and access (which gives the machine's write masks).
// Where a capability's layout depends on its own contents (MSI's 64-bit
// address, the PCI Express registers of a port type) the layout is a function
// of the capability as found.
import { MSIX_CAP_REGISTERS, type FieldAccess, type RegisterDef, type RegisterField } from './layout';
import type { ConfigRead } from './register-view';

const f = (name: string, lsb: number, width: number, access: FieldAccess, title = name): RegisterField => ({ name, lsb, width, access, title });
const bit = (name: string, lsb: number, access: FieldAccess, title = name): RegisterField => f(name, lsb, 1, access, title);
const reg = (name: string, offset: number, size: 1 | 2 | 4, fields: RegisterField[]): RegisterDef => ({ name, offset, size, fields });
const whole = (name: string, offset: number, size: 1 | 2 | 4, access: FieldAccess, title: string): RegisterDef => reg(name, offset, size, [f('value', 0, 8 * size, access, title)]);

const CAP_HEADER = [reg('CAP_ID', 0, 1, [f('capId', 0, 8, 'ro', 'Capability ID')]), reg('NEXT', 1, 1, [f('next', 0, 8, 'ro', 'Next capability')])];
const EXT_HEADER = reg('EXT_HEADER', 0, 4, [f('id', 0, 16, 'ro', 'Extended capability ID'), f('version', 16, 4, 'ro', 'Version'), f('next', 20, 12, 'ro', 'Next capability offset')]);

export const CAP_ID = { PM: 0x01, AGP: 0x02, VPD: 0x03, SLOT_ID: 0x04, MSI: 0x05, PCIX: 0x07, HT: 0x08, VENDOR: 0x09, SSVID: 0x0d, EXP: 0x10, MSIX: 0x11, SATA: 0x12, EA: 0x14 } as const;
export const EXT_CAP_ID = {
  AER: 0x01, VC: 0x02, DSN: 0x03, RCLINK: 0x05, VC9: 0x09, VENDOR: 0x0b, ACS: 0x0d, ARI: 0x0e, ATS: 0x0f, SRIOV: 0x10, PRI: 0x13,
  MCAST: 0x12, LTR: 0x18, SECPCI: 0x19, PASID: 0x1b, DPC: 0x1d, L1PM: 0x1e, DOE: 0x2e,
  RCEC: 0x07, REBAR: 0x15, TPH: 0x17, PTM: 0x1f, DVSEC: 0x23, VF_REBAR: 0x24,
} as const;

export const PM_REGISTERS: readonly RegisterDef[] = [
  ...CAP_HEADER,
  reg('PM_CAP', 2, 2, [
    f('version', 0, 3, 'ro', 'Version'), bit('PMEClk', 3, 'ro', 'PME clock'), bit('DSI', 5, 'ro', 'Device specific initialization'),
    f('auxCurrent', 6, 3, 'ro', 'Aux current'), bit('D1', 9, 'ro', 'D1 support'), bit('D2', 10, 'ro', 'D2 support'),
    bit('PME-D0', 11, 'ro', 'PME from D0'), bit('PME-D1', 12, 'ro', 'PME from D1'), bit('PME-D2', 13, 'ro', 'PME from D2'),
    bit('PME-D3hot', 14, 'ro', 'PME from D3hot'), bit('PME-D3cold', 15, 'ro', 'PME from D3cold'),
  ]),
  reg('PM_CTRL', 4, 2, [
    f('state', 0, 2, 'rw', 'Power state (D0-D3)'), bit('NoSoftRst', 3, 'ro', 'No soft reset'), bit('PME-Enable', 8, 'rw', 'PME enable'),
    f('DSel', 9, 4, 'rw', 'Data select'), f('DScale', 13, 2, 'ro', 'Data scale'), bit('PME', 15, 'rw1c', 'PME status'),
  ]),
  reg('PM_BRIDGE', 6, 1, [bit('B3', 6, 'ro', 'B2/B3 support'), bit('PM', 7, 'ro', 'Bus power/clock control')]),
  whole('PM_DATA', 7, 1, 'ro', 'Data'),
];

const MSI_FLAGS = reg('MSI_FLAGS', 2, 2, [
  bit('Enable', 0, 'rw', 'MSI Enable'), f('capable', 1, 3, 'ro', 'Multiple Message Capable (log2)'), f('enabled', 4, 3, 'rw', 'Multiple Message Enable (log2)'),
  bit('64bit', 7, 'ro', '64-bit address capable'), bit('Maskable', 8, 'ro', 'Per-vector masking capable'),
]);

/** MSI's registers after Message Control move with the 64-bit flag and exist only with per-vector masking; mask bits exist per capable vector. */
export function msiRegisters(flags: number): RegisterDef[] {
  const is64 = (flags & 0x80) !== 0;
  const maskable = (flags & 0x100) !== 0;
  const vectors = 1 << Math.min(5, (flags >> 1) & 7);
  const defs = [...CAP_HEADER, MSI_FLAGS, reg('MSI_ADDRESS_LO', 4, 4, [f('address', 2, 30, 'rw', 'Message address [31:2]')])];
  const data = is64 ? 0x0c : 0x08;
  if (is64) defs.push(whole('MSI_ADDRESS_HI', 8, 4, 'rw', 'Message upper address'));
  defs.push(reg('MSI_DATA', data, 2, [f('data', 0, 16, 'rw', 'Message data')]));
  if (maskable) {
    defs.push(reg('MSI_MASK', data + 4, 4, [f('mask', 0, vectors, 'rw', 'Mask bits')]));
    defs.push(reg('MSI_PENDING', data + 8, 4, [f('pending', 0, vectors, 'ro', 'Pending bits')]));
  }
  return defs;
}

export const EXP_TYPE = { ENDPOINT: 0, LEG_END: 1, ROOT_PORT: 4, UPSTREAM: 5, DOWNSTREAM: 6, PCI_BRIDGE: 7, PCIE_BRIDGE: 8, ROOT_INT_EP: 9, ROOT_EC: 10 } as const;

export const EXP_FLAGS = reg('EXP_FLAGS', 2, 2, [f('version', 0, 4, 'ro', 'Capability version'), f('type', 4, 4, 'ro', 'Device/port type'), bit('slot', 8, 'ro', 'Slot implemented'), f('irq', 9, 5, 'ro', 'Interrupt message number')]);

export const EXP = {
  DEVCAP: reg('DEVCAP', 0x04, 4, [
    f('MaxPayload', 0, 3, 'ro', 'Max payload size supported'), f('PhantFunc', 3, 2, 'ro', 'Phantom functions'), bit('ExtTag', 5, 'ro', 'Extended tag field'),
    f('L0s', 6, 3, 'ro', 'Endpoint L0s acceptable latency'), f('L1', 9, 3, 'ro', 'Endpoint L1 acceptable latency'),
    bit('AttnBtn', 12, 'ro'), bit('AttnInd', 13, 'ro'), bit('PwrInd', 14, 'ro'), bit('RBE', 15, 'ro', 'Role-based error reporting'),
    f('powerValue', 18, 8, 'ro', 'Captured slot power limit value'), f('powerScale', 26, 2, 'ro', 'Captured slot power limit scale'), bit('FLReset', 28, 'ro', 'Function level reset capable'),
  ]),
  DEVCTL: reg('DEVCTL', 0x08, 2, [
    bit('CorrErr', 0, 'rw', 'Correctable error reporting'), bit('NonFatalErr', 1, 'rw', 'Non-fatal error reporting'), bit('FatalErr', 2, 'rw', 'Fatal error reporting'),
    bit('UnsupReq', 3, 'rw', 'Unsupported request reporting'), bit('RlxdOrd', 4, 'rw', 'Relaxed ordering'), f('MaxPayload', 5, 3, 'rw', 'Max payload size'),
    bit('ExtTag', 8, 'rw', 'Extended tag field'), bit('PhantFunc', 9, 'rw', 'Phantom functions'), bit('AuxPwr', 10, 'rw', 'Aux power PM'), bit('NoSnoop', 11, 'rw', 'No snoop'),
    f('MaxReadReq', 12, 3, 'rw', 'Max read request size'), bit('FLReset', 15, 'rw', 'Initiate FLR / bridge configuration retry'),
  ]),
  DEVSTA: reg('DEVSTA', 0x0a, 2, [
    bit('CorrErr', 0, 'rw1c', 'Correctable error detected'), bit('NonFatalErr', 1, 'rw1c', 'Non-fatal error detected'), bit('FatalErr', 2, 'rw1c', 'Fatal error detected'),
    bit('UnsupReq', 3, 'rw1c', 'Unsupported request detected'), bit('AuxPwr', 4, 'ro', 'Aux power detected'), bit('TransPend', 5, 'ro', 'Transactions pending'),
  ]),
  LNKCAP: reg('LNKCAP', 0x0c, 4, [
    f('speed', 0, 4, 'ro', 'Max link speed'), f('width', 4, 6, 'ro', 'Max link width'), f('aspm', 10, 2, 'ro', 'ASPM support'),
    f('L0s', 12, 3, 'ro', 'L0s exit latency'), f('L1', 15, 3, 'ro', 'L1 exit latency'), bit('ClockPM', 18, 'ro', 'Clock power management'),
    bit('Surprise', 19, 'ro', 'Surprise down error reporting'), bit('LLActRep', 20, 'ro', 'Data link layer active reporting'), bit('BwNot', 21, 'ro', 'Link bandwidth notification'),
    bit('ASPMOptComp', 22, 'ro', 'ASPM optionality compliance'), f('port', 24, 8, 'ro', 'Port number'),
  ]),
  LNKCTL: reg('LNKCTL', 0x10, 2, [
    f('aspm', 0, 2, 'rw', 'ASPM control'), bit('RCB', 3, 'rw', 'Read completion boundary'), bit('Disabled', 4, 'rw', 'Link disable'), bit('Retrain', 5, 'rw', 'Retrain link'),
    bit('CommClk', 6, 'rw', 'Common clock configuration'), bit('ExtSynch', 7, 'rw', 'Extended synch'), bit('ClockPM', 8, 'rw', 'Clock power management'),
    bit('AutWidDis', 9, 'rw', 'Hardware autonomous width disable'), bit('BWInt', 10, 'rw', 'Bandwidth management interrupt'), bit('AutBWInt', 11, 'rw', 'Autonomous bandwidth interrupt'),
  ]),
  LNKSTA: reg('LNKSTA', 0x12, 2, [
    f('speed', 0, 4, 'ro', 'Current link speed'), f('width', 4, 6, 'ro', 'Negotiated link width'), bit('TrErr', 10, 'ro', 'Training error'), bit('Train', 11, 'ro', 'Link training'),
    bit('SlotClk', 12, 'ro', 'Slot clock configuration'), bit('DLActive', 13, 'ro', 'Data link layer link active'), bit('BWMgmt', 14, 'rw1c', 'Link bandwidth management status'),
    bit('ABWMgmt', 15, 'rw1c', 'Link autonomous bandwidth status'),
  ]),
  SLTCAP: reg('SLTCAP', 0x14, 4, [
    bit('AttnBtn', 0, 'ro'), bit('PwrCtrl', 1, 'ro'), bit('MRL', 2, 'ro'), bit('AttnInd', 3, 'ro'), bit('PwrInd', 4, 'ro'), bit('Surprise', 5, 'ro', 'Hot-plug surprise'),
    bit('HotPlug', 6, 'ro', 'Hot-plug capable'), f('powerValue', 7, 8, 'ro', 'Slot power limit value'), f('powerScale', 15, 2, 'ro', 'Slot power limit scale'),
    bit('Interlock', 17, 'ro', 'Electromechanical interlock present'), bit('NoCompl', 18, 'ro', 'No command completed support'), f('slot', 19, 13, 'ro', 'Physical slot number'),
  ]),
  SLTCTL: reg('SLTCTL', 0x18, 2, [
    bit('AttnBtn', 0, 'rw', 'Attention button pressed enable'), bit('PwrFlt', 1, 'rw', 'Power fault detected enable'), bit('MRL', 2, 'rw', 'MRL sensor changed enable'),
    bit('PresDet', 3, 'rw', 'Presence detect changed enable'), bit('CmdCplt', 4, 'rw', 'Command completed interrupt enable'), bit('HPIrq', 5, 'rw', 'Hot-plug interrupt enable'),
    f('AttnInd', 6, 2, 'rw', 'Attention indicator control'), f('PwrInd', 8, 2, 'rw', 'Power indicator control'), bit('Power', 10, 'rw', 'Power controller control'),
    bit('Interlock', 11, 'rw', 'Electromechanical interlock control'), bit('LinkChg', 12, 'rw', 'Data link layer state changed enable'),
  ]),
  SLTSTA: reg('SLTSTA', 0x1a, 2, [
    bit('AttnBtn', 0, 'rw1c', 'Attention button pressed'), bit('PowerFlt', 1, 'rw1c', 'Power fault detected'), bit('MRLChg', 2, 'rw1c', 'MRL sensor changed'),
    bit('PresDetChg', 3, 'rw1c', 'Presence detect changed'), bit('CmdCplt', 4, 'rw1c', 'Command completed'), bit('MRL', 5, 'ro', 'MRL sensor state'),
    bit('PresDet', 6, 'ro', 'Presence detect state'), bit('Interlock', 7, 'ro', 'Electromechanical interlock status'), bit('LinkState', 8, 'rw1c', 'Data link layer state changed'),
  ]),
  RTCTL: reg('RTCTL', 0x1c, 2, [
    bit('ErrCorrectable', 0, 'rw', 'System error on correctable error'), bit('ErrNon-Fatal', 1, 'rw', 'System error on non-fatal error'), bit('ErrFatal', 2, 'rw', 'System error on fatal error'),
    bit('PMEIntEna', 3, 'rw', 'PME interrupt enable'), bit('CRSVisible', 4, 'rw', 'CRS software visibility enable'),
  ]),
  RTCAP: reg('RTCAP', 0x1e, 2, [bit('CRSVisible', 0, 'ro', 'CRS software visibility')]),
  RTSTA: reg('RTSTA', 0x20, 4, [f('reqId', 0, 16, 'ro', 'PME requester ID'), bit('PMEStatus', 16, 'rw1c', 'PME status'), bit('PMEPending', 17, 'ro', 'PME pending')]),
  DEVCAP2: reg('DEVCAP2', 0x24, 4, [
    f('timeoutRanges', 0, 4, 'ro', 'Completion timeout ranges'), bit('TimeoutDis', 4, 'ro', 'Completion timeout disable supported'), bit('ARIFwd', 5, 'ro', 'ARI forwarding'),
    bit('Routing', 6, 'ro', 'AtomicOp routing'), bit('32bit', 7, 'ro', '32-bit AtomicOp completer'), bit('64bit', 8, 'ro', '64-bit AtomicOp completer'), bit('128bitCAS', 9, 'ro', '128-bit CAS completer'),
    bit('NROPrPrP', 10, 'ro', 'No RO-enabled PR-PR passing'), bit('LTR', 11, 'ro', 'LTR mechanism'), bit('TPHComp', 12, 'ro', 'TPH completer'), bit('ExtTPHComp', 13, 'ro', 'Extended TPH completer'),
    f('lnCls', 14, 2, 'ro', 'LN system CLS'), bit('10BitTagComp', 16, 'ro', '10-bit tag completer'), bit('10BitTagReq', 17, 'ro', '10-bit tag requester'), f('obff', 18, 2, 'ro', 'OBFF supported'),
    bit('ExtFmt', 20, 'ro', 'Extended Fmt field'), bit('EETLPPrefix', 21, 'ro', 'End-end TLP prefix'), f('maxEETLP', 22, 2, 'ro', 'Max end-end TLP prefixes'),
    f('epr', 24, 2, 'ro', 'Emergency power reduction'), bit('EmergencyPowerReductionInit', 26, 'ro', 'Emergency power reduction initialization required'), bit('FRS', 31, 'ro', 'FRS supported'),
  ]),
  DEVCTL2: reg('DEVCTL2', 0x28, 2, [
    f('timeout', 0, 4, 'rw', 'Completion timeout value'), bit('TimeoutDis', 4, 'rw', 'Completion timeout disable'), bit('ARIFwd', 5, 'rw', 'ARI forwarding enable'),
    bit('ReqEn', 6, 'rw', 'AtomicOp requester enable'), bit('EgressBlck', 7, 'rw', 'AtomicOp egress blocking'), bit('IDOReq', 8, 'rw', 'IDO request enable'), bit('IDOCompl', 9, 'rw', 'IDO completion enable'),
    bit('LTR', 10, 'rw', 'LTR mechanism enable'), bit('EmergencyPowerReductionReq', 11, 'rw', 'Emergency power reduction request'), bit('10BitTagReq', 12, 'rw', '10-bit tag requester enable'),
    f('obff', 13, 2, 'rw', 'OBFF enable'), bit('EETLPPrefixBlk', 15, 'rw', 'End-end TLP prefix blocking'),
  ]),
  DEVSTA2: reg('DEVSTA2', 0x2a, 2, []),
  LNKCAP2: reg('LNKCAP2', 0x2c, 4, [f('speeds', 1, 7, 'ro', 'Supported link speeds vector'), bit('Crosslink', 8, 'ro', 'Crosslink supported'), bit('Retimer', 23, 'ro', 'Retimer presence detect supported'), bit('2Retimers', 24, 'ro', 'Two retimers presence detect supported'), bit('DRS', 31, 'ro', 'DRS supported')]),
  LNKCTL2: reg('LNKCTL2', 0x30, 2, [
    f('speed', 0, 4, 'rw', 'Target link speed'), bit('EnterCompliance', 4, 'rw', 'Enter compliance'), bit('SpeedDis', 5, 'rw', 'Hardware autonomous speed disable'),
    bit('deemphasis', 6, 'rw', 'Selectable de-emphasis'), f('margin', 7, 3, 'rw', 'Transmit margin'), bit('EnterModifiedCompliance', 10, 'rw', 'Enter modified compliance'),
    bit('ComplianceSOS', 11, 'rw', 'Compliance SOS'), f('preset', 12, 4, 'rw', 'Compliance preset/de-emphasis'),
  ]),
  LNKSTA2: reg('LNKSTA2', 0x32, 2, [
    bit('deemphasis', 0, 'ro', 'Current de-emphasis level'), bit('EqualizationComplete', 1, 'ro'), bit('EqualizationPhase1', 2, 'ro'), bit('EqualizationPhase2', 3, 'ro'),
    bit('EqualizationPhase3', 4, 'ro'), bit('LinkEqualizationRequest', 5, 'rw1c'), bit('Retimer', 6, 'ro', 'Retimer presence detected'), bit('2Retimers', 7, 'ro', 'Two retimers presence detected'),
    f('crosslink', 8, 2, 'ro', 'Crosslink resolution'), f('component', 12, 3, 'ro', 'Downstream component presence'), bit('DRS', 15, 'rw1c', 'DRS message received'),
  ]),
  SLTCAP2: reg('SLTCAP2', 0x34, 4, []),
  SLTCTL2: reg('SLTCTL2', 0x38, 2, []),
  SLTSTA2: reg('SLTSTA2', 0x3a, 2, []),
} as const;

/** Which PCI Express registers a function has, by its port type and capability version (PCIe base spec 7.5.3). */
export function expressRegisters(flags: number): RegisterDef[] {
  const version = flags & 0xf;
  const type = (flags >> 4) & 0xf;
  const slot = (flags & 0x100) !== 0 && (type === EXP_TYPE.ROOT_PORT || type === EXP_TYPE.DOWNSTREAM || type === EXP_TYPE.PCIE_BRIDGE);
  const link = type !== EXP_TYPE.ROOT_INT_EP && type !== EXP_TYPE.ROOT_EC;
  const root = type === EXP_TYPE.ROOT_PORT || type === EXP_TYPE.ROOT_EC;
  const defs: RegisterDef[] = [...CAP_HEADER, EXP_FLAGS, EXP.DEVCAP, EXP.DEVCTL, EXP.DEVSTA];
  if (link) defs.push(EXP.LNKCAP, EXP.LNKCTL, EXP.LNKSTA);
  if (slot) defs.push(EXP.SLTCAP, EXP.SLTCTL, EXP.SLTSTA);
  if (root) defs.push(EXP.RTCTL, EXP.RTCAP, EXP.RTSTA);
  if (version < 2) return defs;
  defs.push(EXP.DEVCAP2, EXP.DEVCTL2, EXP.DEVSTA2);
  if (link) defs.push(EXP.LNKCAP2, EXP.LNKCTL2, EXP.LNKSTA2);
  if (slot) defs.push(EXP.SLTCAP2, EXP.SLTCTL2, EXP.SLTSTA2);
  return defs;
}

const UE_FIELDS = (access: FieldAccess) => [
  bit('DLP', 4, access, 'Data link protocol error'), bit('SDES', 5, access, 'Surprise down error'), bit('TLP', 12, access, 'Poisoned TLP'), bit('FCP', 13, access, 'Flow control protocol error'),
  bit('CmpltTO', 14, access, 'Completion timeout'), bit('CmpltAbrt', 15, access, 'Completer abort'), bit('UnxCmplt', 16, access, 'Unexpected completion'), bit('RxOF', 17, access, 'Receiver overflow'),
  bit('MalfTLP', 18, access, 'Malformed TLP'), bit('ECRC', 19, access, 'ECRC error'), bit('UnsupReq', 20, access, 'Unsupported request'), bit('ACSViol', 21, access, 'ACS violation'),
];
const CE_FIELDS = (access: FieldAccess) => [
  bit('RxErr', 0, access, 'Receiver error'), bit('BadTLP', 6, access, 'Bad TLP'), bit('BadDLLP', 7, access, 'Bad DLLP'), bit('Rollover', 8, access, 'REPLAY_NUM rollover'),
  bit('Timeout', 12, access, 'Replay timer timeout'), bit('AdvNonFatalErr', 13, access, 'Advisory non-fatal error'),
];

export const AER = {
  UESTA: reg('UESTA', 0x04, 4, UE_FIELDS('rw1c')),
  UEMSK: reg('UEMSK', 0x08, 4, UE_FIELDS('rw')),
  UESVRT: reg('UESVRT', 0x0c, 4, UE_FIELDS('rw')),
  CESTA: reg('CESTA', 0x10, 4, CE_FIELDS('rw1c')),
  CEMSK: reg('CEMSK', 0x14, 4, CE_FIELDS('rw')),
  CAP: reg('AERCAP', 0x18, 4, [
    f('fep', 0, 5, 'ro', 'First error pointer'), bit('ECRCGenCap', 5, 'ro'), bit('ECRCGenEn', 6, 'rw'), bit('ECRCChkCap', 7, 'ro'), bit('ECRCChkEn', 8, 'rw'),
    bit('MultHdrRecCap', 9, 'ro'), bit('MultHdrRecEn', 10, 'rw'), bit('TLPPfxPres', 11, 'ro'), bit('HdrLogCap', 12, 'ro'),
  ]),
  HEADER_LOG: [0, 1, 2, 3].map((i) => whole(`HEADER_LOG_${i}`, 0x1c + 4 * i, 4, 'ro', `Header log dword ${i}`)),
  ROOT_CMD: reg('ROOT_CMD', 0x2c, 4, [bit('CERptEn', 0, 'rw'), bit('NFERptEn', 1, 'rw'), bit('FERptEn', 2, 'rw')]),
  ROOT_STA: reg('ROOT_STA', 0x30, 4, [
    bit('CERcvd', 0, 'rw1c'), bit('MultCERcvd', 1, 'rw1c'), bit('UERcvd', 2, 'rw1c'), bit('MultUERcvd', 3, 'rw1c'), bit('FirstFatal', 4, 'rw1c'),
    bit('NonFatalMsg', 5, 'rw1c'), bit('FatalMsg', 6, 'rw1c'), f('intMsg', 27, 5, 'ro', 'Advanced error interrupt message number'),
  ]),
  COR_SRC: whole('ERR_COR_SRC', 0x34, 2, 'ro', 'ERR_COR source ID'),
  UNCOR_SRC: whole('ERR_FATAL_SRC', 0x36, 2, 'ro', 'ERR_FATAL/NONFATAL source ID'),
} as const;

/** AER's root registers exist in root ports and event collectors only. */
export function aerRegisters(expressType: number): RegisterDef[] {
  const defs = [EXT_HEADER, AER.UESTA, AER.UEMSK, AER.UESVRT, AER.CESTA, AER.CEMSK, AER.CAP, ...AER.HEADER_LOG];
  if (expressType === EXP_TYPE.ROOT_PORT || expressType === EXP_TYPE.ROOT_EC) defs.push(AER.ROOT_CMD, AER.ROOT_STA, AER.COR_SRC, AER.UNCOR_SRC);
  return defs;
}

const ACS_FIELDS = (access: FieldAccess) => [
  bit('SrcValid', 0, access, 'Source validation'), bit('TransBlk', 1, access, 'Translation blocking'), bit('ReqRedir', 2, access, 'P2P request redirect'),
  bit('CmpltRedir', 3, access, 'P2P completion redirect'), bit('UpstreamFwd', 4, access, 'Upstream forwarding'), bit('EgressCtrl', 5, access, 'P2P egress control'),
  bit('DirectTrans', 6, access, 'Direct translated P2P'),
];

export const EXT = {
  ACS_CAP: reg('ACS_CAP', 4, 2, [...ACS_FIELDS('ro'), f('egressVectorSize', 8, 8, 'ro', 'Egress control vector size')]),
  ACS_CTRL: reg('ACS_CTRL', 6, 2, ACS_FIELDS('rw')),
  ARI_CAP: reg('ARI_CAP', 4, 2, [bit('MFVC', 0, 'ro', 'MFVC function groups'), bit('ACS', 1, 'ro', 'ACS function groups'), f('next', 8, 8, 'ro', 'Next function number')]),
  ARI_CTRL: reg('ARI_CTRL', 6, 2, [bit('MFVC', 0, 'rw', 'MFVC function groups enable'), bit('ACS', 1, 'rw', 'ACS function groups enable'), f('group', 4, 3, 'rw', 'Function group')]),
  ATS_CAP: reg('ATS_CAP', 4, 2, [f('iqd', 0, 5, 'ro', 'Invalidate queue depth'), bit('PageAligned', 5, 'ro', 'Page aligned request'), bit('GlobalInvalidate', 6, 'ro', 'Global invalidate supported')]),
  ATS_CTRL: reg('ATS_CTRL', 6, 2, [f('stu', 0, 5, 'rw', 'Smallest translation unit'), bit('Enable', 15, 'rw', 'ATS enable')]),
  PRI_CTRL: reg('PRI_CTRL', 4, 2, [bit('Enable', 0, 'rw'), bit('Reset', 1, 'rw')]),
  PRI_STATUS: reg('PRI_STATUS', 6, 2, [bit('RF', 0, 'rw1c', 'Response failure'), bit('UPRGI', 1, 'rw1c', 'Unexpected page request group index'), bit('Stopped', 8, 'ro'), bit('PASID', 15, 'ro', 'PRG response PASID required')]),
  PRI_CAPACITY: whole('PRI_MAX_REQ', 8, 4, 'ro', 'Outstanding page request capacity'),
  PRI_ALLOC: whole('PRI_ALLOC_REQ', 0x0c, 4, 'rw', 'Outstanding page request allocation'),
  PASID_CAP: reg('PASID_CAP', 4, 2, [bit('Exec', 1, 'ro', 'Execute permission supported'), bit('Priv', 2, 'ro', 'Privileged mode supported'), f('width', 8, 5, 'ro', 'Max PASID width')]),
  PASID_CTRL: reg('PASID_CTRL', 6, 2, [bit('Enable', 0, 'rw'), bit('Exec', 1, 'rw', 'Execute permission enable'), bit('Priv', 2, 'rw', 'Privileged mode enable')]),
  LTR_SNOOP: reg('LTR_MAX_SNOOP', 4, 2, [f('value', 0, 10, 'rw', 'Max snoop latency value'), f('scale', 10, 3, 'rw', 'Max snoop latency scale')]),
  LTR_NOSNOOP: reg('LTR_MAX_NOSNOOP', 6, 2, [f('value', 0, 10, 'rw', 'Max no-snoop latency value'), f('scale', 10, 3, 'rw', 'Max no-snoop latency scale')]),
  L1PM_CAP: reg('L1PM_CAP', 4, 4, [
    bit('PCI-PM_L1.2', 0, 'ro'), bit('PCI-PM_L1.1', 1, 'ro'), bit('ASPM_L1.2', 2, 'ro'), bit('ASPM_L1.1', 3, 'ro'), bit('L1_PM_Substates', 4, 'ro'),
    f('commonModeRestore', 8, 8, 'ro', 'Port common mode restore time (us)'), f('powerOnScale', 16, 2, 'ro', 'Port T_POWER_ON scale'), f('powerOnValue', 19, 5, 'ro', 'Port T_POWER_ON value'),
  ]),
  L1PM_CTL1: reg('L1PM_CTL1', 8, 4, [
    bit('PCI-PM_L1.2', 0, 'rw'), bit('PCI-PM_L1.1', 1, 'rw'), bit('ASPM_L1.2', 2, 'rw'), bit('ASPM_L1.1', 3, 'rw'),
    f('commonMode', 8, 8, 'rw', 'Common mode restore time (us)'), f('ltrValue', 16, 10, 'rw', 'LTR L1.2 threshold value'), f('ltrScale', 29, 3, 'rw', 'LTR L1.2 threshold scale'),
  ]),
  L1PM_CTL2: reg('L1PM_CTL2', 0x0c, 4, [f('powerOnScale', 0, 2, 'rw', 'T_POWER_ON scale'), f('powerOnValue', 3, 5, 'rw', 'T_POWER_ON value')]),
  SEC_LNKCTL3: reg('LNKCTL3', 4, 4, [bit('PerformEqu', 0, 'rw', 'Perform equalization'), bit('LnkEquIntrruptEn', 1, 'rw', 'Link equalization request interrupt enable')]),
  SEC_LANE_ERR: reg('LANE_ERR_STA', 8, 4, [f('lanes', 0, 32, 'rw1c', 'Lane error status')]),
  DSN_LOW: whole('DSN_LOW', 4, 4, 'ro', 'Serial number, low dword'),
  DSN_HIGH: whole('DSN_HIGH', 8, 4, 'ro', 'Serial number, high dword'),
  DOE_CAP: reg('DOE_CAP', 4, 4, [bit('IntSup', 0, 'ro', 'Interrupt support'), f('imn', 1, 11, 'ro', 'Interrupt message number')]),
  DOE_CTL: reg('DOE_CTL', 8, 4, [bit('Abort', 0, 'rw', 'DOE abort'), bit('IntEn', 1, 'rw', 'Interrupt enable'), bit('Go', 31, 'rw', 'DOE go')]),
  DOE_STA: reg('DOE_STA', 0x0c, 4, [bit('Busy', 0, 'ro'), bit('IntSta', 1, 'rw1c', 'Interrupt status'), bit('Error', 2, 'ro'), bit('ObjectReady', 31, 'ro', 'Data object ready')]),
  DPC_CAP: reg('DPC_CAP', 4, 2, [f('intMsg', 0, 5, 'ro', 'DPC interrupt message number'), bit('RPExt', 5, 'ro', 'RP extensions for DPC'), bit('PoisonedTLP', 6, 'ro', 'Poisoned TLP egress blocking supported'), bit('SwTrigger', 7, 'ro', 'DPC software triggering supported'), f('pioLog', 8, 4, 'ro', 'RP PIO log size'), bit('DL_ActiveErr', 12, 'ro', 'DL_Active ERR_COR signaling supported')]),
  DPC_CTL: reg('DPC_CTL', 6, 2, [f('trigger', 0, 2, 'rw', 'DPC trigger enable'), bit('Cmpl', 2, 'rw', 'DPC completion control'), bit('INT', 3, 'rw', 'DPC interrupt enable'), bit('ErrCor', 4, 'rw', 'DPC ERR_COR enable'), bit('PoisonedTLP', 5, 'rw', 'Poisoned TLP egress blocking enable'), bit('SwTrigger', 6, 'rw', 'DPC software trigger'), bit('DL_ActiveErr', 7, 'rw', 'DL_Active ERR_COR enable')]),
  DPC_STATUS: reg('DPC_STATUS', 8, 2, [bit('Trigger', 0, 'rw1c', 'DPC trigger status'), f('reason', 1, 2, 'ro', 'DPC trigger reason'), bit('INT', 3, 'rw1c', 'DPC interrupt status'), bit('RPBusy', 4, 'ro', 'DPC RP busy'), f('reasonExt', 5, 2, 'ro', 'DPC trigger reason extension'), f('pioFep', 8, 5, 'ro', 'RP PIO first error pointer')]),
  DPC_SOURCE: whole('DPC_SOURCE', 10, 2, 'ro', 'DPC error source ID'),
  MCAST_CAP: reg('MCAST_CAP', 4, 2, [f('maxGroup', 0, 6, 'ro', 'Max groups - 1'), f('windowSize', 8, 6, 'ro', 'Window size requested (log2)'), bit('ECRCRegen', 15, 'ro', 'ECRC regeneration supported')]),
  MCAST_CTRL: reg('MCAST_CTRL', 6, 2, [f('numGroup', 0, 6, 'rw', 'Number of groups - 1'), bit('Enable', 15, 'rw', 'Multicast enable')]),
  MCAST_BAR_LO: whole('MCAST_BAR_LO', 8, 4, 'rw', 'Multicast base address (low) and index position'),
  MCAST_BAR_HI: whole('MCAST_BAR_HI', 0x0c, 4, 'rw', 'Multicast base address (high)'),
  MCAST_RCV_LO: whole('MCAST_RCV_LO', 0x10, 4, 'rw', 'Receive vector (low)'),
  MCAST_RCV_HI: whole('MCAST_RCV_HI', 0x14, 4, 'rw', 'Receive vector (high)'),
  MCAST_BLOCK_LO: whole('MCAST_BLOCK_ALL_LO', 0x18, 4, 'rw', 'Block all vector (low)'),
  MCAST_BLOCK_HI: whole('MCAST_BLOCK_ALL_HI', 0x1c, 4, 'rw', 'Block all vector (high)'),
  MCAST_UNTRANS_LO: whole('MCAST_BLOCK_UNTRANS_LO', 0x20, 4, 'rw', 'Block untranslated vector (low)'),
  MCAST_UNTRANS_HI: whole('MCAST_BLOCK_UNTRANS_HI', 0x24, 4, 'rw', 'Block untranslated vector (high)'),
  MCAST_OVERLAY_LO: whole('MCAST_OVERLAY_LO', 0x28, 4, 'rw', 'Overlay BAR (low) and size'),
  MCAST_OVERLAY_HI: whole('MCAST_OVERLAY_HI', 0x2c, 4, 'rw', 'Overlay BAR (high)'),
  VENDOR_HEADER: reg('VSEC_HEADER', 4, 4, [f('id', 0, 16, 'ro', 'VSEC ID'), f('rev', 16, 4, 'ro', 'VSEC revision'), f('length', 20, 12, 'ro', 'VSEC length')]),
} as const;

export const SRIOV = {
  CAP: reg('IOV_CAP', 4, 4, [bit('Migration', 0, 'ro', 'VF migration capable'), bit('ARIPreserved', 1, 'ro', 'ARI capable hierarchy preserved'), f('imn', 21, 11, 'ro', 'VF migration interrupt message number')]),
  CTRL: reg('IOV_CTRL', 8, 2, [bit('Enable', 0, 'rw', 'VF enable'), bit('Migration', 1, 'rw', 'VF migration enable'), bit('Interrupt', 2, 'rw', 'VF migration interrupt enable'), bit('MSE', 3, 'rw', 'VF memory space enable'), bit('ARIHierarchy', 4, 'rw', 'ARI capable hierarchy')]),
  STATUS: reg('IOV_STATUS', 0x0a, 2, [bit('Migration', 0, 'rw1c', 'VF migration status')]),
  INITIAL_VF: whole('IOV_INITIAL_VF', 0x0c, 2, 'ro', 'Initial VFs'),
  TOTAL_VF: whole('IOV_TOTAL_VF', 0x0e, 2, 'ro', 'Total VFs'),
  NUM_VF: whole('IOV_NUM_VF', 0x10, 2, 'rw', 'Number of VFs'),
  FDL: whole('IOV_FDL', 0x12, 1, 'ro', 'Function dependency link'),
  OFFSET: whole('IOV_VF_OFFSET', 0x14, 2, 'ro', 'First VF offset'),
  STRIDE: whole('IOV_VF_STRIDE', 0x16, 2, 'ro', 'VF stride'),
  DID: whole('IOV_VF_DID', 0x1a, 2, 'ro', 'VF device ID'),
  SUPPORTED_PAGES: whole('IOV_SUP_PGSIZE', 0x1c, 4, 'ro', 'Supported page sizes'),
  SYSTEM_PAGE: whole('IOV_SYS_PGSIZE', 0x20, 4, 'rw', 'System page size'),
  BARS: [0, 1, 2, 3, 4, 5].map((i) => whole(`IOV_BAR_${i}`, 0x24 + 4 * i, 4, 'rw', `VF BAR ${i}`)),
  MIGRATION: reg('IOV_MSAO', 0x3c, 4, [f('bir', 0, 3, 'ro', 'VF migration state BIR'), f('offset', 3, 29, 'ro', 'VF migration state offset / 8')]),
} as const;

export const VC = {
  CAP1: reg('VC_PORT_CAP1', 4, 4, [f('evc', 0, 3, 'ro', 'Extended VC count'), f('lpevc', 4, 3, 'ro', 'Low priority extended VC count'), f('refClk', 8, 2, 'ro', 'Reference clock'), f('patBits', 10, 2, 'ro', 'Port arbitration table entry size')]),
  CAP2: reg('VC_PORT_CAP2', 8, 4, [f('arbCap', 0, 8, 'ro', 'VC arbitration capability'), f('arbTable', 24, 8, 'ro', 'VC arbitration table offset')]),
  CTRL: reg('VC_PORT_CTRL', 0x0c, 2, [bit('load', 0, 'rw', 'Load VC arbitration table'), f('arbSelect', 1, 3, 'rw', 'VC arbitration select')]),
  STATUS: reg('VC_PORT_STATUS', 0x0e, 2, [bit('InProgress', 0, 'ro', 'VC arbitration table status')]),
} as const;

/** The resource registers of VC `i` (VC0 and each extended VC). */
export function vcResourceRegisters(i: number): RegisterDef[] {
  const at = 0x10 + 12 * i;
  return [
    reg(`VC${i}_CAP`, at, 4, [f('arbCap', 0, 8, 'ro', 'Port arbitration capability'), bit('RejSnoopTrans', 15, 'ro', 'Reject snoop transactions'), f('maxSlots', 16, 7, 'ro', 'Maximum time slots - 1'), f('patOffset', 24, 8, 'ro', 'Port arbitration table offset')]),
    reg(`VC${i}_CTRL`, at + 4, 4, [f('tcVc', 0, 8, i === 0 ? 'ro' : 'rw', 'TC/VC map'), bit('load', 16, 'rw', 'Load port arbitration table'), f('arbSelect', 17, 3, 'rw', 'Port arbitration select'), f('id', 24, 3, i === 0 ? 'ro' : 'rw', 'VC ID'), bit('Enable', 31, i === 0 ? 'ro' : 'rw', 'VC enable')]),
    reg(`VC${i}_STATUS`, at + 10, 2, [bit('InProgress', 0, 'ro', 'Port arbitration table status'), bit('NegoPending', 1, 'ro', 'VC negotiation pending')]),
  ];
}

export const VIRTIO_CAP: readonly RegisterDef[] = [
  ...CAP_HEADER,
  whole('VIRTIO_CAP_LEN', 2, 1, 'ro', 'Capability length'),
  whole('VIRTIO_CFG_TYPE', 3, 1, 'ro', 'Structure type'),
  whole('VIRTIO_BAR', 4, 1, 'ro', 'BAR'),
  whole('VIRTIO_OFFSET', 8, 4, 'ro', 'Offset in the BAR'),
  whole('VIRTIO_LENGTH', 12, 4, 'ro', 'Length'),
];

/** virtio devices (Red Hat vendor ID, device IDs 0x1000-0x107f) describe their structures in vendor capabilities. */
export function isVirtio(read: ConfigRead): boolean {
  const device = read(0x02, 2);
  return read(0x00, 2) === 0x1af4 && device >= 0x1000 && device <= 0x107f;
}

/** AGP (AGP 3.0 section 2.5): what the target or master can do, and what it was told to do. */
export const AGP_REGISTERS: readonly RegisterDef[] = [
  ...CAP_HEADER,
  reg('AGP_VERSION', 2, 1, [f('minor', 0, 4, 'ro', 'Minor revision'), f('major', 4, 4, 'ro', 'Major revision')]),
  reg('AGP_STATUS', 4, 4, [
    f('rate', 0, 3, 'ro', 'Data rates supported'), bit('AGP3', 3, 'ro', 'AGP 3.0 mode'), bit('FW', 4, 'ro', 'Fast writes'), bit('64bit', 5, 'ro', '64-bit addressing (over 4 GB)'),
    bit('HTrans', 6, 'ro', 'Host translation not supported'), bit('GART64', 7, 'ro', '64-bit GART entries'), bit('ITACoh', 8, 'ro', 'Coherent core-logic access'),
    bit('SBA', 9, 'ro', 'Side-band addressing'), f('cal', 10, 3, 'ro', 'Calibration cycle'), f('arqsz', 13, 3, 'ro', 'Optimum asynchronous request size (log2 - 4)'),
    bit('Iso', 16, 'ro', 'Isochronous transactions'), f('rq', 24, 8, 'ro', 'Maximum requests - 1'),
  ]),
  reg('AGP_COMMAND', 8, 4, [
    f('rate', 0, 3, 'rw', 'Data rate'), bit('FW', 4, 'rw', 'Fast write enable'), bit('64bit', 5, 'rw', '64-bit addressing enable'), bit('GART64', 7, 'rw', '64-bit GART entries enable'),
    bit('AGP', 8, 'rw', 'AGP enable'), bit('SBA', 9, 'rw', 'Side-band addressing enable'), f('cal', 10, 3, 'rw', 'Calibration cycle'),
    f('arqsz', 13, 3, 'rw', 'Asynchronous request size (log2 - 4)'), f('rq', 24, 8, 'rw', 'Request depth - 1'),
  ]),
];

/** PCI-X (PCI-X 2.0 section 7.2): a device's Command and Status. */
export const PCIX_REGISTERS: readonly RegisterDef[] = [
  ...CAP_HEADER,
  reg('PCIX_COMMAND', 2, 2, [
    bit('DPERE', 0, 'rw', 'Data parity error recovery enable'), bit('ERO', 1, 'rw', 'Enable relaxed ordering'),
    f('mmrbc', 2, 2, 'rw', 'Maximum memory read byte count (512 << n)'), f('most', 4, 3, 'rw', 'Maximum outstanding split transactions'),
  ]),
  reg('PCIX_STATUS', 4, 4, [
    f('function', 0, 3, 'ro', 'Function number'), f('device', 3, 5, 'ro', 'Device number'), f('bus', 8, 8, 'ro', 'Bus number'),
    bit('64bit', 16, 'ro', '64-bit device'), bit('133MHz', 17, 'ro', '133 MHz capable'), bit('SCD', 18, 'rw1c', 'Split completion discarded'),
    bit('USC', 19, 'rw1c', 'Unexpected split completion'), bit('DC', 20, 'ro', 'Device complexity (bridge)'), f('dmmrbc', 21, 2, 'ro', 'Designed maximum memory read byte count'),
    f('dmost', 23, 3, 'ro', 'Designed maximum outstanding split transactions'), f('dmcrs', 26, 3, 'ro', 'Designed maximum cumulative read size'),
    bit('RSCEM', 29, 'rw1c', 'Received split completion error message'), bit('266MHz', 30, 'ro', '266 MHz capable'), bit('533MHz', 31, 'ro', '533 MHz capable'),
  ]),
];

/** PCI-X bridge (PCI-X 2.0 section 8.6): both sides' status and the split transaction buffers. */
export const PCIX_BRIDGE_REGISTERS: readonly RegisterDef[] = [
  ...CAP_HEADER,
  reg('PCIX_SEC_STATUS', 2, 2, [
    bit('64bit', 0, 'ro', '64-bit device'), bit('133MHz', 1, 'ro', '133 MHz capable'), bit('SCD', 2, 'rw1c', 'Split completion discarded'), bit('USC', 3, 'rw1c', 'Unexpected split completion'),
    bit('SCO', 4, 'rw1c', 'Split completion overrun'), bit('SRD', 5, 'rw1c', 'Split request delayed'), f('freq', 6, 3, 'ro', 'Secondary clock frequency'),
  ]),
  reg('PCIX_BRIDGE_STATUS', 4, 4, [
    f('function', 0, 3, 'ro', 'Function number'), f('device', 3, 5, 'ro', 'Device number'), f('bus', 8, 8, 'ro', 'Bus number'),
    bit('64bit', 16, 'ro', '64-bit device'), bit('133MHz', 17, 'ro', '133 MHz capable'), bit('SCD', 18, 'rw1c', 'Split completion discarded'), bit('USC', 19, 'rw1c', 'Unexpected split completion'),
    bit('SCO', 20, 'rw1c', 'Split completion overrun'), bit('SRD', 21, 'rw1c', 'Split request delayed'),
  ]),
  reg('PCIX_UPSTREAM', 8, 4, [f('capacity', 0, 16, 'ro', 'Upstream split transaction capacity'), f('limit', 16, 16, 'rw', 'Upstream split transaction commitment limit')]),
  reg('PCIX_DOWNSTREAM', 12, 4, [f('capacity', 0, 16, 'ro', 'Downstream split transaction capacity'), f('limit', 16, 16, 'rw', 'Downstream split transaction commitment limit')]),
];

/** Resizable BAR entry `i` (PCIe base spec 7.8.6): the sizes a BAR supports, and which it has. */
export function rebarEntryRegisters(i: number): RegisterDef[] {
  return [
    reg(`REBAR${i}_CAP`, 4 + 8 * i, 4, [f('sizes', 4, 28, 'ro', 'Supported sizes, 1 MB to 128 TB (bit per power of two)')]),
    reg(`REBAR${i}_CTRL`, 8 + 8 * i, 4, [
      f('bar', 0, 3, 'ro', 'BAR index'), f('nbars', 5, 3, 'ro', 'Number of resizable BARs (entry 0 only)'), f('size', 8, 6, 'rw', 'BAR size (1 MB << n)'),
      f('sizes', 16, 16, 'ro', 'Supported sizes, 256 TB to 8 EB'),
    ]),
  ];
}

/** The resizable BARs a Resizable BAR capability describes: 1 to 6, as its first entry says. */
export function rebarEntries(read: ConfigRead, at: number): number {
  const n = (read(at + 8, 4) >>> 5) & 7;
  return n >= 1 && n <= 6 ? n : 1;
}

export const TPH_CAP = reg('TPH_CAP', 4, 4, [
  bit('NoST', 0, 'ro', 'No ST mode supported'), bit('IntVec', 1, 'ro', 'Interrupt vector mode supported'), bit('DevSpec', 2, 'ro', 'Device specific mode supported'),
  bit('ExtReq', 8, 'ro', 'Extended TPH requester supported'), f('stLoc', 9, 2, 'ro', 'ST table location'), f('stSize', 16, 11, 'ro', 'ST table size - 1'),
]);
export const TPH_CTRL = reg('TPH_CTRL', 8, 4, [f('mode', 0, 3, 'rw', 'ST mode select'), f('enable', 8, 2, 'rw', 'TPH requester enable')]);

export const PTM_CAP = reg('PTM_CAP', 4, 4, [bit('Requester', 0, 'ro', 'PTM requester capable'), bit('Responder', 1, 'ro', 'PTM responder capable'), bit('Root', 2, 'ro', 'PTM root capable'), f('granularity', 8, 8, 'ro', 'Local clock granularity (ns)')]);
export const PTM_CTRL = reg('PTM_CTRL', 8, 4, [bit('Enabled', 0, 'rw', 'PTM enable'), bit('RootSelected', 1, 'rw', 'Root select'), f('granularity', 8, 8, 'rw', 'Effective granularity (ns)')]);

export const RCEC_BITMAP = whole('RCEC_BITMAP', 4, 4, 'ro', 'Associated RCiEPs (bit per device number)');
/** Version 2 adds the bus numbers the collector's RCiEPs may sit on. */
export const RCEC_BUSES = reg('RCEC_BUSES', 8, 4, [f('next', 8, 8, 'ro', 'RCEC next bus'), f('last', 16, 8, 'ro', 'RCEC last bus')]);

export const DVSEC_HEADER1 = reg('DVSEC_HEADER1', 4, 4, [f('vendor', 0, 16, 'ro', 'DVSEC vendor ID'), f('rev', 16, 4, 'ro', 'DVSEC revision'), f('length', 20, 12, 'ro', 'DVSEC length')]);
export const DVSEC_HEADER2 = reg('DVSEC_HEADER2', 8, 2, [f('id', 0, 16, 'ro', 'DVSEC ID')]);

/** CXL 2.0 DVSECs (vendor 0x1e98) irqscope decodes, by DVSEC ID: the device (0), function map (2), port extensions (3), GPF for ports (4) and devices (5), Flex Bus port (7), MLD (9). */
export const CXL_DVSEC = {
  DEV_CAP: reg('CXL_DEV_CAP', 0x0a, 2, [
    bit('Cache', 0, 'ro', 'CXL.cache capable'), bit('IO', 1, 'ro', 'CXL.io capable'), bit('Mem', 2, 'ro', 'CXL.mem capable'), bit('MemHwInit', 3, 'ro', 'Memory initialized by hardware'),
    f('hdmCount', 4, 2, 'ro', 'HDM range count'), bit('Viral', 14, 'ro', 'Viral capable'),
  ]),
  DEV_CTRL: reg('CXL_DEV_CTRL', 0x0c, 2, [
    bit('Cache', 0, 'rw', 'CXL.cache enable'), bit('IO', 1, 'ro', 'CXL.io enable'), bit('Mem', 2, 'rw', 'CXL.mem enable'), f('sfCoverage', 3, 5, 'rw', 'Cache snoop filter coverage'),
    f('sfGranularity', 8, 3, 'rw', 'Cache snoop filter granularity'), bit('CacheClean', 11, 'rw', 'Cache clean eviction'), bit('Viral', 14, 'rw', 'Viral enable'),
  ]),
  DEV_STATUS: reg('CXL_DEV_STATUS', 0x0e, 2, [bit('Viral', 14, 'rw', 'Viral status')]),
  DEV_STATUS2: reg('CXL_DEV_STATUS2', 0x12, 2, [bit('ResetComplete', 1, 'ro', 'CXL reset complete'), bit('ResetError', 2, 'ro', 'CXL reset error'), bit('PMComplete', 15, 'ro', 'Power management initialization complete')]),
  DEV_CAP2: reg('CXL_DEV_CAP2', 0x16, 2, [f('cacheUnit', 0, 4, 'ro', 'Cache size unit (0: not reported, 1: 64 KiB, 2: 1 MiB)'), f('cacheSize', 8, 8, 'ro', 'Cache size, in units')]),
  /** Range `n` (0 or 1): size high, size low (its flags in the low bits), base high, base low. */
  DEV_RANGES: [0, 1].map((n) => {
    const at = 0x18 + 0x10 * n;
    return [
      whole(`CXL_DEV_RANGE${n + 1}_SIZE_HI`, at, 4, 'ro', `Range ${n + 1} size [63:32]`),
      reg(`CXL_DEV_RANGE${n + 1}_SIZE_LO`, at + 4, 4, [
        bit('Valid', 0, 'ro', 'Memory info valid'), bit('Active', 1, 'ro', 'Memory active'), f('type', 2, 3, 'ro', 'Media type'), f('class', 5, 3, 'ro', 'Memory class'),
        f('interleave', 8, 5, 'ro', 'Desired interleave'), f('timeout', 13, 3, 'ro', 'Memory active timeout'), f('size', 28, 4, 'ro', 'Range size [31:28]'),
      ]),
      whole(`CXL_DEV_RANGE${n + 1}_BASE_HI`, at + 8, 4, 'rw', `Range ${n + 1} base [63:32]`),
      reg(`CXL_DEV_RANGE${n + 1}_BASE_LO`, at + 12, 4, [f('base', 28, 4, 'rw', 'Range base [31:28]')]),
    ];
  }),
  /** Function map `i` (the 16 bits lspci reads of each 32-bit register). */
  FUNCTION_MAP: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => whole(`CXL_FUNC_MAP_${i}`, 0x0c + 4 * i, 2, 'ro', `Function map ${i}`)),
  PORT_STATUS: reg('CXL_PORT_STATUS', 0x0a, 2, [bit('PMComplete', 0, 'ro', 'Port power management initialization complete')]),
  PORT_CTRL: reg('CXL_PORT_CTRL', 0x0c, 2, [
    bit('UnmaskSBR', 0, 'rw', 'Unmask secondary bus reset'), bit('UnmaskLinkDisable', 1, 'rw', 'Unmask link disable'), bit('AltMem', 2, 'rw', 'Alternate memory and ID space enable'),
    bit('AltBME', 3, 'rw', 'Alternate bus master enable'), bit('ViralEnable', 14, 'rw', 'Viral enable'),
  ]),
  PORT_ALT_BUS: reg('CXL_PORT_ALT_BUS', 0x0e, 2, [f('base', 0, 8, 'rw', 'Alternate bus base'), f('limit', 8, 8, 'rw', 'Alternate bus limit')]),
  PORT_ALT_MEM: reg('CXL_PORT_ALT_MEM', 0x10, 4, [f('base', 0, 16, 'rw', 'Alternate memory base'), f('limit', 16, 16, 'rw', 'Alternate memory limit')]),
  GPF_PHASE1: reg('CXL_GPF_PORT_PHASE1', 0x0c, 2, [f('base', 0, 4, 'rw', 'GPF phase 1 timeout base'), f('scale', 8, 4, 'rw', 'GPF phase 1 timeout scale')]),
  GPF_PHASE2: reg('CXL_GPF_PORT_PHASE2', 0x0e, 2, [f('base', 0, 4, 'rw', 'GPF phase 2 timeout base'), f('scale', 8, 4, 'rw', 'GPF phase 2 timeout scale')]),
  GPF_DURATION: reg('CXL_GPF_DEVICE_DURATION', 0x0a, 2, [f('base', 0, 4, 'ro', 'GPF phase 2 duration base'), f('scale', 8, 4, 'ro', 'GPF phase 2 duration scale')]),
  GPF_POWER: whole('CXL_GPF_DEVICE_POWER', 0x0c, 4, 'ro', 'GPF phase 2 power (mW)'),
  FLEX_CAP: reg('CXL_FB_CAP', 0x0a, 2, [bit('Cache', 0, 'ro', 'Cache capable'), bit('IO', 1, 'ro', 'I/O capable'), bit('Mem', 2, 'ro', 'Memory capable'), bit('68BFlit', 5, 'ro', '68B flit and VH capable'), bit('MltLogDev', 6, 'ro', 'Multi-logical device capable'),
    bit('256BFlit', 13, 'ro', '256B flit capable (revision 2)'), bit('PBRFlit', 14, 'ro', 'PBR flit capable (revision 2)')]),
  FLEX_CTRL: reg('CXL_FB_CTRL', 0x0c, 2, [
    bit('Cache', 0, 'rw', 'Cache enable'), bit('IO', 1, 'ro', 'I/O enable'), bit('Mem', 2, 'rw', 'Memory enable'), bit('SynHdrByp', 3, 'rw', 'Sync header bypass enable'),
    bit('DrftBuf', 4, 'rw', 'Drift buffer enable'), bit('68BFlit', 5, 'rw', '68B flit and VH enable'), bit('MltLogDev', 6, 'rw', 'Multi-logical device enable'),
    bit('RCD', 7, 'rw', 'Disable RCD training'), bit('Retimer1', 8, 'rw', 'Retimer 1 present'), bit('Retimer2', 9, 'rw', 'Retimer 2 present'),
    bit('256BFlit', 13, 'rw', '256B flit enable (revision 2)'), bit('PBRFlit', 14, 'rw', 'PBR flit enable (revision 2)'),
  ]),
  FLEX_STATUS: reg('CXL_FB_STATUS', 0x0e, 2, [
    bit('Cache', 0, 'ro', 'Cache enabled'), bit('IO', 1, 'ro', 'I/O enabled'), bit('Mem', 2, 'ro', 'Memory enabled'), bit('SynHdrByp', 3, 'ro', 'Sync header bypass enabled'),
    bit('DrftBuf', 4, 'ro', 'Drift buffer enabled'), bit('68BFlit', 5, 'ro', '68B flit and VH enabled'), bit('MltLogDev', 6, 'ro', 'Multi-logical device enabled'),
    bit('256BFlit', 13, 'ro', '256B flit enabled (revision 2)'), bit('PBRFlit', 14, 'ro', 'PBR flit enabled (revision 2)'),
  ]),
  FLEX_MOD_TS: reg('CXL_FB_MOD_TS', 0x10, 4, [f('data', 0, 24, 'ro', 'Received Flex Bus data')]),
  MLD_NUM_LD: whole('CXL_MLD_NUM_LD', 0x0a, 2, 'ro', 'Number of logical devices supported'),
  FLEX_CAP2: reg('CXL_FB_CAP2', 0x14, 4, [bit('NOPHint', 0, 'ro', 'NOP hint capable')]),
  FLEX_CTRL2: reg('CXL_FB_CTRL2', 0x18, 4, [bit('NOPHint', 0, 'rw', 'NOP hint enable')]),
  FLEX_STATUS2: reg('CXL_FB_STATUS2', 0x1c, 4, [f('nopHintInfo', 0, 2, 'ro', 'NOP hint information')]),
} as const;

/** Register locator block `i` (8 bytes from 0x0c): BAR, block ID and the 64-bit offset's two halves. */
export function cxlRegisterBlock(i: number): RegisterDef[] {
  const at = 0x0c + 8 * i;
  return [
    reg(`CXL_REG_BLOCK${i}_LO`, at, 4, [f('bir', 0, 3, 'ro', 'Register BIR'), f('id', 8, 8, 'ro', 'Register block identifier'), f('offset', 16, 16, 'ro', 'Register block offset [31:16]')]),
    whole(`CXL_REG_BLOCK${i}_HI`, at + 4, 4, 'ro', 'Register block offset [63:32]'),
  ];
}

/** The CXL registers of a DVSEC, by its vendor and ID; none for other vendors or IDs irqscope does not decode. */
export function cxlDvsecRegisters(read: ConfigRead, at: number): RegisterDef[] {
  if (read(at + 4, 2) !== 0x1e98) return [];
  const rev = (read(at + 4, 4) >>> 16) & 0xf;
  switch (read(at + 8, 2)) {
    case 0:
      return [CXL_DVSEC.DEV_CAP, CXL_DVSEC.DEV_CTRL, CXL_DVSEC.DEV_STATUS, CXL_DVSEC.DEV_STATUS2, CXL_DVSEC.DEV_CAP2, ...CXL_DVSEC.DEV_RANGES.flat()];
    case 2:
      return [...CXL_DVSEC.FUNCTION_MAP];
    case 3:
      return [CXL_DVSEC.PORT_STATUS, CXL_DVSEC.PORT_CTRL, CXL_DVSEC.PORT_ALT_BUS, CXL_DVSEC.PORT_ALT_MEM];
    case 4:
      return [CXL_DVSEC.GPF_PHASE1, CXL_DVSEC.GPF_PHASE2];
    case 5:
      return [CXL_DVSEC.GPF_DURATION, CXL_DVSEC.GPF_POWER];
    case 7:
      return [CXL_DVSEC.FLEX_CAP, CXL_DVSEC.FLEX_CTRL, CXL_DVSEC.FLEX_STATUS, CXL_DVSEC.FLEX_MOD_TS, ...(rev >= 2 ? [CXL_DVSEC.FLEX_CAP2, CXL_DVSEC.FLEX_CTRL2, CXL_DVSEC.FLEX_STATUS2] : [])];
    case 9:
      return [CXL_DVSEC.MLD_NUM_LD];
    case 8: {
      const length = (read(at + 4, 4) >>> 20) & 0xfff;
      return Array.from({ length: Math.max(0, Math.floor((Math.min(length, 0x1000 - at) - 0x0c) / 8)) }, (_, i) => cxlRegisterBlock(i)).flat();
    }
    default:
      return [];
  }
}

/** Serial ATA capability (AHCI 1.3 section 2.4): where the HBA's index-data pair lives. */
export const SATA_REGISTERS: readonly RegisterDef[] = [
  ...CAP_HEADER,
  reg('SATA_CR0', 2, 2, [f('minor', 0, 4, 'ro', 'Minor revision'), f('major', 4, 4, 'ro', 'Major revision')]),
  reg('SATA_CR1', 4, 4, [f('barLoc', 0, 4, 'ro', 'BAR location (4-9: BAR 0-5, 15: in config space)'), f('barOffset', 4, 20, 'ro', 'BAR offset (dwords)')]),
];

/** Root Complex Link Declaration: the element's own description, then one 16-byte entry per link (PCIe base spec 7.9.8). */
export const RCLINK_ESD = reg('RCLINK_ESD', 4, 4, [f('eltType', 0, 8, 'ro', 'Element type (bits 7:4 reserved; lspci reads the byte)'), f('links', 8, 8, 'ro', 'Number of link entries'), f('componentId', 16, 8, 'ro', 'Component ID'), f('port', 24, 8, 'ro', 'Port number')]);
export const RCLINK_FIRST_LINK = 0x10;
export const RCLINK_LINK_SIZE = 16;

/** Link entry `i`'s description and 64-bit link address. */
export function rclinkLinkRegisters(i: number): RegisterDef[] {
  const at = RCLINK_FIRST_LINK + RCLINK_LINK_SIZE * i;
  return [
    reg(`RCLINK_LINK${i}_DESC`, at, 4, [bit('LinkValid', 0, 'ro', 'Link valid'), bit('LinkType', 1, 'ro', 'Link type (1: configuration space)'), bit('AssocRCRB', 2, 'ro', 'Associated RCRB header'), f('targetComponent', 16, 8, 'ro', 'Target component ID'), f('targetPort', 24, 8, 'ro', 'Target port number')]),
    whole(`RCLINK_LINK${i}_ADDR_LO`, at + 8, 4, 'ro', 'Link address (low)'),
    whole(`RCLINK_LINK${i}_ADDR_HI`, at + 12, 4, 'ro', 'Link address (high)'),
  ];
}

export const HT_COMMAND = reg('HT_COMMAND', 2, 2, [f('type', 11, 5, 'ro', 'Capability type'), f('command', 0, 11, 'ro', 'Type-specific command bits')]);

/** The registers of a standard capability found at `at`; only the header when irqscope has no description. */
export function standardCapabilityRegisters(id: number, read: ConfigRead, at: number): readonly RegisterDef[] {
  const flags = read(at + 2, 2);
  switch (id) {
    case CAP_ID.PM:
      return PM_REGISTERS;
    case CAP_ID.MSI:
      return msiRegisters(flags);
    case CAP_ID.EXP:
      return expressRegisters(flags);
    case CAP_ID.MSIX:
      return MSIX_CAP_REGISTERS;
    case CAP_ID.HT:
      return [...CAP_HEADER, HT_COMMAND];
    case CAP_ID.SATA:
      return SATA_REGISTERS;
    case CAP_ID.AGP:
      return AGP_REGISTERS;
    case CAP_ID.PCIX:
      return (read(0x0e, 1) & 0x7f) === 1 ? PCIX_BRIDGE_REGISTERS : PCIX_REGISTERS;
    case CAP_ID.VENDOR:
      return isVirtio(read) ? VIRTIO_CAP : [...CAP_HEADER, whole('VNDR_LEN', 2, 1, 'ro', 'Capability length')];
    default:
      return CAP_HEADER;
  }
}

/**
 * The registers of an extended capability; AER's root registers depend on the port type,
 * a Resizable BAR's entries and an event collector's bus numbers on the capability as found.
 */
export function extendedCapabilityRegisters(id: number, expressType: number, read?: ConfigRead, at = 0): readonly RegisterDef[] {
  const list = (...defs: RegisterDef[]) => [EXT_HEADER, ...defs];
  switch (id) {
    case EXT_CAP_ID.AER:
      return aerRegisters(expressType);
    case EXT_CAP_ID.VC:
    case EXT_CAP_ID.VC9:
      return list(VC.CAP1, VC.CAP2, VC.CTRL, VC.STATUS, ...vcResourceRegisters(0));
    case EXT_CAP_ID.DSN:
      return list(EXT.DSN_LOW, EXT.DSN_HIGH);
    case EXT_CAP_ID.RCLINK:
      return list(RCLINK_ESD, ...rclinkLinkRegisters(0));
    case EXT_CAP_ID.VENDOR:
      return list(EXT.VENDOR_HEADER);
    case EXT_CAP_ID.ACS:
      return list(EXT.ACS_CAP, EXT.ACS_CTRL);
    case EXT_CAP_ID.ARI:
      return list(EXT.ARI_CAP, EXT.ARI_CTRL);
    case EXT_CAP_ID.ATS:
      return list(EXT.ATS_CAP, EXT.ATS_CTRL);
    case EXT_CAP_ID.SRIOV:
      return list(SRIOV.CAP, SRIOV.CTRL, SRIOV.STATUS, SRIOV.INITIAL_VF, SRIOV.TOTAL_VF, SRIOV.NUM_VF, SRIOV.FDL, SRIOV.OFFSET, SRIOV.STRIDE, SRIOV.DID, SRIOV.SUPPORTED_PAGES, SRIOV.SYSTEM_PAGE, ...SRIOV.BARS, SRIOV.MIGRATION);
    case EXT_CAP_ID.PRI:
      return list(EXT.PRI_CTRL, EXT.PRI_STATUS, EXT.PRI_CAPACITY, EXT.PRI_ALLOC);
    case EXT_CAP_ID.PASID:
      return list(EXT.PASID_CAP, EXT.PASID_CTRL);
    case EXT_CAP_ID.LTR:
      return list(EXT.LTR_SNOOP, EXT.LTR_NOSNOOP);
    case EXT_CAP_ID.L1PM:
      return list(EXT.L1PM_CAP, EXT.L1PM_CTL1, EXT.L1PM_CTL2);
    case EXT_CAP_ID.SECPCI:
      return list(EXT.SEC_LNKCTL3, EXT.SEC_LANE_ERR);
    case EXT_CAP_ID.DOE:
      return list(EXT.DOE_CAP, EXT.DOE_CTL, EXT.DOE_STA);
    case EXT_CAP_ID.DPC:
      return list(EXT.DPC_CAP, EXT.DPC_CTL, EXT.DPC_STATUS, EXT.DPC_SOURCE);
    case EXT_CAP_ID.REBAR:
    case EXT_CAP_ID.VF_REBAR:
      return list(...Array.from({ length: read ? rebarEntries(read, at) : 1 }, (_, i) => rebarEntryRegisters(i)).flat());
    case EXT_CAP_ID.TPH:
      return list(TPH_CAP, TPH_CTRL);
    case EXT_CAP_ID.PTM:
      return list(PTM_CAP, PTM_CTRL);
    case EXT_CAP_ID.RCEC:
      return read && ((read(at, 4) >>> 16) & 0xf) >= 2 ? list(RCEC_BITMAP, RCEC_BUSES) : list(RCEC_BITMAP);
    case EXT_CAP_ID.DVSEC:
      return list(DVSEC_HEADER1, DVSEC_HEADER2, ...(read ? cxlDvsecRegisters(read, at) : []));
    case EXT_CAP_ID.MCAST:
      return list(EXT.MCAST_CAP, EXT.MCAST_CTRL, EXT.MCAST_BAR_LO, EXT.MCAST_BAR_HI, EXT.MCAST_RCV_LO, EXT.MCAST_RCV_HI, EXT.MCAST_BLOCK_LO, EXT.MCAST_BLOCK_HI, EXT.MCAST_UNTRANS_LO, EXT.MCAST_UNTRANS_HI, EXT.MCAST_OVERLAY_LO, EXT.MCAST_OVERLAY_HI);
    default:
      return [EXT_HEADER];
  }
}
