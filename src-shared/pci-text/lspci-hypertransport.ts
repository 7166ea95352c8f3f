// lspci's decode of the HyperTransport capability's two interface blocks
// (Slave/Primary and Host/Secondary), as pciutils 3.9 prints them. Revision
// 2.2 (ID 0x22) and up have more fields; lspci warns below that.
import type { ConfigReader } from './config-decode';
import { hex } from './hex';

const WIDTHS = ['8bit', '16bit', '[2]', '32bit', '2bit', '4bit', '[6]', 'N/C'];
const FREQS = ['200MHz', '300MHz', '400MHz', '500MHz', '600MHz', '800MHz', '1.0GHz', '1.2GHz', '1.4GHz', '1.6GHz', '[a]', '[b]', '[c]', '[d]', '[e]', 'Vend'];
const FREQ_CAPS = ['200MHz', '300MHz', '400MHz', '500MHz', '600MHz', '800MHz', '1.0GHz', '1.2GHz', '1.4GHz', '1.6GHz'];
const ERROR_HANDLING = ['PFlE', 'OFlE', 'PFE', 'OFE', 'EOCFE', 'RFE', 'CRCFE', 'SERRFE', 'CF', 'RE', 'PNFE', 'ONFE', 'EOCNFE', 'RNFE', 'CRCNFE', 'SERRNFE'];

const fl = (v: number, bit: number) => (v & bit ? '+' : '-');
const revision = (rid: number) => `${(rid >> 5) & 7}.${String(rid & 0x1f).padStart(2, '0')}`;

function linkControl(v: number, rid: number): string {
  let s = `CFlE${fl(v, 0x2)} CST${fl(v, 0x4)} CFE${fl(v, 0x8)} <LkFail${fl(v, 0x10)} Init${fl(v, 0x20)} EOC${fl(v, 0x40)} TXO${fl(v, 0x80)} <CRCErr=${hex((v >> 8) & 0xf)}`;
  if (rid >= 0x22) s += ` IsocEn${fl(v, 0x1000)} LSEn${fl(v, 0x2000)} ExtCTL${fl(v, 0x4000)} 64b${fl(v, 0x8000)}`;
  return s;
}

function linkConfig(v: number, rid: number): string {
  const w = (shift: number) => WIDTHS[(v >> shift) & 7];
  if (rid < 0x22) return `MLWI=${w(0)} MLWO=${w(4)} LWI=${w(8)} LWO=${w(12)}`;
  return `MLWI=${w(0)} DwFcIn${fl(v, 0x8)} MLWO=${w(4)} DwFcOut${fl(v, 0x80)} LWI=${w(8)} DwFcInEn${fl(v, 0x800)} LWO=${w(12)} DwFcOutEn${fl(v, 0x8000)}`;
}

const linkError = (v: number) => `<Prot${fl(v, 0x10)} <Ovfl${fl(v, 0x20)} <EOC${fl(v, 0x40)} CTLTm${fl(v, 0x80)}`;
/** lspci reads the frequency capability as a byte, so 1.4 GHz, 1.6 GHz and Vend always print `-`. */
const freqCaps = (v: number) => `${FREQ_CAPS.map((f, i) => `${f}${fl(v & 0xff, 1 << i)}`).join(' ')} Vend-`;
const errorHandling = (v: number) => ERROR_HANDLING.map((n, i) => `${n}${fl(v, 1 << i)}`).join(' ');
const features = (v: number) => `IsocFC${fl(v, 1)} LDTSTOP${fl(v, 2)} CRCTM${fl(v, 4)} ECTLT${fl(v, 8)} 64bA${fl(v, 0x10)} UIDRD${fl(v, 0x20)}`;

