// lspci's lines for a type 1 header: the bus numbers, the three windows a
// bridge forwards, and Bridge Control, as pciutils 3.9 prints them.
import { TYPE1 } from '../registers/bridge-header';
import { readRegister, type ConfigRead } from '../registers/register-view';
import { hex } from './hex';

function sizeText(size: bigint): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let unit = 0;
  while (unit < units.length - 1 && size % 1024n === 0n) {
    size /= 1024n;
    unit++;
  }
  // lspci prints the count as a 32-bit unsigned.
  return `${size & 0xffffffffn}${units[unit]}`;
}

/** `base-limit [size=..] [N-bit]`; an empty window (base above limit) is `[disabled]`, its addresses shown only at -vvv. */
function range(prefix: string, base: bigint, limit: bigint, bits: number, verbose: number): string {
  const digits = (bits + 3) >> 2;
  let line = `${prefix}:`;
  if (base <= limit || verbose > 2) line += ` ${hex(base, digits)}-${hex(limit, digits)}`;
  line += base <= limit ? ` [size=${sizeText(limit - base + 1n)}]` : ' [disabled]';
  return `${line} [${bits}-bit]`;
}

export function bridgeHeaderLines(read: ConfigRead, verbose: number): string[] {
  const r = (def: (typeof TYPE1)[keyof typeof TYPE1]) => readRegister(read, 0, def);
  const lines = [`\tBus: primary=${hex(r(TYPE1.PRIMARY_BUS).value, 2)}, secondary=${hex(r(TYPE1.SECONDARY_BUS).value, 2)}, subordinate=${hex(r(TYPE1.SUBORDINATE_BUS).value, 2)}, sec-latency=${r(TYPE1.SEC_LATENCY).value}`];
  if (verbose === 0) return lines;
  const ioBase = r(TYPE1.IO_BASE);
  const ioLimit = r(TYPE1.IO_LIMIT);
  const ioType = ioBase.get('type');
  if (ioType !== ioLimit.get('type') || ioType > 1) lines.push(`\t!!! Unknown I/O range types ${hex(ioBase.value)}/${hex(ioLimit.value)}`);
  else {
    let base = BigInt(ioBase.get('base') << 12);
    let limit = BigInt(ioLimit.get('limit') << 12);
    if (ioType === 1) {
      base |= BigInt(r(TYPE1.IO_BASE_UPPER).value) << 16n;
      limit |= BigInt(r(TYPE1.IO_LIMIT_UPPER).value) << 16n;
    }
    lines.push(range('\tI/O behind bridge', base, limit + 0xfffn, ioType === 1 ? 32 : 16, verbose));
  }
  const memBase = r(TYPE1.MEMORY_BASE);
  const memLimit = r(TYPE1.MEMORY_LIMIT);
  if (memBase.get('type') !== memLimit.get('type') || memBase.get('type')) lines.push(`\t!!! Unknown memory range types ${hex(memBase.value)}/${hex(memLimit.value)}`);
  else lines.push(range('\tMemory behind bridge', BigInt(memBase.get('base')) << 20n, (BigInt(memLimit.get('limit')) << 20n) + 0xfffffn, 32, verbose));
  const prefBase = r(TYPE1.PREF_BASE);
  const prefLimit = r(TYPE1.PREF_LIMIT);
  const prefType = prefBase.get('type');
  if (prefType !== prefLimit.get('type') || prefType > 1) lines.push(`\t!!! Unknown prefetchable memory range types ${hex(prefBase.value)}/${hex(prefLimit.value)}`);
  else {
    let base = BigInt(prefBase.get('base')) << 20n;
    let limit = BigInt(prefLimit.get('limit')) << 20n;
    if (prefType === 1) {
      base |= BigInt(r(TYPE1.PREF_BASE_UPPER).value) << 32n;
      limit |= BigInt(r(TYPE1.PREF_LIMIT_UPPER).value) << 32n;
    }
    lines.push(range('\tPrefetchable memory behind bridge', base, limit + 0xfffffn, prefType === 1 ? 64 : 32, verbose));
  }
  return lines;
}

export function bridgeControlLines(value: number): string[] {
  const v = readRegister(() => value, 0, TYPE1.BRIDGE_CONTROL);
  return [`\tBridgeCtl: ${v.flags('Parity', 'SERR', 'NoISA', 'VGA', 'VGA16', 'MAbort', '>Reset', 'FastB2B')}`, `\t\t${v.flags('PriDiscTmr', 'SecDiscTmr', 'DiscTmrStat', 'DiscTmrSERREn')}`];
}
