import { describe, expect, it } from 'vitest';
import { parseMachineDescription } from '../../src-shared/machine-file/description';
import { importDevices } from '../../src-shared/pci-text/import';
import { parseLspciText, parseSysfsConfig, type LspciDevice } from '../../src-shared/pci-text/lspci-dump';
import { FIXTURES, readFixture } from './fixtures';

function devicesOf(file: string): LspciDevice[] {
  return parseLspciText(readFixture(file)).devices;
}

function msix(vectors: number, capOffset: string, table: [number, string], pba: [number, string]) {
  return { vectors, capOffset, table: { bar: table[0], offset: table[1] }, pba: { bar: pba[0], offset: pba[1] } };
}

/** The MSI-X column of test/fixtures/lspci/SOURCE.md, per device in file order (undefined: no MSI-X). */
const SOURCE_TABLE: Record<string, (ReturnType<typeof msix> | undefined)[]> = {
  'cap-vendor-virtio.txt': [msix(3, '0x84', [1, '0x0'], [1, '0x800']), msix(3, '0x40', [0, '0x0'], [0, '0x2000'])],
  'cap-dev3.txt': [msix(16, '0xb0', [0, '0x2000'], [0, '0x2100'])],
  'cap-aer-root.txt': [undefined, msix(256, '0x9c', [0, '0x7c000'], [0, '0x7d000'])],
  'cap-pcie-2.txt': [msix(10, '0x70', [3, '0x0'], [3, '0x2000'])],
  'cap-doe.txt': [msix(2, '0x40', [4, '0x0'], [4, '0x800'])],
  'cap-ea-1.txt': [msix(10, '0x80', [4, '0x0'], [4, '0xf0000'])],
  // 53 functions; MSI-X on the SAS2008 (04:00.0) and the two RTL8111s (07:00.0, 08:00.0).
  'tree-asus-p6t6.txt': Array.from({ length: 53 }, (_, i) =>
    i === 29 ? msix(15, '0xc0', [1, '0x2000'], [1, '0x3800']) : i === 32 || i === 33 ? msix(2, '0xb0', [4, '0x0'], [4, '0x800']) : undefined,
  ),
  // Domain 0000: the ASUS board's NF200 subtree; domain 0001: the q35 system's root port 00:1c.6 and the XIO3130 subtree behind it.
  'tree-two-domains.txt': Array.from({ length: 13 }, (_, i) =>
    i === 5 ? msix(15, '0xc0', [1, '0x2000'], [1, '0x3800']) : i === 7 ? msix(1, '0x48', [0, '0x0'], [0, '0x800']) : i === 12 ? msix(65, '0x40', [0, '0x2000'], [0, '0x3000']) : undefined,
  ),
  'tree-qemu-q35.txt': [
    undefined,
    undefined,
    undefined,
    msix(2, '0x98', [1, '0x0'], [1, '0x800']),
    undefined,
    undefined,
    undefined,
    msix(1, '0x48', [0, '0x0'], [0, '0x800']),
    msix(1, '0x48', [0, '0x0'], [0, '0x800']),
    msix(1, '0x48', [0, '0x0'], [0, '0x800']),
    msix(1, '0x48', [0, '0x0'], [0, '0x800']),
    msix(1, '0x48', [0, '0x0'], [0, '0x800']),
    msix(1, '0x48', [0, '0x0'], [0, '0x800']),
    msix(1, '0x48', [0, '0x0'], [0, '0x800']),
    msix(1, '0x48', [0, '0x0'], [0, '0x800']),
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    msix(5, '0xa0', [3, '0x0'], [3, '0x2000']),
    msix(65, '0x40', [0, '0x2000'], [0, '0x3000']),
    msix(4, '0xdc', [1, '0x0'], [1, '0x800']),
    msix(16, '0x90', [0, '0x3000'], [0, '0x3800']),
    msix(2, '0xdc', [1, '0x0'], [1, '0x800']),
    undefined,
    undefined,
    undefined,
    undefined,
    msix(4, '0x98', [1, '0x0'], [1, '0x800']),
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    msix(65, '0x40', [0, '0x2000'], [0, '0x3000']),
    msix(25, '0x9c', [2, '0x0'], [2, '0x1000']),
  ],
};

