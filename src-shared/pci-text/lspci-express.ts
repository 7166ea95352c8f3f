// lspci's decode of the PCI Express capability, word for word as pciutils 3.9
// prints it, including its rules about which registers it shows for which
// port type (and that it hides the Link 2 registers of a non-zero endpoint function).
import { EXP, EXP_FLAGS, EXP_TYPE } from '../registers/capability-layouts';
import { readRegister, viewOf, type ConfigRead, type RegisterView } from '../registers/register-view';
import { hex } from './hex';

const T = EXP_TYPE;

/** What the Express decode needs to know about the function besides its registers. */
export interface ExpressContext {
  /** Device and function numbers: lspci hides LnkCap2/LnkCtl2 of non-zero endpoint functions. */
  deviceFn: number;
  /** Whether any memory BAR is assigned and sized (AtomicOps lines). */
  hasMemoryBar: boolean;
}

const L0S = ['<64ns', '<128ns', '<256ns', '<512ns', '<1us', '<2us', '<4us', 'unlimited'];
const L1 = ['<1us', '<2us', '<4us', '<8us', '<16us', '<32us', '<64us', 'unlimited'];
const SPEEDS: Readonly<Record<number, string>> = { 1: '2.5GT/s', 2: '5GT/s', 3: '8GT/s', 4: '16GT/s', 5: '32GT/s', 6: '64GT/s' };
const ASPM_SUPPORT = ['not supported', 'L0s', 'L1', 'L0s L1'];
const ASPM_ENABLED = ['Disabled', 'L0s Enabled', 'L1 Enabled', 'L0s L1 Enabled'];
const INDICATOR = ['Unknown', 'On', 'Blink', 'Off'];
const TIMEOUT_RANGES: Readonly<Record<number, string>> = { 0: 'Not Supported', 1: 'Range A', 2: 'Range B', 3: 'Range AB', 6: 'Range BC', 7: 'Range ABC', 14: 'Range BCD', 15: 'Range ABCD' };
const TIMEOUT_VALUES: Readonly<Record<number, string>> = { 0: '50us to 50ms', 1: '50us to 100us', 2: '1ms to 10ms', 5: '16ms to 55ms', 6: '65ms to 210ms', 9: '260ms to 900ms', 10: '1s to 3.5s', 13: '4s to 13s', 14: '17s to 64s' };
const OBFF_CAP = ['Not Supported', 'Via message', 'Via WAKE#', 'Via message/WAKE#'];
const OBFF_CTL = ['Disabled', 'Via message A', 'Via message B', 'Via WAKE#'];
const EPR = ['Not Supported', 'Dev Specific', 'Form Factor Dev Specific', 'Reserved'];
const LN_CLS = ['Not Supported', '64byte cachelines', '128byte cachelines', 'Reserved'];
const MARGINS = ['Normal Operating Range', '800-1200mV(full-swing)/400-700mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)'];
const PRESETS = [
  '-6dB de-emphasis, 0dB preshoot', '-3.5dB de-emphasis, 0dB preshoot', '-4.4dB de-emphasis, 0dB preshoot', '-2.5dB de-emphasis, 0dB preshoot',
  '0dB de-emphasis, 0dB preshoot', '0dB de-emphasis, 1.9dB preshoot', '0dB de-emphasis, 2.5dB preshoot', '-6.0dB de-emphasis, 3.5dB preshoot',
  '-3.5dB de-emphasis, 3.5dB preshoot', '0dB de-emphasis, 3.5dB preshoot',
];
const CROSSLINK = ['unsupported', 'Upstream Port', 'Downstream Port', 'incomplete'];
const COMPONENT: Readonly<Record<number, string>> = { 0: 'Link Down - Not Determined', 1: 'Link Down - Not Present', 2: 'Link Down - Present', 4: 'Link Up - Present', 5: 'Link Up - Present and DRS Received' };

const speed = (code: number) => SPEEDS[code] ?? 'unknown';
const is = (type: number, ...types: number[]) => types.includes(type);

