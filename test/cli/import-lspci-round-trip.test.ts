// Issue 4's round trip, through the command line and the simulated machine: each real
// lspci dump is imported as a machine, and `irqscope lspci` prints it back.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-harness';
import { FIXTURES, fixtureBlocks, hexRows, readFixture, withoutUpperHalfRegions } from '../pci-text/fixtures';

const CONTROL_STATUS = /^\t(Control|Status): /;
const REGION = /^\tRegion [0-5]: /;
const MSIX = /^\tCapabilities: \[[0-9a-f]+\] MSI-X: /;

function msixLines(lines: readonly string[]): string[] {
  const at = lines.findIndex((l) => MSIX.test(l));
  return at < 0 ? [] : lines.slice(at, at + 3);
}

/** `Mask- TabSize=10` (older lspci) is read; the modern wording is printed. */
function modernMsix(line: string): string {
  return line.replace(/MSI-X: Enable([+-]) Mask([+-]) TabSize=(\d+)$/, 'MSI-X: Enable$1 Count=$3 Masked$2');
}

describe('import → irqscope lspci reproduces real lspci output', () => {
  for (const file of FIXTURES) {
    fixtureBlocks(readFixture(file)).forEach((block, i) => {
      const address = block[0]!.split(' ')[0]!;
      it(`${file} ${address}: hex dump byte for byte, Control/Status, Region and MSI-X lines`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'irqscope-rt-'));
        writeFileSync(join(dir, 'dump.txt'), block.join('\n') + '\n');
        const imported = await runCli(['import', 'dump.txt', '-o', 'm.json'], '', dir);
        expect(imported.code, imported.stderr).toBe(0);
        const rows = hexRows(block);
        const hexFlag = rows.length > 16 ? '-xxxx' : '-xxx';
        const dumped = await runCli(['lspci', '--machine', 'm.json', hexFlag], '', dir);
        expect(hexRows(dumped.stdout.split('\n'))).toEqual(rows);
        const printed = (await runCli(['lspci', '--machine', 'm.json', '-vvv'], '', dir)).stdout.split('\n');
        expect(printed.filter((l) => CONTROL_STATUS.test(l))).toEqual(block.filter((l) => CONTROL_STATUS.test(l)));
        expect(withoutUpperHalfRegions(printed).filter((l) => REGION.test(l))).toEqual(block.filter((l) => REGION.test(l)));
        expect(msixLines(printed)).toEqual(msixLines(block).map(modernMsix));
      });
    });
  }
});
