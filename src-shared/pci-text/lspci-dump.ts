// Reading what users paste from real machines: `lspci -xxx` / `-xxxx` text (one
// device or a whole system, with or without -v/-vv/-vvv decode lines) and binary
// sysfs `config` blobs. The hex rows are the truth; decode lines only add what
// the bytes cannot say (BAR sizes, OS-assigned addresses) and a cross-check.
//
// What is an error and what a warning:
// - errors leave the device out (its bytes would be wrong): a hex row with a
//   bad offset or a bad byte, a truncated or over-long row, the same row twice
//   with different bytes, a device line with no hex rows, an address seen
//   twice, hex rows with no device line above them, empty input;
// - warnings keep the device: missing rows (taken as zero, as an `lspci -x`
//   dump lacks everything past 0x3f), a row repeated with identical bytes,
//   unreadable or unmatched decode lines, decode lines contradicting the bytes,
//   lines that are none of the above (ignored).
import { barCount, bytesReader, findMsix, type MsixLocation } from './config-decode';
import { hex } from './hex';

export interface PciAddress {
  domain: number;
  bus: number;
  device: number;
  fn: number;
}

/** An address the OS reported for a BAR whose register reads 0 (Enhanced Allocation); lspci calls it virtual. */
export interface VirtualBar {
  address: bigint;
  /** BAR type bits as the OS reports them: bit 0 I/O, bits 2:1 memory type, bit 3 prefetchable. */
  flags: number;
}

/** One `Region N: ...` decode line. */
export interface RegionLine {
  line: number;
  index: number;
  io: boolean;
  /** Undefined when lspci printed `<unassigned>`, `<ignored>` or a broken-slot marker. */
  address: bigint | undefined;
  memType: '32-bit' | '64-bit' | 'low-1M' | 'type 3' | undefined;
  prefetchable: boolean;
  virtual: boolean;
  disabled: boolean;
  size: number | undefined;
}

/** What lspci's MSI-X decode lines said, in either wording (`Count=3 Masked-` or the older `Mask- TabSize=3`). */
export interface MsixDecodeText {
  line: number;
  capOffset: number;
  enabled: boolean;
  functionMasked: boolean;
  vectors: number;
  wording: 'count' | 'tabsize';
  table: MsixLocation | undefined;
  pba: MsixLocation | undefined;
}

export interface LspciDevice {
  /** As written in the input: `00:09.0` or `0002:01:00.0`. */
  bdf: string;
  address: PciAddress;
  /** Line number of the device line (1-based); 0 for sysfs blobs. */
  line: number;
  /** The device line after the address, e.g. `Ethernet controller: Red Hat, Inc Virtio network device`. */
  titleLine: string;
  /** `Ethernet controller` */
  className: string | undefined;
  /** `Red Hat, Inc Virtio network device`: the name without `(rev ..)` and `(prog-if ..)`. */
  title: string | undefined;
  /** 256 or 4096 bytes. */
  config: Uint8Array;
  /** Index 0..5, from the `[size=..]` of the decode lines. */
  barSizes: (number | undefined)[];
  romSize: number | undefined;
  virtualBars: (VirtualBar | undefined)[];
  regions: RegionLine[];
  msixText: MsixDecodeText | undefined;
}

export interface DumpParseResult {
  devices: LspciDevice[];
  warnings: string[];
  errors: string[];
}