/** lspci prints power as C's `%g` of a float product: six significant digits, no trailing zeros. */
export function powerLimit(value: number, scale: number): string {
  // Scale 0 with values from F0h means 250 W and up in 25 W steps; FFh is above 600 W.
  if (scale === 0 && value >= 0xf0) return value === 0xff ? '>600W' : `${250 + 25 * (value - 0xf0)}W`;
  const watts = Math.fround(value * Math.fround([1, 0.1, 0.01, 0.001][scale] ?? 1));
  return `${Number(watts.toPrecision(6))}W`;
}

export function expressTitle(flags: number, verbose: number): string {
  const v = viewOf(EXP_FLAGS, flags);
  const type = v.get('type');
  const slot = `(Slot${v.flag('slot')})`;
  const names: Readonly<Record<number, string>> = {
    [T.ENDPOINT]: 'Endpoint', [T.LEG_END]: 'Legacy Endpoint', [T.ROOT_PORT]: `Root Port ${slot}`, [T.UPSTREAM]: 'Upstream Port',
    [T.DOWNSTREAM]: `Downstream Port ${slot}`, [T.PCI_BRIDGE]: 'PCI-Express to PCI/PCI-X Bridge', [T.PCIE_BRIDGE]: `PCI/PCI-X to PCI-Express Bridge ${slot}`,
    [T.ROOT_INT_EP]: 'Root Complex Integrated Endpoint', [T.ROOT_EC]: 'Root Complex Event Collector',
  };
  return `Express ${verbose >= 2 ? `(v${v.get('version')}) ` : ''}${names[type] ?? `Unknown type ${type}`}, MSI ${hex(v.get('irq'), 2)}`;
}

function deviceLines(devcap: RegisterView, ctl: RegisterView, sta: RegisterView, type: number): string[] {
  const endpoint = is(type, T.ENDPOINT, T.LEG_END);
  let line1 = `\t\tDevCap:\tMaxPayload ${128 << devcap.get('MaxPayload')} bytes, PhantFunc ${(1 << devcap.get('PhantFunc')) - 1}`;
  if (endpoint) line1 += `, Latency L0s ${L0S[devcap.get('L0s')]}, L1 ${L1[devcap.get('L1')]}`;
  let line2 = `\t\t\tExtTag${devcap.flag('ExtTag')}`;
  if (is(type, T.ENDPOINT, T.LEG_END, T.UPSTREAM, T.PCI_BRIDGE)) line2 += ` ${devcap.flags('AttnBtn', 'AttnInd', 'PwrInd')}`;
  line2 += ` RBE${devcap.flag('RBE')}`;
  const flr = is(type, T.ENDPOINT, T.LEG_END, T.ROOT_INT_EP);
  if (flr) line2 += ` FLReset${devcap.flag('FLReset')}`;
  if (is(type, T.ENDPOINT, T.UPSTREAM, T.PCI_BRIDGE)) line2 += ` SlotPowerLimit ${powerLimit(devcap.get('powerValue'), devcap.get('powerScale'))}`;
  let ctl2 = `\t\t\t${ctl.flags('RlxdOrd', 'ExtTag', 'PhantFunc', 'AuxPwr', 'NoSnoop')}`;
  if (type === T.PCI_BRIDGE) ctl2 += ` BrConfRtry${ctl.flag('FLReset')}`;
  if (flr && devcap.get('FLReset')) ctl2 += ` FLReset${ctl.flag('FLReset')}`;
  return [
    line1,
    line2,
    `\t\tDevCtl:\t${ctl.flags('CorrErr', 'NonFatalErr', 'FatalErr', 'UnsupReq')}`,
    ctl2,
    `\t\t\tMaxPayload ${128 << ctl.get('MaxPayload')} bytes, MaxReadReq ${128 << ctl.get('MaxReadReq')} bytes`,
    `\t\tDevSta:\t${sta.flags('CorrErr', 'NonFatalErr', 'FatalErr', 'UnsupReq', 'AuxPwr', 'TransPend')}`,
  ];
}