/** A type 0 endpoint with the given BAR registers and an MSI-X capability at 0x40. */
function endpoint(bars: Record<number, number>, vectors: number, table: number, pba: number): Uint8Array {
  const config = new Uint8Array(256);
  const view = new DataView(config.buffer);
  view.setUint32(0x00, 0x10001af4, true);
  view.setUint16(0x06, 0x0010, true);
  config[0x0b] = 0x02;
  config[0x34] = 0x40;
  for (const [index, value] of Object.entries(bars)) view.setUint32(0x10 + 4 * Number(index), value, true);
  config[0x40] = 0x11;
  view.setUint16(0x42, vectors - 1, true);
  view.setUint32(0x44, table, true);
  view.setUint32(0x48, pba, true);
  return config;
}

function sysfsDevice(config: Uint8Array, bdf = '0000:00:03.0'): LspciDevice {
  const [device] = parseSysfsConfig(config, bdf).devices;
  if (!device) throw new Error('blob refused');
  return device;
}

describe('import from real dumps', () => {
  for (const file of FIXTURES) {
    it(`${file}: the MSI-X layout of every device matches SOURCE.md and lspci's own decode`, () => {
      const devices = devicesOf(file);
      const { description } = importDevices(devices);
      expect(description.devices?.map((d) => d.msix)).toEqual(SOURCE_TABLE[file]);
      devices.forEach((device, i) => {
        const said = device.msixText;
        const got = description.devices?.[i]?.msix;
        if (!said || !got || !('table' in got)) return expect(said === undefined && got === undefined).toBe(true);
        expect([got.vectors, got.capOffset, got.table.bar, got.table.offset, got.pba.bar, got.pba.offset]).toEqual([
          said.vectors,
          `0x${said.capOffset.toString(16)}`,
          said.table?.bir,
          `0x${said.table?.offset.toString(16)}`,
          said.pba?.bir,
          `0x${said.pba?.offset.toString(16)}`,
        ]);
      });
    });

    it(`${file}: the description passes the machine file schema`, () => {
      const result = parseMachineDescription(importDevices(devicesOf(file)).description);
      expect(result.ok ? [] : result.errors).toEqual([]);
    });
  }

  it('fills IDs, 24-bit class, revision, subsystem, pin, config bytes and BARs with their dump sizes', () => {
    const { description, warnings } = importDevices(devicesOf('cap-vendor-virtio.txt'));
    expect(warnings).toEqual([]);
    expect(description.cpus).toBe(4);
    expect(description.ram).toEqual([{ base: '0x0', size: '0x8000000' }]);
    const [net, fs] = description.devices ?? [];
    expect(net).toMatchObject({
      bdf: '00:09.0',
      name: 'red-hat-inc-virtio-network-device',
      vendor: '0x1af4',
      device: '0x1000',
      class: '0x20000',
      revision: '0x0',
      subsystemVendor: '0x1af4',
      subsystem: '0x1',
      interruptPin: 1,
      bars: [
        { index: 0, type: 'io', size: '0x20' },
        { index: 1, type: 'mem32', size: '0x1000', prefetchable: false },
        { index: 2, type: 'mem32', size: '0x80000', prefetchable: false },
      ],
    });
    expect(net?.pcie).toBeUndefined();
    expect(net?.config).toHaveLength(512);
    expect(net?.config?.slice(0, 16)).toBe('f41a001007051000');
    expect(fs?.bars).toEqual([
      { index: 0, type: 'mem32', size: '0x4000', prefetchable: false },
      { index: 2, type: 'mem64', size: '0x40000000', prefetchable: true },
    ]);
    expect(fs).toMatchObject({ name: 'red-hat-inc-virtio-file-system', class: '0x18000', revision: '0x1' });
  });

  it('a 4096-byte image is PCIe; a device of another domain keeps its domain, which gets an ECAM window', () => {
    const { description, warnings } = importDevices(devicesOf('cap-ea-1.txt'));
    expect(description.devices?.[0]).toMatchObject({ bdf: '0002:01:00.0', pcie: true });
    expect(description.devices?.[0]?.config).toHaveLength(8192);
    expect(description.domains).toEqual([{ domain: 2, ecam: '0x4000000000' }]);
    expect(warnings.filter((w) => /domain|moved/.test(w))).toEqual([]);
  });

  it('devices of several domains: each keeps its address, the same bus/dev.fn in two domains included, and each extra domain gets its own window', () => {
    const { description, warnings } = importDevices(devicesOf('tree-two-domains.txt'));
    expect(description.devices?.map((d) => d.bdf).filter((b) => b.endsWith('00:00.0'))).toEqual(['00:00.0', '0001:00:00.0']);
    expect(description.domains).toEqual([{ domain: 1, ecam: '0x4000000000' }]);
    expect(warnings.filter((w) => /moved|left out/.test(w))).toEqual([]);
  });

  it('every device keeps its address, a bridge stays a bridge, and only a repeated address moves to a free bus 0 slot', () => {
    const [port, nic] = devicesOf('cap-aer-root.txt');
    const [dev3] = devicesOf('cap-dev3.txt');
    if (!port || !nic || !dev3) throw new Error('devices missing');
    const { description, warnings } = importDevices([nic, dev3, port, dev3]);
    expect(description.devices?.map((d) => d.bdf)).toEqual(['03:00.0', '01:00.0', '00:02.0', '00:01.0']);
    expect(warnings).toContain('01:00.0: moved to 00:01.0: its address is already taken by an earlier device');
    expect(warnings.some((w) => w.includes('header type'))).toBe(false);
  });

  it('the same device twice gets a second slot and a unique name', () => {
    const [net] = devicesOf('cap-vendor-virtio.txt');
    if (!net) throw new Error('device missing');
    const { description, warnings } = importDevices([net, net]);
    expect(description.devices?.map((d) => [d.bdf, d.name])).toEqual([
      ['00:09.0', 'red-hat-inc-virtio-network-device'],
      ['00:01.0', 'red-hat-inc-virtio-network-device-2'],
    ]);
    expect(warnings).toEqual(['00:09.0: moved to 00:01.0: its address is already taken by an earlier device']);
  });

  it('BARs without [size=..] get the 4 KiB default with a warning, grown to hold the MSI-X structures', () => {
    const [, nic] = devicesOf('cap-aer-root.txt');
    if (!nic) throw new Error('device missing');
    const { description, warnings } = importDevices([nic]);
    expect(description.devices?.[0]?.bars).toEqual([
      { index: 0, type: 'mem32', size: '0x80000', prefetchable: false, sizeAssumed: true },
      { index: 2, type: 'mem32', size: '0x1000', prefetchable: false, sizeAssumed: true },
    ]);
    expect(warnings).toEqual([
      '03:00.0: BAR 0 has no [size=..] in the dump; using the default 0x1000',
      '03:00.0: BAR 2 has no [size=..] in the dump; using the default 0x1000',
      '03:00.0: BAR 0 default size grown to 0x80000 to hold the MSI-X structures in it',
    ]);
  });

  it('caller-given default sizes are used as given, and a table outside its BAR is an I3 warning', () => {
    const [, nic] = devicesOf('cap-aer-root.txt');
    if (!nic) throw new Error('device missing');
    const { description, warnings } = importDevices([nic], { barSizeDefaults: { 0: 0x4000, 2: 0x800000 } });
    expect(description.devices?.[0]?.bars?.map((b) => b.size)).toEqual(['0x4000', '0x800000']);
    expect(warnings).toContain('03:00.0: BAR 0 has no [size=..] in the dump; using the given default 0x4000');
    expect(warnings).toContain('03:00.0: MSI-X table (BAR 0, 0x7c000..0x7d000) lies outside BAR 0 (size 0x4000)');
    expect(warnings).toContain('03:00.0: MSI-X PBA (BAR 0, 0x7d000..0x7d020) lies outside BAR 0 (size 0x4000)');
    expect(description.devices?.[0]?.msix).toEqual(msix(256, '0x9c', [0, '0x7c000'], [0, '0x7d000']));
  });

  it('an Enhanced Allocation device gets its BARs from the [virtual] region lines', () => {
    const { description, warnings } = importDevices(devicesOf('cap-ea-1.txt'));
    expect(description.devices?.[0]?.bars).toEqual([
      { index: 0, type: 'mem32', size: '0x40000000', prefetchable: false, virtualAddress: '0x843000000000' },
      { index: 4, type: 'mem32', size: '0x100000', prefetchable: false, virtualAddress: '0x843060000000' },
    ]);
    expect(warnings).toContain("0002:01:00.0: BAR 4 register reads 0; its type comes from lspci's region line (line 7)");
    expect(warnings.filter((w) => w.includes('MSI-X'))).toEqual([]);
  });
});

