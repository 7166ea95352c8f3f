import { describe, expect, it } from 'vitest';
import { bytesReader, capabilitiesOf, decodeBars, decodeHeader, findMsix, walkExtendedCapabilities } from '../../src-shared/pci-text/config-decode';
import { parseLspciText } from '../../src-shared/pci-text/lspci-dump';
import { readFixture } from './fixtures';

function fixtureConfig(file: string, index = 0): Uint8Array {
  const device = parseLspciText(readFixture(file)).devices[index];
  if (!device) throw new Error(`no device ${index} in ${file}`);
  return device.config;
}

function withCapabilities(caps: readonly (readonly [offset: number, bytes: readonly number[]])[]): Uint8Array {
  const config = new Uint8Array(256);
  config[0x06] = 0x10;
  config[0x34] = caps[0]?.[0] ?? 0;
  for (const [offset, bytes] of caps) config.set(bytes, offset);
  return config;
}

describe('header and BAR decoding', () => {
  it('reads IDs, class, command and status of virtio-net', () => {
    const h = decodeHeader(fixtureConfig('cap-vendor-virtio.txt'));
    expect(h).toMatchObject({ vendor: 0x1af4, device: 0x1000, command: 0x0507, status: 0x0010, classDevice: 0x0200, progIf: 0, revision: 0, headerType: 0 });
    expect(h).toMatchObject({ subsystemVendor: 0x1af4, subsystem: 0x0001, interruptPin: 1, interruptLine: 10 });
  });

  it('decodes I/O and 32-bit memory BARs with their addresses', () => {
    expect(decodeBars(fixtureConfig('cap-vendor-virtio.txt'))).toEqual({
      bars: [
        { index: 0, kind: 'io', oddType: undefined, prefetchable: false, address: 0xc060n, register: 0xc061 },
        { index: 1, kind: 'mem32', oddType: undefined, prefetchable: false, address: 0xfebd6000n, register: 0xfebd6000 },
        { index: 2, kind: 'mem32', oddType: undefined, prefetchable: false, address: 0xfea00000n, register: 0xfea00000 },
      ],
      warnings: [],
    });
  });

  it('a 64-bit BAR takes two slots and its address spans both', () => {
    const { bars } = decodeBars(fixtureConfig('cap-vendor-virtio.txt', 1));
    expect(bars.map((b) => [b.index, b.kind, b.prefetchable, b.address])).toEqual([
      [0, 'mem32', false, 0xa0008000n],
      [2, 'mem64', true, 0x200000000n],
    ]);
  });

  it('a 64-bit BAR in the last slot is refused with a warning; a bridge has two BAR slots', () => {
    const config = new Uint8Array(256);
    config.set([0x04, 0, 0, 0xe0], 0x24);
    expect(decodeBars(config)).toEqual({ bars: [], warnings: ['BAR 5 is 64-bit but there is no register after it for the upper half; ignored'] });
    config[0x0e] = 0x01;
    config.set([0x00, 0, 0, 0xe0], 0x18);
    expect(decodeBars(config).bars).toEqual([]);
  });

  it('memory types 01 and 11 decode as 32-bit, marked', () => {
    const config = new Uint8Array(256);
    config.set([0x02, 0, 0x0d, 0], 0x10);
    config.set([0x0e, 0, 0, 0xe0], 0x14);
    expect(decodeBars(config).bars.map((b) => [b.kind, b.oddType, b.prefetchable])).toEqual([
      ['mem32', 'low-1M', false],
      ['mem32', 'type 3', true],
    ]);
  });
});