/** A downstream-facing port's link may run below its own maximum without being downgraded: its partner decides. */
function compare(type: number, status: number, cap: number): string {
  if (status > cap) return ' (overdriven)';
  if (status === cap || is(type, T.ROOT_PORT, T.DOWNSTREAM, T.PCIE_BRIDGE)) return '';
  return ' (downgraded)';
}

function linkLines(cap: RegisterView, ctl: RegisterView, sta: RegisterView, type: number): string[] {
  const aspm = cap.get('aspm');
  let line = `\t\tLnkCap:\tPort #${cap.get('port')}, Speed ${speed(cap.get('speed'))}, Width x${cap.get('width')}, ASPM ${ASPM_SUPPORT[aspm]}`;
  if (aspm) {
    line += ', Exit Latency ';
    if (aspm & 1) line += `L0s ${L0S[cap.get('L0s')]}`;
    if (aspm & 2) line += `${aspm & 1 ? ', ' : ''}L1 ${L1[cap.get('L1')]}`;
  }
  let control = `\t\tLnkCtl:\tASPM ${ASPM_ENABLED[ctl.get('aspm')]};`;
  if (is(type, T.ROOT_PORT, T.ENDPOINT, T.LEG_END, T.PCI_BRIDGE)) control += ` RCB ${ctl.get('RCB') ? 128 : 64} bytes,`;
  return [
    line,
    `\t\t\t${cap.flags('ClockPM', 'Surprise', 'LLActRep', 'BwNot', 'ASPMOptComp')}`,
    `${control} ${ctl.flags('Disabled', 'CommClk')}`,
    `\t\t\t${ctl.flags('ExtSynch', 'ClockPM', 'AutWidDis', 'BWInt', 'AutBWInt')}`,
    `\t\tLnkSta:\tSpeed ${speed(sta.get('speed'))}${compare(type, sta.get('speed'), cap.get('speed'))}, Width x${sta.get('width')}${compare(type, sta.get('width'), cap.get('width'))}`,
    `\t\t\t${sta.flags('TrErr', 'Train', 'SlotClk', 'DLActive', 'BWMgmt', 'ABWMgmt')}`,
  ];
}

function slotLines(cap: RegisterView, ctl: RegisterView, sta: RegisterView): string[] {
  return [
    `\t\tSltCap:\t${cap.flags('AttnBtn', 'PwrCtrl', 'MRL', 'AttnInd', 'PwrInd', 'HotPlug', 'Surprise')}`,
    `\t\t\tSlot #${cap.get('slot')}, PowerLimit ${powerLimit(cap.get('powerValue'), cap.get('powerScale'))}; ${cap.flags('Interlock', 'NoCompl')}`,
    `\t\tSltCtl:\tEnable: ${ctl.flags('AttnBtn', 'PwrFlt', 'MRL', 'PresDet', 'CmdCplt', 'HPIrq', 'LinkChg')}`,
    `\t\t\tControl: AttnInd ${INDICATOR[ctl.get('AttnInd')]}, PwrInd ${INDICATOR[ctl.get('PwrInd')]}, ${ctl.flags('Power', 'Interlock')}`,
    `\t\tSltSta:\tStatus: AttnBtn${sta.flag('AttnBtn')} PowerFlt${sta.flag('PowerFlt')} MRL${sta.flag('MRL')} CmdCplt${sta.flag('CmdCplt')} PresDet${sta.flag('PresDet')} Interlock${sta.flag('Interlock')}`,
    `\t\t\tChanged: MRL${sta.flag('MRLChg')} PresDet${sta.flag('PresDetChg')} LinkState${sta.flag('LinkState')}`,
  ];
}

