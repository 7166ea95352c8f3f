// An imported device's capabilities take their write masks from the register
// descriptions: control bits writable, status bits write-1-to-clear, capability
// bits read-only — the same descriptions the lspci printer decodes with.
import { describe, expect, it } from 'vitest';
import { buildImportedMachine, importDumpFiles } from '../../src-main/pci-tools/import-dumps';
import { readFixture } from '../pci-text/fixtures';
import type { Machine } from '../../src-main/machine/machine';
import { hexDumpLines } from '../../src-shared/pci-text/lspci-print';
import { syntheticDevices } from '../conformance/lspci-synthetic-devices';

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
    // Enable and all of Multiple Message Enable take the write; with MSI enabled, MW2 (QEMU's
    // msi_write_config) then clamps Multiple Message Enable to Multiple Message Capable.
    expect(bus.configRead(bdf, 0x52, 2)).toBe((flags & ~0x71) | 0x01 | (((flags >> 1) & 7) << 4));
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

describe('AGP, PCI-X, Resizable BAR and PTM: write masks from the same descriptions lspci decodes with', () => {
  // Synthetic device 0: AGP at 0x40, PCI-X at 0x50; device 3: Physical Resizable BAR at 0x100; device 4: PTM at 0x240.
  function synthetic(index: number): { machine: Machine; bdf: number } {
    const device = syntheticDevices()[index]!;
    const text = [`${device.bdf} Class 0000: Device`, ...hexDumpLines(device.config, 4096), ''].join('\n');
    const built = buildImportedMachine(importDumpFiles([{ name: 'synthetic.txt', text }]));
    if (!built.ok) throw new Error(built.problem);
    return { machine: built.machine, bdf: built.machine.functions()[0]!.bdf };
  }

  it('AGP: Command writable, Status read-only; PCI-X: Command writable, split completion errors write-1-to-clear', () => {
    const { machine, bdf } = synthetic(0);
    const bus = machine.bus;
    const status = bus.configRead(bdf, 0x44, 4);
    bus.configWrite(bdf, 0x44, 4, ~status >>> 0);
    expect(bus.configRead(bdf, 0x44, 4)).toBe(status);
    // Bits the description leaves out (reserved: 3, 6, 23:16) keep what the device had.
    const command = bus.configRead(bdf, 0x48, 4);
    bus.configWrite(bdf, 0x48, 4, 0x07000307);
    expect(bus.configRead(bdf, 0x48, 4)).toBe((0x07000307 | (command & 0x00ff0048)) >>> 0);
    bus.configWrite(bdf, 0x52, 2, 0x0070);
    expect(bus.configRead(bdf, 0x52, 2)).toBe(0x0070);
    const pcix = bus.configRead(bdf, 0x54, 4);
    expect(pcix & 0x000c0000).toBe(0x000c0000);
    bus.configWrite(bdf, 0x54, 4, 0x00040000);
    expect(bus.configRead(bdf, 0x54, 4)).toBe((pcix & ~0x00040000) >>> 0);
  });

  it('Resizable BAR: the size writable, BAR index, count and supported sizes read-only', () => {
    const { machine, bdf } = synthetic(3);
    const bus = machine.bus;
    const ctrl = bus.configRead(bdf, 0x108, 4);
    bus.configWrite(bdf, 0x108, 4, 0);
    expect(bus.configRead(bdf, 0x108, 4)).toBe((ctrl & ~0x3f00) >>> 0);
    bus.configWrite(bdf, 0x104, 4, 0);
    expect(bus.configRead(bdf, 0x104, 4)).not.toBe(0);
  });

  it('PTM: Enable, Root Select and effective granularity writable, capabilities read-only', () => {
    const { machine, bdf } = synthetic(4);
    const bus = machine.bus;
    const cap = bus.configRead(bdf, 0x244, 4);
    bus.configWrite(bdf, 0x244, 4, 0);
    expect(bus.configRead(bdf, 0x244, 4)).toBe(cap);
    bus.configWrite(bdf, 0x248, 4, 0xffffffff);
    expect(bus.configRead(bdf, 0x248, 4)).toBe(0x0000ff03);
  });
});
