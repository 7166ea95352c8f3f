// The PC platform: q35's host bridge and ECAM, bridges with bus numbers and windows
// that really route config cycles and accesses, devices on any bus, multi-function devices.
import { describe, expect, it } from 'vitest';
import { loadMachineObject } from '../../src-main/machine/machine-builder';
import type { Machine } from '../../src-main/machine/machine';
import { AccessStatus } from '../../src-main/machine/address-space';
import { PciBridge } from '../../src-main/machine/pci/pci-bridge';
import { eventsSince } from './guest';
import { DropReason } from '../../src-shared/timeline/event-kinds';

const ROOT_PORT = { bdf: '00:1c.0', name: 'rp0', vendor: '0x1b36', device: '0x000c', class: '0x060400', pcie: true };
const NVME_MSIX = { vectors: 4, table: { bar: 0, offset: '0x0' }, pba: { bar: 0, offset: '0x800' }, used: 'all' as const };

/** q35 with a root port (bus 1..2), a PCI bridge behind it (bus 2), and endpoints on buses 1 and 2, one of them multi-function. */
function platform(): Machine {
  const built = loadMachineObject({
    platform: 'q35',
    cpus: 2,
    ram: [{ base: '0x0', size: '0x100000' }],
    devices: [
      { ...ROOT_PORT, bridge: { secondary: 1, subordinate: 2, memory: { base: '0xfe000000', limit: '0xfe3fffff' }, io: { base: '0x1000', limit: '0x1fff' } } },
      { bdf: '01:00.0', name: 'nvme', vendor: '0x1b36', device: '0x0010', class: '0x010802', pcie: true, bars: [{ index: 0, type: 'mem64', size: '0x1000' }], msix: NVME_MSIX },
      { bdf: '01:00.1', name: 'nvme-fn1', vendor: '0x1b36', device: '0x0010', class: '0x010802', bars: [{ index: 2, type: 'io', size: '0x20' }] },
      { bdf: '01:01.0', name: 'br1', vendor: '0x1b36', device: '0x0001', class: '0x060400', bridge: { secondary: 2, memory: { base: '0xfe200000', limit: '0xfe2fffff' } } },
      { bdf: '02:03.0', name: 'far', vendor: '0x1af4', device: '0x1000', class: '0x020000', bars: [{ index: 1, type: 'mem32', size: '0x1000' }], msix: { ...NVME_MSIX, table: { bar: 1, offset: '0x0' }, pba: { bar: 1, offset: '0x800' } } },
    ],
  });
  if (!built.ok) throw new Error(built.errors.join('\n'));
  return built.machine;
}

const cf8 = (bus: number, dev: number, fn: number, reg: number): number => (0x80000000 | (bus << 16) | (dev << 11) | (fn << 8) | reg) >>> 0;

function cfgRead(m: Machine, bus: number, dev: number, fn: number, reg: number, size = 4): number {
  m.io.write(0xcf8, 4, cf8(bus, dev, fn, reg & 0xfc));
  return m.io.read(0xcfc + (reg & 3), size);
}

function cfgWrite(m: Machine, bus: number, dev: number, fn: number, reg: number, size: number, value: number): void {
  m.io.write(0xcf8, 4, cf8(bus, dev, fn, reg & 0xfc));
  m.io.write(0xcfc + (reg & 3), size, value);
}

const ECAM = 0xb0000000;
function enableEcam(m: Machine): void {
  cfgWrite(m, 0, 0, 0, 0x60, 4, ECAM | 1);
}