function rootLines(cap: RegisterView, ctl: RegisterView, sta: RegisterView): string[] {
  return [
    `\t\tRootCap: CRSVisible${cap.flag('CRSVisible')}`,
    `\t\tRootCtl: ${ctl.flags('ErrCorrectable', 'ErrNon-Fatal', 'ErrFatal', 'PMEIntEna', 'CRSVisible')}`,
    `\t\tRootSta: PME ReqID ${hex(sta.get('reqId'), 4)}, ${sta.flags('PMEStatus', 'PMEPending')}`,
  ];
}

function device2Lines(cap: RegisterView, ctl: RegisterView, type: number, hasMemoryBar: boolean): string[] {
  const lines: string[] = [];
  lines.push(`\t\tDevCap2: Completion Timeout: ${TIMEOUT_RANGES[cap.get('timeoutRanges')] ?? 'Unknown'}, ${cap.flags('TimeoutDis', 'NROPrPrP', 'LTR')}`);
  let line = `\t\t\t ${cap.flags('10BitTagComp', '10BitTagReq')} OBFF ${OBFF_CAP[cap.get('obff')]}, ${cap.flags('ExtFmt', 'EETLPPrefix')}`;
  if (cap.get('EETLPPrefix')) line += `, MaxEETLPPrefixes ${cap.get('maxEETLP') || 4}`;
  lines.push(line);
  lines.push(`\t\t\t EmergencyPowerReduction ${EPR[cap.get('epr')]}, EmergencyPowerReductionInit${cap.flag('EmergencyPowerReductionInit')}`);
  line = `\t\t\t FRS${cap.flag('FRS')}`;
  if (type === T.ROOT_PORT) line += ` LN System CLS ${LN_CLS[cap.get('lnCls')]},`;
  // lspci names the two valid TPH completer codes and prints nothing for Extended without plain TPH.
  if (is(type, T.ROOT_PORT, T.ENDPOINT)) line += ` ${cap.get('ExtTPHComp') && !cap.get('TPHComp') ? '' : cap.flags('TPHComp', 'ExtTPHComp')}`;
  if (is(type, T.ROOT_PORT, T.DOWNSTREAM)) line += ` ARIFwd${cap.flag('ARIFwd')}`;
  lines.push(line);
  const port = is(type, T.ROOT_PORT, T.UPSTREAM, T.DOWNSTREAM);
  if (port || hasMemoryBar) {
    line = '\t\t\t AtomicOpsCap:';
    if (port) line += ` Routing${cap.flag('Routing')}`;
    if (type === T.ROOT_PORT || hasMemoryBar) line += ` ${cap.flags('32bit', '64bit', '128bitCAS')}`;
    lines.push(line);
  }
  line = `\t\tDevCtl2: Completion Timeout: ${TIMEOUT_VALUES[ctl.get('timeout')] ?? 'Unknown'}, ${ctl.flags('TimeoutDis', 'LTR', '10BitTagReq')} OBFF ${OBFF_CTL[ctl.get('obff')]},`;
  if (is(type, T.ROOT_PORT, T.DOWNSTREAM)) line += ` ARIFwd${ctl.flag('ARIFwd')}`;
  lines.push(line);
  if (is(type, T.ROOT_PORT, T.UPSTREAM, T.DOWNSTREAM, T.ENDPOINT, T.ROOT_INT_EP, T.LEG_END)) {
    line = '\t\t\t AtomicOpsCtl:';
    if (is(type, T.ROOT_PORT, T.ENDPOINT, T.ROOT_INT_EP, T.LEG_END)) line += ` ReqEn${ctl.flag('ReqEn')}`;
    if (port) line += ` EgressBlck${ctl.flag('EgressBlck')}`;
    lines.push(line);
  }
  return lines;
}

/** LnkCap2's speed vector (bits 7:1) as lspci names it: the range up to the highest rate, bits above 32 GT/s reserved. */
function speedRange(vector: number): string {
  if (vector & 0x60) return 'RsvdP';
  const top = ['2.5', '5', '8', '16', '32'];
  for (let b = 4; b >= 0; b--) if (vector & (1 << b)) return b === 0 ? '2.5GT/s' : `2.5-${top[b]}GT/s`;
  return 'Unknown';
}