const ADDRESS = /^(?:([0-9a-fA-F]{4,8}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])/;
const DEVICE_LINE = new RegExp(`${ADDRESS.source}(?:[ \\t]+(.*))?$`);
/** Looks like a hex row (an offset, then byte-sized tokens or nothing), even if a damaged one. */
const ROW_START = /^([0-9A-Za-z]{1,4}):(?:\s+\S{1,3}(?:\s|$)|\s*$)/;
const HEX_BYTE = /^[0-9a-fA-F]{2}$/;
const REGION = /^\t(?:Region ([0-9]+): )?(\[virtual\] )?(?:I\/O ports at (\S+)|Memory at (\S+) \(([^,()]+), (non-)?prefetchable\))((?: \[[^\]]*\])*)$/;
const ROM = /^\t(?:\[virtual\] )?Expansion ROM at \S+((?: \[[^\]]*\])*)$/;
const MSIX_MODERN = /^\tCapabilities: \[([0-9a-f]{2,3})\] MSI-X: Enable([+-]) Count=([0-9]+) Masked([+-])$/;
const MSIX_LEGACY = /^\tCapabilities: \[([0-9a-f]{2,3})\] MSI-X: Enable([+-]) Mask([+-]) TabSize=([0-9]+)$/;
const MSIX_TABLE = /^\t\tVector table: BAR=([0-9]) offset=([0-9a-f]{8})$/;
const MSIX_PBA = /^\t\tPBA: BAR=([0-9]) offset=([0-9a-f]{8})$/;
const MEMORY_TYPES = ['32-bit', '64-bit', 'low-1M', 'type 3'] as const;
const SIZE = /^size=([0-9]{1,6})([KMGT]?)$/;

/** Longer lines are never lspci output; refusing them keeps every regex linear in practice. */
const MAX_LINE = 1000;
const MAX_LISTED_IGNORED = 10;
const MAX_ERRORS_PER_DEVICE = 5;
const ROW = 16;

const SIZE_UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

class DeviceBlock {
  readonly rows = new Map<number, { bytes: number[]; line: number }>();
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly regions: RegionLine[] = [];
  readonly unnumbered: RegionLine[] = [];
  romSize: number | undefined;
  msixText: MsixDecodeText | undefined;
  /** A blank line after hex rows ends the dump; rows after it belong to no device. */
  closed = false;
  unlistedErrors = 0;
  /** Row lines seen, damaged ones included. */
  rowLines = 0;
  private lastCapWasMsix = false;

  constructor(
    readonly bdf: string,
    readonly address: PciAddress,
    readonly line: number,
    readonly titleLine: string,
  ) {}

  error(line: number, what: string): void {
    if (this.errors.length < MAX_ERRORS_PER_DEVICE) this.errors.push(`line ${line}: ${this.bdf}: ${what}; device left out`);
    else this.unlistedErrors++;
  }

  warn(line: number, what: string): void {
    this.warnings.push(`line ${line}: ${this.bdf}: ${what}`);
  }

  addRow(line: number, text: string, offsetText: string): void {
    this.rowLines++;
    if (!/^[0-9a-fA-F]+$/.test(offsetText)) return this.error(line, `hex row offset "${offsetText}" is not hexadecimal`);
    const offset = Number.parseInt(offsetText, 16);
    if (offset % ROW !== 0) return this.error(line, `hex row offset ${offsetText} is not a multiple of 0x10`);
    if (offset >= 4096) return this.error(line, `hex row offset ${offsetText} is past the 4096-byte config space`);
    const tokens = text.slice(offsetText.length + 1).trim().split(/\s+/).filter((t) => t !== '');
    const bad = tokens.find((t) => !HEX_BYTE.test(t));
    if (bad !== undefined) return this.error(line, `hex row ${offsetText}: "${bad}" is not a hex byte`);
    if (tokens.length !== ROW) {
      const hint = tokens.length < ROW ? ' (truncated line?)' : '';
      return this.error(line, `hex row ${offsetText} has ${tokens.length} bytes, expected 16${hint}`);
    }
    const bytes = tokens.map((t) => Number.parseInt(t, 16));
    const earlier = this.rows.get(offset);
    if (earlier) {
      if (earlier.bytes.every((b, i) => b === bytes[i])) return this.warn(line, `hex row ${offsetText} repeats line ${earlier.line} with the same bytes`);
      return this.error(line, `hex row ${offsetText} appears twice with different bytes (lines ${earlier.line} and ${line})`);
    }
    this.rows.set(offset, { bytes, line });
  }

