// QEMU 7.2's log-backend lines, as its real output (test/fixtures/qemu-trace) spells them.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTraceLine } from '../../src-main/qemu/trace-line';

const lines = readFileSync(join(__dirname, '..', 'fixtures', 'qemu-trace', 'lines.txt'), 'utf8').trim().split('\n');

describe('parseTraceLine', () => {
  it('reads every event irqscope enables, with the -msg timestamp=on time', () => {
    expect(lines.map(parseTraceLine).slice(0, 7)).toEqual([
      { kind: 'cfg-write', timeUs: 1796157359616111, device: 'e1000e', bdf: 0x10, offset: 0x10, value: 0xffffffff },
      { kind: 'cfg-read', timeUs: 1796157359613409, device: 'e1000e', bdf: 0x10, offset: 0, value: 0x8086 },
      { kind: 'msix-config', timeUs: 1796157382060454, device: 'e1000e', enabled: true, masked: true },
      { kind: 'mr-read', timeUs: 1796157382062126, cpu: 0, addr: 0xfebe000c, value: 1, size: 4, region: 'msix-table' },
      { kind: 'mr-write', timeUs: 1796157382788724, cpu: 0, addr: 0xfee01004, value: 0x26, size: 4, region: 'apic-msi' },
      { kind: 'apic-deliver', timeUs: 1796157382788728, dest: 1, destMode: 1, deliveryMode: 0, vector: 38, trigger: 0 },
      { kind: 'ioapic-irq', timeUs: 1796157359604599, line: 0, level: 1 },
    ]);
  });

  it('reads a line without a timestamp (time NaN) and a qtest access (cpu -1)', () => {
    expect(parseTraceLine(lines[7]!)).toEqual({ kind: 'mr-write', timeUs: Number.NaN, cpu: -1, addr: 0xfee00000, value: 0, size: 4, region: 'apic-msi' });
  });

  it('skips other events and truncated lines', () => {
    expect(parseTraceLine(lines[8]!)).toBeNull();
    expect(parseTraceLine(lines[0]!.slice(0, 50))).toBeNull();
    expect(parseTraceLine('')).toBeNull();
  });
});
