// irqscope's lspci -vvv against Debian's real lspci (pciutils 3.9) on the same
// bytes: every preset and every real dump in test/fixtures/lspci is printed with
// `irqscope lspci -xxxx`, decoded by `lspci -F`, and compared line by line with
// `irqscope lspci -vvv`, per device (by the BDF irqscope prints) and per capability.
// CI installs pciutils and pci.ids (.ci/run) and sets IRQSCOPE_REQUIRE_LSPCI.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli/cli-harness';
import { FIXTURES, readFixture } from '../pci-text/fixtures';
import { compareDevice, devicesByBdf, hasLspci, percent, realLspci, type Tally } from './lspci-oracle';
import { syntheticDevices } from './lspci-synthetic-devices';
import { hexDumpLines, printLspci } from '../../src-shared/pci-text/lspci-print';
import { installedPciIds } from '../../src-main/pci-tools/pci-ids-file';

const MACHINES = fileURLToPath(new URL('../../machines/', import.meta.url));
const PRESETS = readdirSync(MACHINES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();

const tallies = new Map<string, Tally>();

async function machineFromFixture(file: string): Promise<{ dir: string; machine: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'irqscope-diff-'));
  writeFileSync(join(dir, 'dump.txt'), readFixture(file));
  const imported = await runCli(['import', 'dump.txt', '-o', 'm.json'], '', dir);
  if (imported.code !== 0) throw new Error(`import ${file}: ${imported.stderr}`);
  return { dir, machine: 'm.json' };
}

async function compareMachine(machine: string, cwd: string): Promise<string[]> {
  const dump = await runCli(['lspci', '--machine', machine, '-xxxx'], '', cwd);
  const mine = await runCli(['lspci', '--machine', machine, '-vvv'], '', cwd);
  expect(dump.code).toBe(0);
  const expected = devicesByBdf(realLspci(dump.stdout));
  const actual = devicesByBdf(mine.stdout);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  const diffs: string[] = [];
  for (const [bdf, lines] of expected) {
    const before = diffs.length;
    compareDevice(lines, actual.get(bdf) ?? [], tallies, diffs);
    if (diffs.length > before) diffs.splice(before, 0, `${bdf}:`);
  }
  return diffs;
}

describe.skipIf(!hasLspci && process.env.IRQSCOPE_REQUIRE_LSPCI === undefined)('irqscope lspci -vvv against real lspci -F', () => {
  for (const preset of PRESETS) {
    it(`preset ${preset}`, { timeout: 60_000 }, async () => {
      const diffs = await compareMachine(preset, process.cwd());
      if (diffs.length > 0) console.log(`preset ${preset}\n${diffs.join('\n')}`);
    });
  }
  for (const file of FIXTURES) {
    it(`real dump ${file}`, { timeout: 60_000 }, async () => {
      const { dir, machine } = await machineFromFixture(file);
      const diffs = await compareMachine(machine, dir);
      if (diffs.length > 0) console.log(`${file}\n${diffs.join('\n')}`);
    });
  }

  it.each([
    ['-vvv', 3],
    ['-vv', 2],
    ['-v', 1],
  ] as const)('synthetic AGP, PCI-X, Resizable BAR, TPH, PTM, RCEC and DVSEC devices, %s: every line identical', (flag, verbose) => {
    const devices = syntheticDevices();
    const dump = devices.map((d) => [`${d.bdf} Class 0000: Device`, ...hexDumpLines(d.config, 4096), ''].join('\n')).join('\n');
    const expected = devicesByBdf(realLspci(dump, flag));
    const ids = installedPciIds();
    const diffs: string[] = [];
    for (const d of devices) {
      const before = diffs.length;
      // Only the -vvv run feeds the per-capability table.
      compareDevice(expected.get(d.bdf) ?? [], printLspci(d, { verbose, hex: 0, ids }).split('\n').filter((l) => l !== ''), verbose === 3 ? tallies : new Map(), diffs);
      if (diffs.length > before) diffs.splice(before, 0, `${d.bdf}:`);
    }
    expect(diffs).toEqual([]);
  });

  it('≥ 95 % of real lspci lines identical overall; 100 % for MSI-X and MSI', () => {
    const overall = [...tallies.values()].reduce((a, t) => ({ identical: a.identical + t.identical, total: a.total + t.total }), { identical: 0, total: 0 });
    expect(overall.total).toBeGreaterThan(0);
    expect(percent(overall)).toBeGreaterThanOrEqual(95);
    expect(percent(tallies.get('MSI-X') ?? { identical: 0, total: 1 })).toBe(100);
    expect(percent(tallies.get('MSI') ?? { identical: 0, total: 1 })).toBe(100);
  });

  afterAll(() => {
    const rows = [...tallies.entries()].sort((a, b) => b[1].total - a[1].total);
    const overall = rows.reduce((a, [, t]) => ({ identical: a.identical + t.identical, total: a.total + t.total }), { identical: 0, total: 0 });
    const line = (name: string, t: Tally) => `| ${name} | ${t.identical} / ${t.total} | ${percent(t).toFixed(1)} % |`;
    console.log(['| section | identical lines | |', '| --- | --- | --- |', ...rows.map(([k, t]) => line(k, t)), line('**all**', overall)].join('\n'));
  });
});