  decodeLine(line: number, text: string): void {
    if (text.startsWith('\tCapabilities: ')) this.lastCapWasMsix = false;
    const region = REGION.exec(text);
    if (region) return this.regionLine(line, region);
    const rom = ROM.exec(text);
    if (rom) {
      this.romSize = this.sizeFrom(line, rom[1] ?? '').size;
      return;
    }
    const modern = MSIX_MODERN.exec(text);
    const legacy = modern ? null : MSIX_LEGACY.exec(text);
    if ((modern || legacy) && this.msixText) {
      this.warn(line, `a second MSI-X decode line (first at line ${this.msixText.line}); ignored`);
      return;
    }
    if (modern) {
      this.lastCapWasMsix = true;
      this.msixText = msixText(line, modern[1], modern[2] === '+', modern[4] === '+', Number(modern[3]), 'count');
      return;
    }
    if (legacy) {
      this.lastCapWasMsix = true;
      this.msixText = msixText(line, legacy[1], legacy[2] === '+', legacy[3] === '+', Number(legacy[4]), 'tabsize');
      return;
    }
    const place = MSIX_TABLE.exec(text) ?? MSIX_PBA.exec(text);
    if (place && this.lastCapWasMsix && this.msixText) {
      const location = { bir: Number(place[1]), offset: Number.parseInt(place[2] ?? '0', 16) };
      if (text.startsWith('\t\tPBA')) this.msixText.pba = location;
      else this.msixText.table = location;
    }
  }

  private regionLine(line: number, m: RegExpExecArray): void {
    const io = m[3] !== undefined;
    const addressText = io ? m[3] : m[4];
    const memType = MEMORY_TYPES.find((t) => t === m[5]);
    if (!io && !memType) return this.warn(line, `region line with unknown memory type "${m[5] ?? ''}"; ignored`);
    const { size, flags } = this.sizeFrom(line, m[7] ?? '');
    const region: RegionLine = {
      line,
      index: m[1] === undefined ? -1 : Number(m[1]),
      io,
      address: addressText !== undefined && /^[0-9a-f]+$/.test(addressText) ? BigInt(`0x${addressText}`) : undefined,
      memType,
      prefetchable: m[6] === undefined && !io,
      virtual: m[2] !== undefined || flags.has('virtual'),
      disabled: flags.has('disabled'),
      size,
    };
    if (m[1] === undefined) this.unnumbered.push(region);
    else if (region.index > 5) this.warn(line, `Region ${region.index} does not exist (BARs are 0-5); ignored`);
    else this.regions.push(region);
  }

  private sizeFrom(line: number, tail: string): { size: number | undefined; flags: Set<string> } {
    const flags = new Set<string>();
    let size: number | undefined;
    for (const [, inner = ''] of tail.matchAll(/\[([^\]]*)\]/g)) {
      if (!inner.startsWith('size=')) {
        flags.add(inner);
        continue;
      }
      const m = SIZE.exec(inner);
      if (m) size = Number(m[1]) * (SIZE_UNITS[m[2] ?? ''] ?? 1);
      else this.warn(line, `cannot read "[${inner}]"; size ignored`);
    }
    return { size, flags };
  }
}

function msixText(line: number, offset: string | undefined, enabled: boolean, functionMasked: boolean, vectors: number, wording: MsixDecodeText['wording']): MsixDecodeText {
  return { line, capOffset: Number.parseInt(offset ?? '0', 16), enabled, functionMasked, vectors, wording, table: undefined, pba: undefined };
}

function parseAddress(m: RegExpExecArray): PciAddress {
  return {
    domain: m[1] === undefined ? 0 : Number.parseInt(m[1], 16),
    bus: Number.parseInt(m[2] ?? '0', 16),
    device: Number.parseInt(m[3] ?? '0', 16),
    fn: Number(m[4]),
  };
}

