// A whole system in: QEMU q35 with 41 functions behind 14 bridges (root ports, a
// PCIe switch, a PCIe-to-PCI bridge, a PCI bridge), as Linux saw it and real
// lspci printed it (test/fixtures/lspci/SOURCE.md). The import keeps every
// function at its own address, its bridges as bridges that route to it, and
// prints back the same bytes.
import { describe, expect, it } from 'vitest';
import { parseLspciText } from '../../src-shared/pci-text/lspci-dump';
import { printLspciDevices } from '../../src-shared/pci-text/lspci-print';
import { buildImportedMachine, importDumpFiles } from '../../src-main/pci-tools/import-dumps';
import { printableDevice } from '../../src-main/pci-tools/machine-pci-view';
import { PciBridge } from '../../src-main/machine/pci/pci-bridge';
import { formatBdf } from '../../src-main/machine/pci/pci-bus';
import { hexRows, readFixture } from '../pci-text/fixtures';

const FILE = 'tree-qemu-q35.txt';

function imported() {
  const text = readFixture(FILE);
  const built = buildImportedMachine(importDumpFiles([{ name: FILE, text }]));
  if (!built.ok) throw new Error(`${built.problem}: ${built.details.join('\n')}`);
  return { text, machine: built.machine, warnings: built.imported.warnings };
}

describe(`a whole-system dump (${FILE})`, () => {
  it('keeps every BDF: 41 functions, none moved or left out', () => {
    const { text, machine, warnings } = imported();
    const dumped = parseLspciText(text).devices.map((d) => d.bdf);
    expect(dumped).toHaveLength(41);
    expect(machine.functions().map((f) => formatBdf(f.bdf))).toEqual(dumped);
    expect(warnings.filter((w) => /moved|left out|header type/.test(w))).toEqual([]);
  });

  it('bridges are bridges: 14 of them, and a config cycle to every address reaches its function through them', () => {
    const { machine } = imported();
    expect(machine.functions().filter((f) => f instanceof PciBridge)).toHaveLength(14);
    for (const fn of machine.functions()) {
      machine.io.write(0xcf8, 4, (0x80000000 | (fn.bdf << 8)) >>> 0);
      expect(machine.io.read(0xcfc, 4), formatBdf(fn.bdf)).toBe(fn.configRead(0, 4));
      expect(machine.bus.route(fn.bdf >>> 8, fn.bdf & 0xff)).toBe(fn);
    }
    // The NVMe behind root port 00:1c.6, the switch's upstream port 09:00.0 and downstream port 0a:01.0.
    const chain: string[] = [];
    for (let up = machine.fn(0x0c00)!.upstream; up !== null; up = up.upstream) chain.push(formatBdf(up.bdf));
    expect(chain).toEqual(['0a:01.0', '09:00.0', '00:1c.6']);
  });

  it('prints back byte for byte, every function at its address (-xxxx)', () => {
    const { text, machine } = imported();
    const ours = printLspciDevices(machine.functions().map((fn) => printableDevice(machine, fn)), { verbose: 0, hex: 4 });
    const split = (t: string) => t.split('\n\n').filter((b) => b.trim() !== '').map((b) => [b.split('\n')[0]!.split(' ')[0], hexRows(b.split('\n'))]);
    expect(split(ours)).toEqual(split(text));
  });
});
