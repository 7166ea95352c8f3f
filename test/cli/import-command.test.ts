import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-harness';
import { fixtureBlocks, readFixture } from '../pci-text/fixtures';
import { loadMachineText } from '../../src-main/machine/machine-builder';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'irqscope-import-'));

function virtioNetDump(): string[] {
  return fixtureBlocks(readFixture('cap-vendor-virtio.txt'))[0]!;
}

/** Replaces config bytes in a dump's hex rows. */
function patchDump(block: string[], offset: number, bytes: number[]): string[] {
  return block.map((line) => {
    const m = /^([0-9a-f]{2,3}): (.*)$/.exec(line);
    if (!m) return line;
    const base = Number.parseInt(m[1]!, 16);
    const cells = m[2]!.split(' ');
    bytes.forEach((b, i) => {
      const at = offset + i - base;
      if (at >= 0 && at < 16) cells[at] = b.toString(16).padStart(2, '0');
    });
    return `${m[1]}: ${cells.join(' ')}`;
  });
}

describe('irqscope import', () => {
  it('an imported device behaves like a native one: its MSI-X table decodes where the dump put BAR 1', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'nic.txt'), virtioNetDump().join('\n'));
    const r = await runCli(['import', 'nic.txt'], '', dir);
    expect(r.code).toBe(0);
    const built = loadMachineText(r.stdout);
    if (!built.ok) throw new Error(built.errors.join('\n'));
    const m = built.machine;
    const fn = m.fn(0x48)!;
    expect(fn.msix!.enabled).toBe(true);
    // Dumped as Enable+ Masked-, Mem+ BusMaster+, BAR 1 at febd6000.
    m.memory.write(0xfebd6000, 4, 0xfee03000);
    m.memory.write(0xfebd6008, 4, 0x61);
    m.memory.write(0xfebd600c, 4, 0);
    expect(fn.msix!.use(0).ok).toBe(true);
    m.raise(fn, 0);
    expect(m.apic.total(3, 0x61)).toBe(1);
    // Masking through the imported capability still works (C4).
    m.bus.configWrite(fn.bdf, 0x86, 2, 0xc000);
    m.raise(fn, 0);
    expect(fn.msix!.isPending(0)).toBe(true);
  });

  it('I3: a table overlapping the PBA is imported with a warning naming it, and the machine stays consistent', async () => {
    const dir = tmp();
    // PBA offset/BIR at cap+8 = 0x8c: BAR 1, offset 0x10 (inside the 3-entry table).
    writeFileSync(join(dir, 'bad.txt'), patchDump(virtioNetDump(), 0x8c, [0x11, 0x00, 0x00, 0x00]).join('\n'));
    const r = await runCli(['import', 'bad.txt', '-o', 'm.json'], '', dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('overlaps');
    const built = loadMachineText(readFileSync(join(dir, 'm.json'), 'utf8'));
    if (!built.ok) throw new Error(built.errors.join('\n'));
    expect(built.warnings.join('\n')).toMatch(/MSI-X table .* overlaps PBA/);
    const m = built.machine;
    m.memory.write(0xfebd6010, 4, 0x12345678);
    // The table claims its own bytes first; the PBA is still read where it does not overlap.
    expect(m.memory.read(0xfebd6010, 4)).toBe(0x12345678);
    expect(m.memory.read(0xfebd6030, 4)).toBe(0);
  });

  it('reads a binary sysfs config file and names the device from its path', async () => {
    const dir = tmp();
    const bytes = new Uint8Array(256);
    const rows = virtioNetDump().filter((l) => /^[0-9a-f]{2}: /.test(l));
    rows.forEach((row, r) => row.slice(4).split(' ').forEach((b, i) => (bytes[r * 16 + i] = Number.parseInt(b, 16))));
    mkdirSync(join(dir, '0000:00:07.0'));
    writeFileSync(join(dir, '0000:00:07.0', 'config'), bytes);
    const r = await runCli(['import', '0000:00:07.0/config', '--bar-size', '1=0x1000', '--bar-size', '0=32', '--bar-size', '2=0x80000'], '', dir);
    expect(r.code, r.stderr).toBe(0);
    const desc = JSON.parse(r.stdout) as { devices: { bdf: string; msix: unknown; bars: { index: number; size: string }[] }[] };
    expect(desc.devices[0]!.bdf).toBe('00:07.0');
    expect(desc.devices[0]!.bars.find((b) => b.index === 1)!.size).toBe('0x1000');
    expect(desc.devices[0]!.msix).toMatchObject({ vectors: 3, table: { bar: 1, offset: '0x0' }, pba: { bar: 1, offset: '0x800' } });
  });

  it('refuses unreadable input and bad options with clear errors', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'junk.txt'), 'this is not lspci output\n');
    const junk = await runCli(['import', 'junk.txt'], '', dir);
    expect(junk.code).toBe(1);
    expect(junk.stderr).toContain('no device could be read');
    const truncated = virtioNetDump().map((l) => (l.startsWith('30:') ? '30: 00 00 b8' : l));
    writeFileSync(join(dir, 't.txt'), truncated.join('\n'));
    const t = await runCli(['import', 't.txt'], '', dir);
    expect(t.stderr).toMatch(/t\.txt: error: .*line \d+/);
    expect((await runCli(['import', 'x', '--bar-size', 'nine'], '', dir)).stderr).toContain("--bar-size 'nine': expected INDEX=SIZE");
    expect((await runCli(['import'], '', dir)).stderr).toContain('no input files');
  });

  it('a dump with one broken device exits 1 and writes nothing; --partial writes the others and exits 0', async () => {
    const dir = tmp();
    const good = virtioNetDump();
    // The same device again at another address, with a truncated hex row.
    const broken = good.map((l) => l.replace(/^([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) /, '00:05.0 ')).map((l) => (l.startsWith('30:') ? '30: 00 00 b8' : l));
    writeFileSync(join(dir, 'two.txt'), [...good, '', ...broken].join('\n'));
    const strict = await runCli(['import', 'two.txt', '-o', 'm.json'], '', dir);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/two\.txt: error: line \d+: 00:05.0: .*device left out/);
    expect(strict.stderr).toContain('irqscope import: 1 error above: nothing written (--partial writes the machine without what could not be read)');
    expect(() => readFileSync(join(dir, 'm.json'))).toThrow();
    const partial = await runCli(['import', 'two.txt', '-o', 'm.json', '--partial'], '', dir);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toContain('imported 1 device(s)');
    expect((JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as { devices: unknown[] }).devices).toHaveLength(1);
  });

  it('setpci pokes and reads a machine with setpci wording', async () => {
    const ok = await runCli(['setpci', '--machine', 'virtio-net', '-s', '00:03.0', 'VENDOR_ID', 'CAP_MSIX+2.w']);
    expect(ok.stdout).toBe('1af4\n0002\n');
    const bad = await runCli(['setpci', '--machine', 'virtio-net', '-s', '00:03.0', 'BOGUS']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('setpci: Unknown register "BOGUS".');
  });
});
