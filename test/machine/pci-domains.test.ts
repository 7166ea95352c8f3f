// Several PCI domains (segments), as a PC with several host bridges has them: each
// domain has its own buses and its own ECAM window at a fixed address; 0xCF8/0xCFC
// reaches domain 0000 only; the same bus/dev.fn in two domains are two functions.
import { describe, expect, it } from 'vitest';
import { loadMachineObject } from '../../src-main/machine/machine-builder';
import type { Machine } from '../../src-main/machine/machine';
import { AccessStatus } from '../../src-main/machine/address-space';
import { formatBdf } from '../../src-main/machine/pci/pci-bus';
import { UNMAPPED } from '../../src-main/machine/pci/bar';
import { configAccessor } from '../../src-main/pci-tools/machine-pci-view';
import { runSetpci } from '../../src-shared/pci-text/setpci';

const ECAM0 = 0xb0000000;
const ECAM1 = 0xc0000000;
const NIC = { vendor: '0x8086', device: '0x10d3', class: '0x020000', bars: [{ index: 0, type: 'mem32', size: '0x1000' }] };

function description(overrides: Record<string, unknown> = {}) {
  return {
    platform: 'q35',
    cpus: 1,
    ram: [{ base: '0x0', size: '0x100000' }],
    domains: [{ domain: 1, ecam: `0x${ECAM1.toString(16)}`, buses: 16 }],
    devices: [
      { bdf: '00:03.0', name: 'nic0', ...NIC },
      // The same bus/dev.fn in domain 0001, and a root port there with a NIC behind it.
      { bdf: '0001:00:03.0', name: 'nic1', ...NIC, device: '0x10d4' },
      { bdf: '0001:00:1c.0', name: 'rp1', vendor: '0x1b36', device: '0x000c', class: '0x060400', pcie: true, bridge: { secondary: 5, memory: { base: '0xfe000000', limit: '0xfe0fffff' } } },
      { bdf: '0001:05:00.0', name: 'nic2', ...NIC, device: '0x10d5', pcie: true },
    ],
    ...overrides,
  };
}

function machine(overrides: Record<string, unknown> = {}): Machine {
  const built = loadMachineObject(description(overrides));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  return built.machine;
}

const ecam = (base: number, bus: number, devfn: number, reg: number) => base + bus * 0x100000 + devfn * 0x1000 + reg;