describe('import of MSI-X layouts rule I3 refuses', () => {
  it('table and PBA overlapping in one BAR: imported, with a warning giving both ranges', () => {
    const config = endpoint({ 0: 0xfe000000 }, 256, 0x0, 0x800);
    const { description, warnings } = importDevices([sysfsDevice(config, '0000:00:03.0')], { barSizeDefaults: { 0: 0x4000 } });
    expect(warnings).toContain('0000:00:03.0: MSI-X table (BAR 0, 0x0..0x1000) overlaps PBA (BAR 0, 0x800..0x820)');
    expect(description.devices?.[0]?.msix).toEqual(msix(256, '0x40', [0, '0x0'], [0, '0x800']));
  });

  it('a BIR naming an unimplemented BAR, or the upper half of a 64-bit BAR: imported, with a warning', () => {
    const missing = endpoint({ 0: 0xfe000000 }, 4, 0x3, 0x3 | 0x800);
    expect(importDevices([sysfsDevice(missing)], { barSizeDefaults: { 0: 0x1000 } }).warnings).toEqual([
      '0000:00:03.0: BAR 0 has no [size=..] in the dump; using the given default 0x1000',
      '0000:00:03.0: MSI-X table (BAR 3, 0x0..0x40) names BAR 3, which the device does not implement',
      '0000:00:03.0: MSI-X PBA (BAR 3, 0x800..0x808) names BAR 3, which the device does not implement',
    ]);
    const upper = endpoint({ 0: 0xfe00000c, 1: 0 }, 4, 0x1, 0x0 | 0x800);
    expect(importDevices([sysfsDevice(upper)], { barSizeDefaults: { 0: 0x1000 } }).warnings).toContain(
      '0000:00:03.0: MSI-X table (BAR 1, 0x0..0x40) names BAR 1, the upper half of 64-bit BAR 0',
    );
  });

  it('a BIR of 6 or 7 cannot be described: MSI-X is left out with a warning', () => {
    const config = endpoint({ 0: 0xfe000000 }, 4, 0x7, 0x800);
    const { description, warnings } = importDevices([sysfsDevice(config)], { barSizeDefaults: { 0: 0x1000 } });
    expect(description.devices?.[0]?.msix).toBeUndefined();
    expect(warnings).toContain('0000:00:03.0: MSI-X table (BAR 7, 0x0..0x40): BIR 7 names no BAR (BARs are 0-5); MSI-X left out of the description');
  });

  it('a layout that fits gives no MSI-X warning', () => {
    const config = endpoint({ 1: 0xfe000000 }, 3, 0x1, 0x1 | 0x800);
    const { warnings } = importDevices([sysfsDevice(config)], { barSizeDefaults: { 1: 0x1000 } });
    expect(warnings).toEqual(['0000:00:03.0: BAR 1 has no [size=..] in the dump; using the given default 0x1000']);
  });

  it('a BAR size that is not a power of two is a warning', () => {
    const config = endpoint({ 1: 0xfe000000 }, 3, 0x1, 0x1 | 0x800);
    expect(importDevices([sysfsDevice(config)], { barSizeDefaults: { 1: 0x1800 } }).warnings).toContain(
      '0000:00:03.0: BAR 1 size 0x1800 is not a power of two of at least 16 bytes',
    );
  });
});