describe('the q35 host bridge and ECAM', () => {
  it("00:00.0 reads as QEMU q35's MCH; ECAM is off after reset, as before firmware runs", () => {
    const m = platform();
    expect(cfgRead(m, 0, 0, 0, 0)).toBe(0x29c08086);
    expect(cfgRead(m, 0, 0, 0, 0x08)).toBe(0x06000000);
    expect(cfgRead(m, 0, 0, 0, 0x2c)).toBe(0x11001af4);
    expect(cfgRead(m, 0, 0, 0, 0x60)).toBe(ECAM);
    expect(m.memory.read(ECAM, 4)).toBe(0);
    expect(m.memory.lastStatus).toBe(AccessStatus.Unclaimed);
  });

  it('PCIEXBAR enable maps a 256 MiB window; the length field shrinks it; a system reset turns it off again', () => {
    const m = platform();
    enableEcam(m);
    expect(m.bus.ecamWindow()).toEqual({ base: ECAM, size: 0x10000000 });
    expect(m.memory.read(ECAM, 4)).toBe(0x29c08086);
    cfgWrite(m, 0, 0, 0, 0x60, 4, 0xe0000000 | (2 << 1) | 1);
    expect(m.bus.ecamWindow()).toEqual({ base: 0xe0000000, size: 0x4000000 });
    m.systemReset();
    expect(m.bus.ecamWindow()).toBeNull();
  });

  it('ECAM and 0xCF8 read the same first 256 bytes of every function; ECAM alone reaches 0x100..0xfff', () => {
    const m = platform();
    enableEcam(m);
    for (const fn of m.functions()) {
      const bus = fn.bdf >>> 8;
      const devfn = fn.bdf & 0xff;
      for (let reg = 0; reg < 0x100; reg += 4) {
        expect(m.memory.read(ECAM + bus * 0x100000 + devfn * 0x1000 + reg, 4)).toBe(cfgRead(m, bus, devfn >>> 3, devfn & 7, reg));
      }
      const extended = m.memory.read(ECAM + bus * 0x100000 + devfn * 0x1000 + 0x100, 4);
      expect(extended).toBe(fn.config.size === 4096 ? fn.configRead(0x100, 4) : 0xffffffff);
    }
    // A write through ECAM is a config write: Command of the endpoint behind the root port.
    m.memory.write(ECAM + 0x100000 + 4, 2, 0x6);
    expect(m.fn(0x100)!.command).toBe(0x6);
    // Unaligned and narrow ECAM reads are pieces of the same bytes.
    expect(m.memory.read(ECAM + 1, 4)).toBe(0x0029c080);
    expect(m.memory.read(ECAM + 2, 2)).toBe(0x29c0);
  });

  it('a missing function and a bus nobody leads to read all ones, through 0xCF8 and ECAM', () => {
    const m = platform();
    enableEcam(m);
    expect(cfgRead(m, 0, 2, 0, 0)).toBe(0xffffffff);
    expect(cfgRead(m, 0, 2, 0, 0, 2)).toBe(0xffff);
    expect(cfgRead(m, 7, 0, 0, 0)).toBe(0xffffffff);
    expect(m.memory.read(ECAM + 7 * 0x100000, 4)).toBe(0xffffffff);
  });
});

describe('bus numbering', () => {
  // [bus, dev, fn, what answers (vendor:device) or null]
  const table: [number, number, number, string | null][] = [
    [0, 0, 0, '8086:29c0'],
    [0, 0x1c, 0, '1b36:000c'],
    [1, 0, 0, '1b36:0010'],
    [1, 0, 1, '1b36:0010'],
    [1, 1, 0, '1b36:0001'],
    [2, 3, 0, '1af4:1000'],
    [2, 0, 0, null],
    [3, 3, 0, null],
  ];
  for (const [bus, dev, fn, expected] of table) {
    it(`${bus}:${dev}.${fn} answers ${expected ?? 'all ones'}`, () => {
      const id = cfgRead(platform(), bus, dev, fn, 0);
      expect(id === 0xffffffff ? null : `${(id & 0xffff).toString(16).padStart(4, '0')}:${(id >>> 16).toString(16).padStart(4, '0')}`).toBe(expected);
    });
  }

  it('the multi-function bit is set on function 0 of a device with more functions, and only there', () => {
    const m = platform();
    expect(cfgRead(m, 1, 0, 0, 0x0c) >>> 16).toBe(0x80);
    expect(cfgRead(m, 1, 0, 1, 0x0c) >>> 16).toBe(0x00);
    expect(cfgRead(m, 0, 0x1c, 0, 0x0c) >>> 16).toBe(0x01);
  });

  it('renumbering a bridge moves what sits behind it; clearing its numbers hides it', () => {
    const m = platform();
    cfgWrite(m, 0, 0x1c, 0, 0x18, 4, 0x00050400);
    expect(cfgRead(m, 4, 0, 0, 0)).toBe(0x00101b36);
    expect(cfgRead(m, 1, 0, 0, 0)).toBe(0xffffffff);
    // The bridge behind it still says bus 2, which is no longer inside 4..5.
    expect(cfgRead(m, 2, 3, 0, 0)).toBe(0xffffffff);
    cfgWrite(m, 4, 1, 0, 0x18, 4, 0x00050504);
    expect(cfgRead(m, 5, 3, 0, 0)).toBe(0x10001af4);
    m.systemReset();
    expect(cfgRead(m, 4, 0, 0, 0)).toBe(0xffffffff);
    expect(cfgRead(m, 0, 0x1c, 0, 0x18)).toBe(0);
  });
});