export function htPrimaryLines(read: ConfigReader, where: number, cmd: number): string[] {
  const rid = read(where + 0x0c, 1);
  const lines: string[] = [];
  if (rid < 0x22 && rid > 0x11) lines.push('\t\t!!! Possibly incomplete decoding');
  lines.push(`\t\tCommand: BaseUnitID=${cmd & 0x1f} UnitCnt=${(cmd >> 5) & 0x1f} MastHost${fl(cmd, 0x400)} DefDir${fl(cmd, 0x800)}${rid >= 0x22 ? ` DUL${fl(cmd, 0x1000)}` : ''}`);
  lines.push(`\t\tLink Control 0: ${linkControl(read(where + 4, 2), rid)}`, `\t\tLink Config 0: ${linkConfig(read(where + 6, 2), rid)}`);
  lines.push(`\t\tLink Control 1: ${linkControl(read(where + 8, 2), rid)}`, `\t\tLink Config 1: ${linkConfig(read(where + 0x0a, 2), rid)}`);
  lines.push(`\t\tRevision ID: ${revision(rid)}`);
  if (rid < 0x22) return lines;
  const lfrer0 = read(where + 0x0d, 1);
  const lfrer1 = read(where + 0x11, 1);
  lines.push(
    `\t\tLink Frequency 0: ${FREQS[lfrer0 & 0xf]}`,
    `\t\tLink Error 0: ${linkError(lfrer0)}`,
    `\t\tLink Frequency Capability 0: ${freqCaps(read(where + 0x0e, 1))}`,
    `\t\tFeature Capability: ${features(read(where + 0x10, 1))}`,
    `\t\tLink Frequency 1: ${FREQS[lfrer1 & 0xf]}`,
    `\t\tLink Error 1: ${linkError(lfrer1)}`,
    `\t\tLink Frequency Capability 1: ${freqCaps(read(where + 0x12, 1))}`,
    `\t\tError Handling: ${errorHandling(read(where + 0x16, 2))}`,
    `\t\tPrefetchable memory behind bridge Upper: ${hex(read(where + 0x18, 1), 2)}-${hex(read(where + 0x19, 1), 2)}`,
    `\t\tBus Number: ${hex(read(where + 0x1a, 1), 2)}`,
  );
  return lines;
}

export function htSecondaryLines(read: ConfigReader, where: number, cmd: number): string[] {
  const rid = read(where + 0x08, 1);
  const lines: string[] = [];
  if (rid < 0x22 && rid > 0x11) lines.push('\t\t!!! Possibly incomplete decoding');
  lines.push(
    rid >= 0x22
      ? `\t\tCommand: WarmRst${fl(cmd, 1)} DblEnd${fl(cmd, 2)} DevNum=${(cmd >> 2) & 0x1f} ChainSide${fl(cmd, 0x80)} HostHide${fl(cmd, 0x100)} Slave${fl(cmd, 0x400)} <EOCErr${fl(cmd, 0x800)} DUL${fl(cmd, 0x1000)}`
      : `\t\tCommand: WarmRst${fl(cmd, 1)} DblEnd${fl(cmd, 2)}`,
  );
  lines.push(`\t\tLink Control: ${linkControl(read(where + 4, 2), rid)}`, `\t\tLink Config: ${linkConfig(read(where + 6, 2), rid)}`, `\t\tRevision ID: ${revision(rid)}`);
  if (rid < 0x22) return lines;
  const lfrer = read(where + 0x09, 1);
  const ftr = read(where + 0x0c, 2);
  lines.push(
    `\t\tLink Frequency: ${FREQS[lfrer & 0xf]}`,
    `\t\tLink Error: ${linkError(lfrer)}`,
    `\t\tLink Frequency Capability: ${freqCaps(read(where + 0x0a, 1))}`,
    `\t\tFeature Capability: ${features(ftr)} ExtRS${fl(ftr, 0x100)} UCnfE${fl(ftr, 0x200)}`,
  );
  if (ftr & 0x100) {
    lines.push(`\t\tError Handling: ${errorHandling(read(where + 0x12, 2))}`, `\t\tPrefetchable memory behind bridge Upper: ${hex(read(where + 0x14, 1), 2)}-${hex(read(where + 0x15, 1), 2)}`);
  }
  return lines;
}