function splitTitle(titleLine: string): { className: string | undefined; title: string | undefined } {
  if (titleLine === '') return { className: undefined, title: undefined };
  const colon = titleLine.indexOf(': ');
  const className = colon < 0 ? undefined : titleLine.slice(0, colon);
  let title = colon < 0 ? titleLine : titleLine.slice(colon + 2);
  const progIf = title.lastIndexOf(' (prog-if ');
  if (progIf >= 0 && /^ \(prog-if [0-9a-f]{2}(?: \[[^\]]*\])?\)$/.test(title.slice(progIf))) title = title.slice(0, progIf);
  const rev = title.lastIndexOf(' (rev ');
  if (rev >= 0 && /^ \(rev [0-9a-f]{2}\)$/.test(title.slice(rev))) title = title.slice(0, rev);
  return { className, title: title === '' ? undefined : title };
}

/** Lists missing rows as `40-f0, 150`. */
function describeRuns(offsets: number[]): string {
  const runs: string[] = [];
  let start = offsets[0];
  let prev = start;
  for (const at of [...offsets.slice(1), -1]) {
    if (start === undefined || prev === undefined) break;
    if (at === prev + ROW) {
      prev = at;
      continue;
    }
    runs.push(start === prev ? hex(start, 2) : `${hex(start, 2)}-${hex(prev, 2)}`);
    start = at;
    prev = at;
  }
  return runs.join(', ');
}