describe('PCI domains', () => {
  it('every function keeps its domain: listed by domain, then bus/dev.fn, and found by its address', () => {
    const m = machine();
    expect(m.functions().map((f) => formatBdf(f.address))).toEqual(['00:00.0', '00:03.0', '0001:00:03.0', '0001:00:1c.0', '0001:05:00.0']);
    expect(m.fn(0x0018)!.name).toBe('nic0');
    expect(m.fn(0x10018)!.name).toBe('nic1');
    expect(m.fn(0x10018)!.bdf).toBe(0x0018);
    expect(m.bus.domains()).toEqual([0, 1]);
  });

  it("0xCF8/0xCFC reaches domain 0000 only: 00:03.0 there is nic0, never domain 0001's", () => {
    const m = machine();
    m.io.write(0xcf8, 4, 0x80001800);
    expect(m.io.read(0xcfc, 4)).toBe(0x10d38086);
    // Bus 5 exists only behind domain 0001's root port: all ones through 0xCF8.
    m.io.write(0xcf8, 4, 0x80050000);
    expect(m.io.read(0xcfc, 4)).toBe(0xffffffff);
  });

  it("each domain has its own ECAM window: domain 0001's at its fixed address, domain 0000's where PCIEXBAR puts it", () => {
    const m = machine();
    expect(m.bus.ecamWindow(1)).toEqual({ base: ECAM1, size: 16 * 0x100000 });
    expect(m.memory.read(ecam(ECAM1, 0, 0x18, 0), 4)).toBe(0x10d48086);
    expect(m.memory.read(ecam(ECAM1, 5, 0, 0), 4)).toBe(0x10d58086);
    // Extended config space of a PCI Express function, through its domain's window only.
    expect(m.memory.read(ecam(ECAM1, 5, 0, 0x100), 4)).toBe(0);
    // A function no domain-0001 bus holds reads all ones; so does domain 0000's host bridge's address there.
    expect(m.memory.read(ecam(ECAM1, 0, 0, 0), 4)).toBe(0xffffffff);
    expect(m.memory.read(ecam(ECAM1, 6, 0, 0), 4)).toBe(0xffffffff);
    expect(m.bus.ecamWindow(0)).toBeNull();
    m.io.write(0xcf8, 4, 0x80000060);
    m.io.write(0xcfc, 4, ECAM0 | 1);
    expect(m.memory.read(ecam(ECAM0, 0, 0x18, 0), 4)).toBe(0x10d38086);
    expect(m.memory.read(ecam(ECAM0, 5, 0, 0), 4)).toBe(0xffffffff);
  });

  it('a config write through one domain changes that domain\'s function alone, and its BAR maps through its own bridges', () => {
    const m = machine();
    m.memory.write(ecam(ECAM1, 0, 0xe0, 0x04), 2, 0x2);
    m.memory.write(ecam(ECAM1, 5, 0, 0x10), 4, 0xfe000000);
    m.memory.write(ecam(ECAM1, 5, 0, 0x04), 2, 0x2);
    expect(m.fn(0x10500)!.bars[0]!.mappedAt).toBe(0xfe000000);
    expect(m.fn(0x0500)).toBeNull();
    // The root port's memory decoding off: the NIC behind it is cut off.
    m.memory.write(ecam(ECAM1, 0, 0xe0, 0x04), 2, 0);
    expect(m.fn(0x10500)!.bars[0]!.mappedAt).toBe(UNMAPPED);
    expect(m.fn(0x0018)!.config.get16(0x04)).toBe(0);
  });

  it('the tools reach a function by its address; a system reset keeps a firmware-fixed window', () => {
    const m = machine();
    m.bus.configWrite(0x10018, 0x3c, 1, 0x0b);
    expect(m.bus.configRead(0x10018, 0x3c, 1)).toBe(0x0b);
    expect(m.bus.configRead(0x0018, 0x3c, 1)).toBe(0);
    m.systemReset();
    expect(m.bus.ecamWindow(1)).toEqual({ base: ECAM1, size: 16 * 0x100000 });
  });

  it('setpci selects by domain as pciutils does: 0001:00:03.0 is one function, 00:03.0 is that slot in every domain', () => {
    const m = machine();
    expect(runSetpci('-s 0001:00:03.0 0x3c.b=0x0b', configAccessor(m)).exitCode).toBe(0);
    expect([m.fn(0x0018)!.config.bytes[0x3c], m.fn(0x10018)!.config.bytes[0x3c]]).toEqual([0, 0x0b]);
    expect(runSetpci('-s 00:03.0 0x3c.b', configAccessor(m)).output).toEqual(['00', '0b']);
    expect(runSetpci('-v -s 1:5:0.0 0x02.w', configAccessor(m)).output).toEqual(['0001:05:00.0 @02 = 10d5']);
  });

  it('machine file errors name the field: an undescribed domain, a domain twice, a misaligned or overlapping window', () => {
    const errors = (overrides: Record<string, unknown>) => {
      const built = loadMachineObject(description(overrides));
      return built.ok ? [] : built.errors;
    };
    expect(errors({ domains: [] })).toEqual(expect.arrayContaining([expect.stringMatching(/^devices\[1\]\.bdf: domain 0001 is not one of the machine's domains/)]));
    expect(errors({ domains: [{ domain: 1, ecam: '0xc0000000' }, { domain: 1, ecam: '0xd0000000' }] })).toEqual(['domains[1].domain: domain 1 is already described in domains[0]']);
    expect(errors({ domains: [{ domain: 1, ecam: '0xc0080000' }] })).toEqual(['domains[0].ecam: 0xc0080000 is not a multiple of 1 MiB']);
    expect(errors({ domains: [{ domain: 1, ecam: '0x0', buses: 1 }] })).toEqual(['domains[0].ecam: 0x0..0x100000 overlaps ram[0]']);
    expect(errors({ domains: [{ domain: 1, ecam: '0xc0000000' }, { domain: 2, ecam: '0xcff00000' }] })).toEqual(['domains[1].ecam: 0xcff00000..0xdff00000 overlaps domains[0].ecam']);
    expect(errors({ domains: [{ domain: 0, ecam: '0xc0000000' }] })[0]).toMatch(/^domains\[0\]\.domain: /);
  });

  it('a domain-0001 address is not domain 0000\'s: bridge checks and reachability are per domain', () => {
    const built = loadMachineObject(
      description({
        devices: [
          { bdf: '0001:00:1c.0', name: 'rp1', vendor: '0x1b36', device: '0x000c', class: '0x060400', pcie: true, bridge: { secondary: 5 } },
          // Bus 5 in domain 0000 is reached by no bridge: a root bus of its own there, not domain 0001's bus 5.
          { bdf: '05:00.0', name: 'nic-d0', ...NIC },
          { bdf: '0001:05:00.0', name: 'nic-d1', ...NIC },
        ],
      }),
    );
    if (!built.ok) throw new Error(built.errors.join('\n'));
    const m = built.machine;
    expect(m.fn(0x0500)!.upstream).toBeNull();
    expect(formatBdf(m.fn(0x10500)!.upstream!.address)).toBe('0001:00:1c.0');
    expect(m.memory.read(ecam(ECAM1, 5, 0, 0), 4)).toBe(0x10d38086);
    expect(m.memory.lastStatus).toBe(AccessStatus.Ok);
  });
});