describe('capability chain walk', () => {
  it('follows the standard chain in link order', () => {
    expect(capabilitiesOf(fixtureConfig('cap-vendor-virtio.txt')).standard.entries.map((c) => [c.offset, c.id])).toEqual([
      [0x84, 0x11],
      [0x70, 0x09],
      [0x60, 0x09],
      [0x50, 0x09],
      [0x40, 0x09],
    ]);
  });

  it('walks extended capabilities of a 4096-byte image, with versions', () => {
    const caps = capabilitiesOf(fixtureConfig('cap-aer-root.txt', 1));
    expect(caps.extended.entries.map((c) => [c.offset, c.id, c.version])).toEqual([
      [0x100, 0x0e, 1],
      [0x148, 0x03, 1],
      [0x154, 0x01, 2],
      [0x18c, 0x19, 1],
    ]);
    expect(caps.warnings).toEqual([]);
  });

  it('a 256-byte image has no extended chain', () => {
    expect(capabilitiesOf(fixtureConfig('cap-vendor-virtio.txt')).extended.entries).toEqual([]);
  });

  it('stops on a standard loop, a broken entry and a pointer into the header, with a warning each', () => {
    const loop = capabilitiesOf(withCapabilities([[0x40, [0x01, 0x48]], [0x48, [0x05, 0x40]]]));
    expect(loop.standard.entries.map((c) => c.offset)).toEqual([0x40, 0x48]);
    expect(loop.standard.end).toEqual({ kind: 'looped', at: 0x40 });
    expect(loop.warnings).toEqual(['capability chain loops: [48] points back to [40]; walk stopped']);

    const selfLoop = capabilitiesOf(withCapabilities([[0x40, [0x01, 0x40]]]));
    expect(selfLoop.warnings).toEqual(['capability chain loops: [40] points back to [40]; walk stopped']);

    const broken = capabilitiesOf(withCapabilities([[0x40, [0x01, 0x50]], [0x50, [0xff, 0xff]]]));
    expect(broken.standard.end).toEqual({ kind: 'broken', at: 0x50 });
    expect(broken.warnings).toEqual(['capability chain broken at [50]: ID 0xff (the function reads as all ones)']);

    const intoHeader = capabilitiesOf(withCapabilities([[0x40, [0x01, 0x10]]]));
    expect(intoHeader.warnings).toEqual(['capability chain: [40] points to 0x10, inside the standard header; walk stopped']);
  });

  it('stops on an extended loop and on a next pointer below 0x100', () => {
    const config = new Uint8Array(4096);
    config.set([0x01, 0x00, 0x01, 0x14], 0x100);
    config.set([0x03, 0x00, 0x01, 0x10], 0x140);
    const loop = walkExtendedCapabilities(bytesReader(config));
    expect(loop.entries.map((c) => c.offset)).toEqual([0x100, 0x140]);
    expect(loop.warnings).toEqual(['extended capability chain loops: [140] points back to [100]; walk stopped']);

    config.set([0x03, 0x00, 0x01, 0x04], 0x140);
    expect(walkExtendedCapabilities(bytesReader(config)).warnings).toEqual(['extended capability chain: [140] points to 0x40, below 0x100; walk stopped']);
  });

  it('ignores the pointer when the Status register has no capability list', () => {
    const config = withCapabilities([[0x40, [0x11, 0x00]]]);
    config[0x06] = 0;
    expect(findMsix(config)).toEqual({ msix: undefined, warnings: [] });
  });
});

describe('MSI-X capability decode', () => {
  it('reads enable, function mask, table size, BIRs and offsets', () => {
    expect(findMsix(fixtureConfig('cap-aer-root.txt', 1))).toEqual({
      msix: { capOffset: 0x9c, control: 0x80ff, enabled: true, functionMasked: false, vectors: 256, table: { bir: 0, offset: 0x7c000 }, pba: { bir: 0, offset: 0x7d000 } },
      warnings: [],
    });
    const masked = withCapabilities([[0x40, [0x11, 0x00, 0x07, 0x47, 0x05, 0x00, 0x00, 0x00, 0x05, 0x10, 0x00, 0x00]]]);
    expect(findMsix(masked).msix).toMatchObject({ enabled: false, functionMasked: true, vectors: 0x708, table: { bir: 5, offset: 0 }, pba: { bir: 5, offset: 0x1000 } });
  });

  it('uses the first of two MSI-X capabilities, with a warning', () => {
    const config = withCapabilities([[0x40, [0x11, 0x50, 0x00, 0x00]], [0x50, [0x11, 0x00, 0x01, 0x00]]]);
    const found = findMsix(config);
    expect(found.msix?.capOffset).toBe(0x40);
    expect(found.warnings).toEqual(['more than one MSI-X capability ([40], [50]); using [40]']);
  });

  it('refuses a capability that would run past 0xff', () => {
    expect(findMsix(withCapabilities([[0xf8, [0x11, 0x00]]]))).toEqual({ msix: undefined, warnings: ['MSI-X capability at [f8] runs past 0xff; ignored'] });
  });
});
