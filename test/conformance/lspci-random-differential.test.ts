// Random config spaces (every capability irqscope decodes, random register
// contents, endpoints and bridges of every port type) printed by irqscope's
// lspci printer and by real `lspci -F`: every line must be identical.
import { describe, expect, it } from 'vitest';
import { hexDumpLines, printLspci } from '../../src-shared/pci-text/lspci-print';
import { installedPciIds } from '../../src-main/pci-tools/pci-ids-file';
import { compareDevice, devicesByBdf, hasLspci, percent, realLspci, type Tally } from './lspci-oracle';
import { prng, randomConfig } from './lspci-random-devices';

const DEVICES = 500;

function bdfOf(i: number): string {
  const hex2 = (n: number) => n.toString(16).padStart(2, '0');
  return `${hex2(i >> 8)}:${hex2((i >> 3) & 0x1f)}.${i & 7}`;
}

describe.skipIf(!hasLspci && process.env.IRQSCOPE_REQUIRE_LSPCI === undefined)('random config spaces: irqscope lspci -vvv is real lspci -F', () => {
  it.each([
    ['-vvv', 3],
    ['-vv', 2],
    ['-v', 1],
  ] as const)(`${DEVICES} random devices, seed 11, %s`, { timeout: 60_000 }, (flag, verbose) => {
    const rand = prng(11);
    const devices = Array.from({ length: DEVICES }, (_, i) => ({ bdf: bdfOf(i), config: randomConfig(rand), barSizes: [] }));
    const dump = devices.map((d) => [`${d.bdf} Class 0000: Device`, ...hexDumpLines(d.config, 4096), ''].join('\n')).join('\n');
    const expected = devicesByBdf(realLspci(dump, flag));
    const ids = installedPciIds();
    const tallies = new Map<string, Tally>();
    const diffs: string[] = [];
    for (const d of devices) {
      const before = diffs.length;
      compareDevice(expected.get(d.bdf) ?? [], printLspci(d, { verbose, hex: 0, ids }).split('\n').filter((l) => l !== ''), tallies, diffs);
      if (diffs.length > before) diffs.splice(before, 0, `${d.bdf}:`);
    }
    const report = [...tallies.entries()].map(([k, t]) => `${k}: ${t.identical}/${t.total} (${percent(t).toFixed(1)} %)`);
    expect(diffs.slice(0, 400), report.join('\n')).toEqual([]);
  });
});