function finishDevice(block: DeviceBlock, warnings: string[]): LspciDevice | undefined {
  if (block.rowLines === 0) {
    block.error(block.line, 'no hex dump follows the device line (run lspci with -xxx or -xxxx)');
  }
  if (block.errors.length > 0) return undefined;
  const lastRow = Math.max(...block.rows.keys());
  const config = new Uint8Array(lastRow >= 0x100 ? 4096 : 256);
  const missing: number[] = [];
  for (let at = 0; at < config.length; at += ROW) {
    const row = block.rows.get(at);
    if (row) config.set(row.bytes, at);
    else missing.push(at);
  }
  warnings.push(...block.warnings);
  if (missing.length > 0) {
    const onlyHeader = missing[0] === 0x40 && missing.length === config.length / ROW - 4;
    const why = onlyHeader ? ' (an `lspci -x` dump stops at 0x3f, so no capabilities)' : '';
    warnings.push(`line ${block.line}: ${block.bdf}: hex rows ${describeRuns(missing)} missing${why}; taken as zero`);
  }

  const read = bytesReader(config);
  const slots = barCount(read(0x0e, 1) & 0x7f);
  const regions = [...block.regions, ...numberUnnumbered(block, read, slots, warnings)];
  const barSizes: (number | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  const virtualBars: (VirtualBar | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  for (const region of regions) {
    const register = region.index < slots ? read(0x10 + 4 * region.index, 4) : 0;
    if (!region.virtual && register !== 0 && register !== 0xffffffff && (register & 1) === 1 !== region.io) {
      warnings.push(`line ${region.line}: ${block.bdf}: Region ${region.index} says ${region.io ? 'I/O' : 'memory'} but BAR ${region.index} holds ${region.io ? 'a memory' : 'an I/O'} BAR`);
    }
    barSizes[region.index] = region.size;
    if (region.virtual && region.address !== undefined) virtualBars[region.index] = { address: region.address, flags: regionFlags(region) };
  }
  checkMsixText(block, config, warnings);
  return {
    bdf: block.bdf,
    address: block.address,
    line: block.line,
    titleLine: block.titleLine,
    ...splitTitle(block.titleLine),
    config,
    barSizes,
    romSize: block.romSize,
    virtualBars,
    regions,
    msixText: block.msixText,
  };
}

/**
 * `lspci -v` prints regions without their numbers, in BAR order: one line for
 * every non-zero BAR register, so those can be numbered by counting. Older
 * lspci counts a 64-bit BAR once; pciutils 3.9 prints a non-zero upper half
 * again as a region of its own. Whichever count matches the lines is used.
 * `[virtual]` lines stand for registers reading 0, and nothing tells which of
 * the zero registers they are: their sizes are dropped.
 */
function numberUnnumbered(block: DeviceBlock, read: (offset: number, size: 4) => number, slots: number, warnings: string[]): RegionLine[] {
  if (block.unnumbered.length === 0) return [];
  const shownBy = (skipUpperHalves: boolean): number[] => {
    const shown: number[] = [];
    for (let i = 0; i < slots; i++) {
      const register = read(0x10 + 4 * i, 4);
      if (register === 0 || register === 0xffffffff) continue;
      shown.push(i);
      if (skipUpperHalves && (register & 7) === 4) i++;
    }
    return shown;
  };
  const countable = block.unnumbered.filter((r) => !r.virtual);
  const first = block.unnumbered[0]?.line ?? block.line;
  const shown = [shownBy(true), shownBy(false)].find((s) => s.length === countable.length);
  if (!shown) {
    warnings.push(`line ${first}: ${block.bdf}: ${countable.length} unnumbered region lines (lspci -v) but ${shownBy(true).length} BARs in the hex dump; their sizes are ignored`);
    return [];
  }
  if (countable.length < block.unnumbered.length) {
    warnings.push(`line ${first}: ${block.bdf}: lspci -v does not number regions, so the BARs of its [virtual] lines are unknown; their sizes are ignored`);
  }
  return countable.map((region, i) => ({ ...region, index: shown[i] ?? 0 }));
}

function regionFlags(region: RegionLine): number {
  if (region.io) return 1;
  const type = region.memType === '64-bit' ? 4 : region.memType === 'low-1M' ? 2 : region.memType === 'type 3' ? 6 : 0;
  return type | (region.prefetchable ? 8 : 0);
}

function checkMsixText(block: DeviceBlock, config: Uint8Array, warnings: string[]): void {
  const said = block.msixText;
  if (!said) return;
  const where = `line ${said.line}: ${block.bdf}`;
  const { msix } = findMsix(config);
  if (!msix) {
    warnings.push(`${where}: lspci's decode shows MSI-X at [${hex(said.capOffset, 2)}] but the hex dump has no MSI-X capability`);
    return;
  }
  const differences: string[] = [];
  const compare = (what: string, text: string | number | boolean, bytes: string | number | boolean) => {
    if (text !== bytes) differences.push(`${what} ${String(text)} vs ${String(bytes)}`);
  };
  compare('capability offset', hex(said.capOffset, 2), hex(msix.capOffset, 2));
  compare('Count', said.vectors, msix.vectors);
  compare('Enable', said.enabled, msix.enabled);
  compare('Masked', said.functionMasked, msix.functionMasked);
  if (said.table) compare('table', `BAR ${said.table.bir} ${hex(said.table.offset, 8)}`, `BAR ${msix.table.bir} ${hex(msix.table.offset, 8)}`);
  if (said.pba) compare('PBA', `BAR ${said.pba.bir} ${hex(said.pba.offset, 8)}`, `BAR ${msix.pba.bir} ${hex(msix.pba.offset, 8)}`);
  if (differences.length > 0) warnings.push(`${where}: lspci's MSI-X decode and the hex dump disagree (decode vs bytes): ${differences.join('; ')}`);
}

export function parseLspciText(text: string): DumpParseResult {
  const devices: LspciDevice[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  if (text.trim() === '') return { devices, warnings, errors: ['the input is empty'] };

  const firstLineOf = new Map<string, number>();
  let block: DeviceBlock | undefined;
  let sawDeviceLine = false;
  let orphanStart = 0;
  let orphanCount = 0;
  let ignored = 0;

  const flushOrphans = () => {
    if (orphanCount === 0) return;
    const lines = orphanCount === 1 ? `line ${orphanStart}` : `lines ${orphanStart}-${orphanStart + orphanCount - 1}`;
    errors.push(`${lines}: hex dump rows with no device line (like "00:03.0 Ethernet controller: ...") above them; left out`);
    orphanCount = 0;
  };
  const ignore = (line: number, why: string) => {
    ignored++;
    if (ignored <= MAX_LISTED_IGNORED) warnings.push(`line ${line}: ignored: ${why}`);
  };
  const finish = () => {
    if (!block) return;
    const device = finishDevice(block, warnings);
    errors.push(...block.errors);
    if (block.unlistedErrors > 0) errors.push(`${block.bdf}: ${block.unlistedErrors} more problems in this device's hex dump`);
    if (device) devices.push(device);
    block = undefined;
  };

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.length > MAX_LINE) return ignore(n, `longer than ${MAX_LINE} characters`);
    if (raw.trim() === '') {
      if (block && block.rowLines > 0) block.closed = true;
      return;
    }
    if (raw.startsWith('\t') || raw.startsWith(' ')) {
      if (block) block.decodeLine(n, raw);
      else ignore(n, 'an indented line before any device line');
      return;
    }
    const device = DEVICE_LINE.exec(raw);
    if (device) {
      flushOrphans();
      finish();
      sawDeviceLine = true;
      const bdf = raw.slice(0, (ADDRESS.exec(raw)?.[0] ?? '').length);
      const address = parseAddress(device);
      block = new DeviceBlock(bdf, address, n, device[5] ?? '');
      if (address.device > 0x1f) block.error(n, `device number ${hex(address.device, 2)} is out of range (00-1f)`);
      const key = `${address.domain}:${address.bus}:${address.device}.${address.fn}`;
      const first = firstLineOf.get(key);
      if (first !== undefined) block.error(n, `the same address already appeared at line ${first}`);
      else firstLineOf.set(key, n);
      return;
    }
    const row = ROW_START.exec(raw);
    if (row) {
      if (block && !block.closed) return block.addRow(n, raw, row[1] ?? '');
      if (orphanCount === 0) orphanStart = n;
      orphanCount++;
      return;
    }
    ignore(n, 'not a device line, a hex dump row or an indented decode line');
  });
  flushOrphans();
  finish();

  if (ignored > MAX_LISTED_IGNORED) warnings.push(`${ignored - MAX_LISTED_IGNORED} more lines ignored`);
  if (!sawDeviceLine && errors.length === 0) errors.push('no device line found (expected lines like "00:03.0 Ethernet controller: ..." followed by hex rows like "00: f4 1a 00 10 ...")');
  return { devices, warnings, errors };
}

