// Debian's real lspci as the oracle: `lspci -F FILE -vvv` decodes a dump that
// irqscope printed, and the result is compared line by line, per device (by the
// BDF irqscope prints) and per capability, with irqscope's own -vvv output.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LSPCI = '/usr/bin/lspci';
export const hasLspci = existsSync(LSPCI);

/** `lspci -F dump -vvv`, without the libkmod complaint a container prints on stderr. */
export function realLspci(dump: string, verbose = '-vvv'): string {
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-lspci-'));
  try {
    const file = join(dir, 'dump.txt');
    writeFileSync(file, dump);
    const run = spawnSync(LSPCI, ['-F', file, verbose], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`lspci -F failed (${run.status}): ${run.stderr}`);
    return run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const DEVICE_LINE = /^((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) /;

/** Each device's lines (title line included, trailing blank line dropped) by the BDF it starts with. */
export function devicesByBdf(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = DEVICE_LINE.exec(line);
    if (m) {
      current = [];
      out.set(m[1]!, current);
    }
    if (current && line !== '') current.push(line);
  }
  return out;
}

/**
 * The part of lspci's output a line belongs to: `header` up to the first
 * capability, then one section per capability named by what lspci calls it
 * (`MSI-X`, `Express`, `Advanced Error Reporting`, `Vendor Specific Information`, …).
 */
export function sections(lines: readonly string[]): { kind: string; key: string; lines: string[] }[] {
  const out: { kind: string; key: string; lines: string[] }[] = [{ kind: 'header', key: 'header', lines: [] }];
  for (const line of lines) {
    const cap = /^\tCapabilities: \[([0-9a-f]+)(?: v\d+)?\] (.*)$/.exec(line);
    if (cap) out.push({ kind: capabilityKind(cap[2]!), key: cap[1]!, lines: [] });
    out.at(-1)!.lines.push(line);
  }
  return out;
}

function capabilityKind(text: string): string {
  if (text.startsWith('Vendor Specific Information')) return 'Vendor Specific';
  if (text.startsWith('Express')) return 'PCI Express';
  if (text.startsWith('HyperTransport')) return 'HyperTransport';
  if (text.startsWith('Device Serial Number')) return 'Device Serial Number';
  if (text.startsWith('Power Management')) return 'Power Management';
  if (text.startsWith('Subsystem')) return 'Bridge Subsystem';
  if (text.startsWith('AGP version')) return 'AGP';
  if (text.startsWith('SATA HBA')) return 'SATA HBA';
  if (text.startsWith('Extended Capability ID')) return 'unknown extended';
  const colon = text.indexOf(':');
  return (colon > 0 ? text.slice(0, colon) : text).replace(/ <\?>$/, '');
}

export interface Tally {
  identical: number;
  total: number;
}

/** Length of the longest common subsequence: the lines two outputs share, in order. */
function commonLines(a: readonly string[], b: readonly string[]): boolean[] {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  }
  const matched = new Array<boolean>(a.length).fill(false);
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      matched[i] = true;
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return matched;
}

/**
 * What `lspci -F` cannot know and irqscope does: BAR and ROM sizes come from
 * the kernel on a live system, so lspci -F prints none; irqscope prints them
 * as lspci does there. They are taken off irqscope's lines before comparing.
 */
export function withoutSizes(line: string): string {
  return /^\t(Region \d+: |Expansion ROM at )/.test(line) ? line.replace(/ \[size=[0-9]+[KMGT]?\]$/, '') : line;
}

/**
 * Identical lines of one device, per capability kind: lspci's lines of a
 * section against irqscope's lines of the section at the same offset, aligned
 * as a diff aligns them. A section irqscope lacks counts all its lines as
 * different; a line only irqscope prints (in a section both print, or in one
 * only irqscope prints) is listed and counted as one more differing line.
 */
/**
 * A region the OS placed or sized while its BAR register reads 0: live lspci
 * prints it (`[virtual]`, or `<unassigned>` with a size), but `lspci -F` skips
 * a BAR whose register, address and size are all 0, knowing no size. irqscope
 * prints it as live lspci does, so such a line lspci -F lacks is left out of
 * the comparison (one it prints too, as for a 64-bit BAR's type bits, is compared).
 */
export function onlyTheOsKnows(line: string): boolean {
  return /^\tRegion \d+: (\[virtual\] |.*<unassigned>).*\[size=[0-9]+[KMGT]?\]$/.test(line);
}

export function compareDevice(expected: readonly string[], actual: readonly string[], tallies: Map<string, Tally>, diffs: string[]): void {
  const printed = new Set(expected);
  actual = actual.filter((line) => !onlyTheOsKnows(line) || printed.has(withoutSizes(line)));
  const mine = new Map(sections(actual.map(withoutSizes)).map((s) => [s.key, s.lines]));
  for (const section of sections(expected)) {
    const got = mine.get(section.key) ?? [];
    const tally = tallies.get(section.kind) ?? { identical: 0, total: 0 };
    const matched = commonLines(section.lines, got);
    section.lines.forEach((line, i) => {
      tally.total++;
      if (matched[i]) tally.identical++;
      else diffs.push(`- ${JSON.stringify(line)}`);
    });
    // Lines only irqscope prints are differences too: each counts once, as one more line of the section.
    const mineMatched = commonLines(got, section.lines);
    got.forEach((line, i) => {
      if (mineMatched[i]) return;
      tally.total++;
      diffs.push(`+ ${JSON.stringify(line)}`);
    });
    tallies.set(section.kind, tally);
  }
  // A section (a capability offset) only irqscope prints counts all its lines.
  const theirs = new Set(sections(expected).map((s) => s.key));
  for (const section of sections(actual.map(withoutSizes))) {
    if (theirs.has(section.key)) continue;
    const tally = tallies.get(section.kind) ?? { identical: 0, total: 0 };
    tally.total += section.lines.length;
    for (const line of section.lines) diffs.push(`+ ${JSON.stringify(line)}`);
    tallies.set(section.kind, tally);
  }
}

export function percent(t: Tally): number {
  return t.total === 0 ? 100 : (100 * t.identical) / t.total;
}