describe('bridge windows route accesses', () => {
  /** Maps the BAR of the device on bus 2 at `addr` and turns on its memory decoding and bus master. */
  function far(addr: number): Machine {
    const m = platform();
    cfgWrite(m, 2, 3, 0, 0x14, 4, addr);
    cfgWrite(m, 2, 3, 0, 0x04, 2, 0x6);
    cfgWrite(m, 0, 0x1c, 0, 0x04, 2, 0x6);
    cfgWrite(m, 1, 1, 0, 0x04, 2, 0x6);
    return m;
  }
  const vectorControl = (m: Machine, addr: number): [number, number] => [m.memory.read(addr + 0xc, 4), m.memory.lastStatus];

  // [case, BAR address, setup, reachable]
  const cases: [string, number, (m: Machine) => void, boolean][] = [
    ['inside both windows', 0xfe200000, () => undefined, true],
    ['inside the root port window, outside the inner bridge', 0xfe300000, () => undefined, false],
    ['outside every window', 0xfd000000, () => undefined, false],
    ['the root port with memory decoding off', 0xfe200000, (m) => cfgWrite(m, 0, 0x1c, 0, 0x04, 2, 0x4), false],
    ['the inner bridge with memory decoding off', 0xfe200000, (m) => cfgWrite(m, 1, 1, 0, 0x04, 2, 0x4), false],
    ['the inner window moved away', 0xfe200000, (m) => cfgWrite(m, 1, 1, 0, 0x20, 4, 0xfe10fe10), false],
    ['the inner window moved onto it', 0xfe300000, (m) => cfgWrite(m, 1, 1, 0, 0x20, 4, 0xfe30fe30), true],
    ['a window given to the prefetchable range instead', 0xfe200000, (m) => {
      cfgWrite(m, 1, 1, 0, 0x20, 4, 0x0000fff0);
      cfgWrite(m, 1, 1, 0, 0x24, 4, 0xfe20fe20);
    }, true],
  ];
  for (const [name, addr, setup, reachable] of cases) {
    it(`a device behind two bridges, BAR at 0x${addr.toString(16)}: ${name} → ${reachable ? 'reached' : 'unclaimed'}`, () => {
      const m = far(addr);
      setup(m);
      expect(vectorControl(m, addr)).toEqual(reachable ? [1, AccessStatus.Ok] : [0, AccessStatus.Unclaimed]);
    });
  }

  it('I/O BARs go through the I/O window only while the bridge has I/O decoding on', () => {
    const m = platform();
    cfgWrite(m, 1, 0, 1, 0x18, 4, 0x1001);
    cfgWrite(m, 1, 0, 1, 0x04, 2, 0x1);
    const bar = m.fn(0x101)!.bars[2]!;
    expect(bar.mappedAt).toBe(-1);
    cfgWrite(m, 0, 0x1c, 0, 0x04, 2, 0x1);
    expect(bar.mappedAt).toBe(0x1000);
    cfgWrite(m, 0, 0x1c, 0, 0x1c, 2, 0x2020);
    expect(bar.mappedAt).toBe(-1);
  });

  it('N3 upstream: a message from behind a bridge whose Bus Master Enable is clear goes nowhere', () => {
    const m = far(0xfe200000);
    const fn = m.fn(0x218)!;
    cfgWrite(m, 2, 3, 0, 0x04, 2, 0x6);
    m.memory.write(0xfe200000, 4, 0x1000);
    m.memory.write(0xfe200008, 4, 0xab);
    m.memory.write(0xfe20000c, 4, 0);
    cfgWrite(m, 2, 3, 0, fn.msix!.capabilityOffset + 2, 2, 0x8000);
    cfgWrite(m, 1, 1, 0, 0x04, 2, 0x2);
    const from = m.log.total;
    fn.raise(0);
    expect(eventsSince(m.log, from).map((e) => [e.kind, e.detail])).toEqual([['NotifyDropped', DropReason.BusMasterDisabled]]);
    cfgWrite(m, 1, 1, 0, 0x04, 2, 0x6);
    fn.raise(0);
    expect(m.memory.read(0x1000, 4)).toBe(0xab);
  });

  it('a bridge reset clears bus numbers, windows and Bridge Control and keeps the window types', () => {
    const m = platform();
    const rp = m.fn(0xe0) as PciBridge;
    cfgWrite(m, 0, 0x1c, 0, 0x3e, 2, 0xffff);
    expect(cfgRead(m, 0, 0x1c, 0, 0x3e, 2)).toBe(0x0bff);
    m.systemReset();
    expect([rp.secondaryBus, rp.subordinateBus, rp.memoryBase, rp.config.get16(0x3e), rp.config.bytes[0x24]]).toEqual([0, 0, 0, 0, 1]);
  });
});

