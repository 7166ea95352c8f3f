// Whole systems in (test/fixtures/lspci/SOURCE.md): QEMU q35 with 41 functions
// behind 14 bridges, as Linux saw it and real lspci printed it; and a real
// desktop board (ASUS P6T6, X58 + ICH10R) of 53 functions, pciutils' own test
// file as it is (plain lspci -xxxx): root ports, an NF200 PCIe switch, a PCI bridge, and the CPU's uncore
// functions on a root bus of their own (ff). The import keeps every function at
// its own address, its bridges as bridges that route to it, every BAR, and
// prints back the same bytes.
import { describe, expect, it } from 'vitest';
import { parseLspciText } from '../../src-shared/pci-text/lspci-dump';
import { printLspciDevices } from '../../src-shared/pci-text/lspci-print';
import { buildImportedMachine, importDumpFiles } from '../../src-main/pci-tools/import-dumps';
import { printableDevice } from '../../src-main/pci-tools/machine-pci-view';
import { PciBridge } from '../../src-main/machine/pci/pci-bridge';
import { formatBdf } from '../../src-main/machine/pci/pci-bus';
import { UNMAPPED } from '../../src-main/machine/pci/bar';
import { hexRows, readFixture } from '../pci-text/fixtures';

interface SystemDump {
  file: string;
  functions: number;
  bridges: number;
  /** A function deep in the tree and the bridges above it, nearest first. */
  deep: { bdf: number; chain: string[] };
  /** A memory BAR behind those bridges that must be mapped where the dump has it. */
  bar: { bdf: number; index: number; address: number };
}

const SYSTEMS: SystemDump[] = [
  // The NVMe behind root port 00:1c.6, the switch's upstream port 09:00.0 and downstream port 0a:01.0.
  { file: 'tree-qemu-q35.txt', functions: 41, bridges: 14, deep: { bdf: 0x0c00, chain: ['0a:01.0', '09:00.0', '00:1c.6'] }, bar: { bdf: 0x0c00, index: 0, address: 0xfda00000 } },
  // The SAS2008 behind the NF200's downstream port 03:00.0, its upstream port 02:00.0 and root port 00:03.0.
  { file: 'pciutils-tree-asus-p6t6', functions: 53, bridges: 10, deep: { bdf: 0x0400, chain: ['03:00.0', '02:00.0', '00:03.0'] }, bar: { bdf: 0x0400, index: 1, address: 0xf9ffc000 } },
];

function imported(file: string) {
  const text = readFixture(file);
  const built = buildImportedMachine(importDumpFiles([{ name: file, text }]));
  if (!built.ok) throw new Error(`${built.problem}: ${built.details.join('\n')}`);
  return { text, machine: built.machine, warnings: built.imported.warnings };
}

describe.each(SYSTEMS)('a whole-system dump ($file)', (system) => {
  it(`keeps every BDF: ${system.functions} functions, none moved or left out, every BAR accepted`, () => {
    const { text, machine, warnings } = imported(system.file);
    const dumped = parseLspciText(text).devices.map((d) => d.bdf);
    expect(dumped).toHaveLength(system.functions);
    expect(machine.functions().map((f) => formatBdf(f.bdf))).toEqual(dumped);
    expect(warnings.filter((w) => /moved|left out|header type|not a power of two|names no BAR/.test(w))).toEqual([]);
  });

  it(`bridges are bridges: ${system.bridges} of them, and a config cycle to every address reaches its function through them`, () => {
    const { machine } = imported(system.file);
    expect(machine.functions().filter((f) => f instanceof PciBridge)).toHaveLength(system.bridges);
    for (const fn of machine.functions()) {
      machine.io.write(0xcf8, 4, (0x80000000 | (fn.bdf << 8)) >>> 0);
      expect(machine.io.read(0xcfc, 4), formatBdf(fn.bdf)).toBe(fn.configRead(0, 4));
      expect(machine.bus.route(fn.bdf >>> 8, fn.bdf & 0xff)).toBe(fn);
    }
    const chain: string[] = [];
    for (let up = machine.fn(system.deep.bdf)!.upstream; up !== null; up = up.upstream) chain.push(formatBdf(up.bdf));
    expect(chain).toEqual(system.deep.chain);
  });

  it('the bridges forward their windows: a BAR behind them is mapped where the dump has it', () => {
    const { machine } = imported(system.file);
    const bar = machine.fn(system.bar.bdf)!.bars[system.bar.index]!;
    expect(bar.mappedAt).toBe(system.bar.address);
    // Turning off the nearest bridge's memory decoding cuts it off (Command bit 1).
    const bridge = machine.fn(system.bar.bdf)!.upstream!;
    machine.bus.configWrite(bridge.bdf, 0x04, 2, bridge.command & ~0x2);
    expect(bar.mappedAt).toBe(UNMAPPED);
  });

  it('prints back byte for byte, every function at its address (-xxxx)', () => {
    const { text, machine } = imported(system.file);
    const ours = printLspciDevices(machine.functions().map((fn) => printableDevice(machine, fn)), { verbose: 0, hex: 4 });
    const split = (t: string) => t.split('\n\n').filter((b) => b.trim() !== '').map((b) => [b.split('\n')[0]!.split(' ')[0], hexRows(b.split('\n'))]);
    expect(split(ours)).toEqual(split(text));
  });
});