const SYSFS_SIZES = [256, 4096];
/** What sysfs hands to a reader without CAP_SYS_ADMIN. */
const UNPRIVILEGED_SYSFS_SIZE = 64;

/** A binary sysfs `config` file; `bdf` is the address from its path (…/0000:00:03.0/config). */
export function parseSysfsConfig(bytes: Uint8Array, bdf: string): DumpParseResult {
  const fail = (error: string): DumpParseResult => ({ devices: [], warnings: [], errors: [error] });
  const m = new RegExp(`${ADDRESS.source}$`).exec(bdf);
  if (!m) return fail(`"${bdf}" is not a PCI address like 0000:00:03.0`);
  const address = parseAddress(m);
  if (address.device > 0x1f) return fail(`${bdf}: device number ${hex(address.device, 2)} is out of range (00-1f)`);
  if (bytes.length === 0) return fail(`${bdf}: the sysfs config blob is empty`);
  if (bytes.length === UNPRIVILEGED_SYSFS_SIZE) {
    return fail(`${bdf}: the sysfs config blob is 64 bytes, which is what sysfs gives a non-root reader; read it as root to get 256 or 4096 bytes`);
  }
  if (!SYSFS_SIZES.includes(bytes.length)) return fail(`${bdf}: the sysfs config blob is ${bytes.length} bytes; expected 256 (PCI) or 4096 (PCI Express)`);
  const none = [undefined, undefined, undefined, undefined, undefined, undefined];
  return {
    devices: [
      {
        bdf,
        address,
        line: 0,
        titleLine: '',
        className: undefined,
        title: undefined,
        config: bytes.slice(),
        barSizes: [...none],
        romSize: undefined,
        virtualBars: [...none],
        regions: [],
        msixText: undefined,
      },
    ],
    warnings: [],
    errors: [],
  };
}