describe('machine file topology errors name the field', () => {
  const base = (devices: object[]) => loadMachineObject({ platform: 'q35', cpus: 1, devices });
  const cases: [string, object[], string][] = [
    ['a device at the host bridge address', [{ bdf: '00:00.0', name: 'x', vendor: 1, device: 1, class: 0x020000 }], 'devices[0].bdf: 00:00.0 is the q35 host bridge'],
    ['a bridge that is not class 0604', [{ ...ROOT_PORT, class: '0x020000', bridge: { secondary: 1 } }], 'devices[0].class: a PCI-to-PCI bridge has class 0x0604xx'],
    ['a secondary bus above the own', [{ ...ROOT_PORT, bdf: '03:00.0', bridge: { secondary: 2 } }], 'devices[0].bridge.secondary: bus 2 is not below'],
    ['a misaligned memory window', [{ ...ROOT_PORT, bridge: { secondary: 1, memory: { base: '0xfe001000', limit: '0xfe1fffff' } } }], 'devices[0].bridge.memory.base: 0xfe001000 is not a multiple of 0x100000'],
    ['a bridge BAR past slot 1', [{ ...ROOT_PORT, bridge: { secondary: 1 }, bars: [{ index: 2, type: 'mem32', size: '0x1000' }] }], 'devices[0].bars[0].index: a bridge has BAR slots 0 and 1 only'],
    [
      'two bridges claiming the same bus',
      [
        { ...ROOT_PORT, bridge: { secondary: 1 } },
        { ...ROOT_PORT, bdf: '00:1d.0', bridge: { secondary: 1 } },
        { bdf: '01:00.0', name: 'x', vendor: 1, device: 1, class: 0x020000 },
      ],
      'devices[1].bridge.secondary: bus 1 is already reached through the bridge at 00:1c.0',
    ],
  ];
  for (const [name, devices, error] of cases) {
    it(name, () => {
      const built = base(devices);
      expect(built.ok).toBe(false);
      if (!built.ok) expect(built.errors.join('\n')).toContain(error);
    });
  }
});