function link2Lines(cap: RegisterView, ctl: RegisterView, sta: RegisterView, type: number, deviceFn: number): string[] {
  const lines: string[] = [];
  if (!(is(type, T.ENDPOINT, T.LEG_END) && deviceFn !== 0)) {
    if (cap.value) lines.push(`\t\tLnkCap2: Supported Link Speeds: ${speedRange(cap.get('speeds'))}, ${cap.flags('Crosslink', 'Retimer', '2Retimers', 'DRS')}`);
    let line = `\t\tLnkCtl2: Target Link Speed: ${ctl.get('speed') === 0 ? '2.5GT/s' : (SPEEDS[ctl.get('speed')] ?? 'Unknown')}, ${ctl.flags('EnterCompliance', 'SpeedDis')}`;
    if (type === T.DOWNSTREAM) line += `, Selectable De-emphasis: ${ctl.get('deemphasis') ? '-3.5dB' : '-6dB'}`;
    lines.push(line);
    lines.push(`\t\t\t Transmit Margin: ${MARGINS[ctl.get('margin')] ?? 'Unknown'}, ${ctl.flags('EnterModifiedCompliance', 'ComplianceSOS')}`);
    lines.push(`\t\t\t Compliance Preset/De-emphasis: ${PRESETS[ctl.get('preset')] ?? 'Unknown'}`);
  }
  lines.push(`\t\tLnkSta2: Current De-emphasis Level: ${sta.get('deemphasis') ? '-3.5dB' : '-6dB'}, ${sta.flags('EqualizationComplete', 'EqualizationPhase1')}`);
  lines.push(`\t\t\t ${sta.flags('EqualizationPhase2', 'EqualizationPhase3', 'LinkEqualizationRequest')}`);
  let line = `\t\t\t ${sta.flags('Retimer', '2Retimers')} CrosslinkRes: ${CROSSLINK[sta.get('crosslink')]}`;
  if (cap.get('DRS') && is(type, T.ROOT_PORT, T.DOWNSTREAM, T.PCIE_BRIDGE)) {
    line += `, DRS${sta.flag('DRS')}`;
    lines.push(line, `\t\t\t DownstreamComp: ${COMPONENT[sta.get('component')] ?? 'Reserved'}`);
  } else lines.push(line);
  return lines;
}

/** The detail lines under `Capabilities: [xx] Express ...` (-vv and more). */
export function expressLines(read: ConfigRead, where: number, context: ExpressContext): string[] {
  const flags = viewOf(EXP_FLAGS, read(where + 2, 2));
  const type = flags.get('type');
  const r = (def: (typeof EXP)[keyof typeof EXP]) => readRegister(read, where, def);
  const slot = flags.get('slot') !== 0 && is(type, T.ROOT_PORT, T.DOWNSTREAM, T.PCIE_BRIDGE);
  const link = !is(type, T.ROOT_INT_EP, T.ROOT_EC);
  const lines = deviceLines(r(EXP.DEVCAP), r(EXP.DEVCTL), r(EXP.DEVSTA), type);
  if (link) lines.push(...linkLines(r(EXP.LNKCAP), r(EXP.LNKCTL), r(EXP.LNKSTA), type));
  if (slot) lines.push(...slotLines(r(EXP.SLTCAP), r(EXP.SLTCTL), r(EXP.SLTSTA)));
  if (is(type, T.ROOT_PORT, T.ROOT_EC)) lines.push(...rootLines(r(EXP.RTCAP), r(EXP.RTCTL), r(EXP.RTSTA)));
  if (flags.get('version') < 2) return lines;
  lines.push(...device2Lines(r(EXP.DEVCAP2), r(EXP.DEVCTL2), type, context.hasMemoryBar));
  if (link) lines.push(...link2Lines(r(EXP.LNKCAP2), r(EXP.LNKCTL2), r(EXP.LNKSTA2), type, context.deviceFn));
  return lines;
}
