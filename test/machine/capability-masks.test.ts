// An imported device's capabilities take their write masks from the register
// descriptions: control bits writable, status bits write-1-to-clear, capability
// bits read-only — the same descriptions the lspci printer decodes with.
import { describe, expect, it } from 'vitest';
import { buildImportedMachine, importDumpFiles } from '../../src-main/pci-tools/import-dumps';
import { readFixture } from '../pci-text/fixtures';
import type { Machine } from '../../src-main/machine/machine';

// cap-dev3.txt: an NVMe endpoint at 01:00.0 with PM at 0x40, MSI (64-bit, maskable) at 0x50,
// PCI Express at 0x70, MSI-X at 0xb0 and AER at 0x100.
function nvme(): { machine: Machine; bdf: number } {
  const built = buildImportedMachine(importDumpFiles([{ name: 'cap-dev3.txt', text: readFixture('cap-dev3.txt') }]));
  if (!built.ok) throw new Error(built.problem);
  const fn = built.machine.functions()[0]!;
  return { machine: built.machine, bdf: fn.bdf };
}

describe('imported capabilities: write masks from the register descriptions', () => {
  it('PCI Express: DevCtl writable, DevCap read-only, DevSta error bits write-1-to-clear', () => {
    const { machine, bdf } = nvme();
    const bus = machine.bus;
    const devcap = bus.configRead(bdf, 0x74, 4);
    bus.configWrite(bdf, 0x74, 4, ~devcap >>> 0);
    expect(bus.configRead(bdf, 0x74, 4)).toBe(devcap);
    bus.configWrite(bdf, 0x78, 2, 0x0000);
    expect(bus.configRead(bdf, 0x78, 2)).toBe(0x0000);
    bus.configWrite(bdf, 0x78, 2, 0x201f);
    expect(bus.configRead(bdf, 0x78, 2)).toBe(0x201f);
    const devsta = bus.configRead(bdf, 0x7a, 2);
    expect(devsta & 0x9).toBe(0x9);
    bus.configWrite(bdf, 0x7a, 2, 0x0001);
    expect(bus.configRead(bdf, 0x7a, 2)).toBe(devsta & ~0x1);
  });

  it('MSI: Enable and Multiple Message Enable writable, Multiple Message Capable and 64bit read-only; address, data and mask bits writable', () => {
    const { machine, bdf } = nvme();
    const bus = machine.bus;
    const flags = bus.configRead(bdf, 0x52, 2);
    bus.configWrite(bdf, 0x52, 2, 0xffff);
    expect(bus.configRead(bdf, 0x52, 2)).toBe((flags & ~0x71) | 0x71);
    bus.configWrite(bdf, 0x54, 4, 0xfee01007);
    expect(bus.configRead(bdf, 0x54, 4)).toBe(0xfee01004);
    bus.configWrite(bdf, 0x60, 4, 0xffffffff);
    // 8 vectors capable: 8 mask bits.
    expect(bus.configRead(bdf, 0x60, 4)).toBe(0xff);
  });

  it('PM: power state and PME Enable writable, PME status write-1-to-clear, capabilities read-only', () => {
    const { machine, bdf } = nvme();
    const bus = machine.bus;
    const pmc = bus.configRead(bdf, 0x42, 2);
    bus.configWrite(bdf, 0x42, 2, 0);
    expect(bus.configRead(bdf, 0x42, 2)).toBe(pmc);
    bus.configWrite(bdf, 0x44, 2, 0x0103);
    expect(bus.configRead(bdf, 0x44, 2) & 0x0103).toBe(0x0103);
  });

  it('AER: uncorrectable status write-1-to-clear, masks writable, header log read-only', () => {
    const { machine, bdf } = nvme();
    const bus = machine.bus;
    // UEMsk: the described error bits are writable; bits the description does not name stay as imported.
    bus.configWrite(bdf, 0x108, 4, 0);
    const kept = bus.configRead(bdf, 0x108, 4);
    expect(kept & 0x003ff030).toBe(0);
    bus.configWrite(bdf, 0x108, 4, 0x00100000);
    expect(bus.configRead(bdf, 0x108, 4)).toBe((kept | 0x00100000) >>> 0);
    const log = bus.configRead(bdf, 0x11c, 4);
    bus.configWrite(bdf, 0x11c, 4, ~log >>> 0);
    expect(bus.configRead(bdf, 0x11c, 4)).toBe(log);
  });
});
