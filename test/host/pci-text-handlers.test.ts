import { describe, expect, it } from 'vitest';
import { Buffer } from 'node:buffer';
import { NIC, PLAIN, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import type { AppHost } from '../../src-main/host/app-host';
import type { SessionClient } from '../../src-main/host/machine-session';
import type { DumpFileData } from '../../src-shared/pci-text/dump-file';
import { encodeDumpFile } from '../../src-shared/pci-text/dump-file';
import { fixtureBlocks, hexRows, readFixture } from '../pci-text/fixtures';
import { Origin } from '../../src-shared/timeline/event-kinds';

const VIRTIO_TEXT = readFixture('cap-vendor-virtio.txt');
const textFile = (name: string, text: string): DumpFileData => ({ name, encoding: 'text', text });
const VIRTIO = textFile('cap-vendor-virtio.txt', VIRTIO_TEXT);

/** The virtio-net device of the fixture as its sysfs config file: bytes only, no BAR sizes. */
function sysfsConfig(): Uint8Array {
  const bytes = new Uint8Array(256);
  hexRows(fixtureBlocks(VIRTIO_TEXT)[0]!).forEach((row, r) => row.slice(4).split(' ').forEach((b, i) => (bytes[r * 16 + i] = Number.parseInt(b, 16))));
  return bytes;
}
const SYSFS = encodeDumpFile('/sys/bus/pci/devices/0000:00:07.0/config', sysfsConfig());

/** Everything an import could change in the running machine. */
function running(host: AppHost): unknown {
  const m = host.session.machine;
  return { machine: m, name: host.session.name, total: m.log.total, config: m.functions().map((fn) => Array.from(fn.config.bytes)) };
}

function recorder(host: AppHost): string[] {
  const got: string[] = [];
  const client: SessionClient = { ready: () => true, send: (stream) => void got.push(stream) };
  host.session.attach(client);
  return got;
}

describe('inspectDumps', () => {
  it('lists the devices an lspci dump would become, with nothing to ask when every BAR size is given', () => {
    const host = hostWith(TWO_DEVICES);
    const before = running(host);
    const inspection = value(host.dispatch('inspectDumps', { files: [VIRTIO] }));
    expect(inspection.devices).toEqual([
      { address: '00:09.0', name: 'red-hat-inc-virtio-network-device', title: 'Red Hat, Inc Virtio network device', msixVectors: 3 },
      { address: '00:04.0', name: 'red-hat-inc-virtio-file-system', title: 'Red Hat, Inc. Virtio file system', msixVectors: 3 },
    ]);
    expect(inspection.assumedBars).toEqual([]);
    expect(running(host)).toEqual(before);
  });

  it('lists the BARs a sysfs config file gives no size for, with the default the import would use', () => {
    const host = hostWith(TWO_DEVICES);
    expect(SYSFS.encoding).toBe('base64');
    const inspection = value(host.dispatch('inspectDumps', { files: [SYSFS] }));
    expect(inspection.devices.map((d) => d.address)).toEqual(['00:07.0']);
    expect(inspection.assumedBars).toEqual([
      { address: '00:07.0', device: 'device-1af4-1000', index: 0, type: 'io', size: 32 },
      { address: '00:07.0', device: 'device-1af4-1000', index: 1, type: 'mem32', size: 0x1000 },
      { address: '00:07.0', device: 'device-1af4-1000', index: 2, type: 'mem32', size: 0x1000 },
    ]);
    expect(inspection.warnings).toContain('00:07.0: BAR 2 has no [size=..] in the dump; using the default 0x1000');
  });
});

describe('importDumps', () => {
  it("starts imported vectors in use (as a driver would) unless asked for QEMU's none-in-use", () => {
    const useCounts = (vectorsInUse?: 'all' | 'none') => {
      const host = hostWith(TWO_DEVICES);
      value(host.dispatch('importDumps', { files: [VIRTIO], ...(vectorsInUse === undefined ? {} : { vectorsInUse }) }));
      return host.session.machine.functions().map((fn) => Array.from(fn.msix!.useCount));
    };
    expect(useCounts()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(useCounts('all')).toEqual(useCounts());
    expect(useCounts('none')).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const host = hostWith(TWO_DEVICES);
    expect(host.dispatch('importDumps', { files: [VIRTIO], vectorsInUse: 'some' as 'all' })).toEqual({ ok: false, error: "importDumps.vectorsInUse: must be 'all' or 'none'" });
  });

  it('a dump of two PCI domains loads whole; the app, whose requests name bus/dev.fn, lists domain 0000', () => {
    const host = hostWith(TWO_DEVICES);
    const result = value(host.dispatch('importDumps', { files: [textFile('tree-two-domains.txt', readFixture('tree-two-domains.txt'))] }));
    expect(result.devices).toBe(13);
    const devices = value(host.dispatch('listDevices', {}));
    expect(devices.map((d) => d.address)).toEqual(['00:00.0', '00:03.0', '02:00.0', '03:00.0', '03:02.0', '04:00.0']);
  });

  it('loads the imported machine in place of the running one, with live MSI-X engines where the dump put them', () => {
    const host = hostWith(TWO_DEVICES);
    const streams = recorder(host);
    const result = value(host.dispatch('importDumps', { files: [VIRTIO] }));
    expect(result.devices).toBe(2);
    expect(result.status).toMatchObject({ name: 'imported from cap-vendor-virtio.txt', preset: null, devices: 2 });
    expect(streams).toContain('machineLoaded');
    const devices = value(host.dispatch('listDevices', {}));
    expect(devices.map((d) => d.address)).toEqual(['00:04.0', '00:09.0']);
    expect(devices[1]).toMatchObject({ vendor: 0x1af4, device: 0x1000, msix: { vectors: 3, capOffset: 0x84, tableBar: 1, tableOffset: 0, pbaBar: 1, pbaOffset: 0x800 } });
    expect(devices[1]!.bars.map((b) => [b.index, b.size, b.mappedAt])).toEqual([
      [0, 32, 0xc060],
      [1, 0x1000, 0xfebd6000],
      [2, 0x80000, 0xfea00000],
    ]);
    // Dumped Enable+ Masked-: the engine is live, so a table write at the dumped BAR 1 address takes effect.
    const snap = value(host.dispatch('vectorSnapshot', { bdf: 0x48 }));
    expect(snap).toMatchObject({ enabled: true, functionMask: false, tableAddress: 0xfebd6000 });
  });

  it('uses the BAR sizes the user gave and says so in the warnings', () => {
    const host = hostWith(TWO_DEVICES);
    const result = value(host.dispatch('importDumps', { files: [SYSFS], barSizes: [{ index: 2, size: 0x80000 }] }));
    expect(result.warnings).toContain('00:07.0: BAR 2 has no [size=..] in the dump; using the given default 0x80000');
    expect(result.status.name).toBe('imported from 0000:00:07.0/config');
    const bars = value(host.dispatch('listDevices', {}))[0]!.bars;
    expect(bars.map((b) => [b.index, b.size])).toEqual([
      [0, 32],
      [1, 0x1000],
      [2, 0x80000],
    ]);
  });

  it('I3: imports a table overlapping the PBA with a warning naming it', () => {
    const host = hostWith(TWO_DEVICES);
    // PBA offset/BIR at 0x8c: BAR 1 offset 0x10, inside the 3-entry table.
    const bad = VIRTIO_TEXT.replace('80: 00 10 00 00 11 70 02 80 01 00 00 00 01 08 00 00', '80: 00 10 00 00 11 70 02 80 01 00 00 00 11 00 00 00');
    expect(bad).not.toBe(VIRTIO_TEXT);
    const result = value(host.dispatch('importDumps', { files: [textFile('bad.txt', bad)] }));
    expect(result.warnings.join('\n')).toMatch(/00:09\.0: MSI-X table \(BAR 1, 0x0\.\.0x30\) overlaps PBA/);
  });

  const BAD_IMPORTS: [string, unknown, string][] = [
    ['no files', { files: [] }, 'importDumps.files: no files to import'],
    ['an unknown encoding', { files: [{ name: 'a', encoding: 'gzip', text: '' }] }, "importDumps.files[0].encoding: must be 'text' (lspci output) or 'base64' (a sysfs config file)"],
    ['bad base64', { files: [{ name: 'config', encoding: 'base64', base64: 'ab!d' }] }, 'importDumps.files[0].base64: expected the file bytes in base64'],
    ['text where base64 belongs', { files: [{ name: 'config', encoding: 'base64', text: 'x' }] }, 'importDumps.files[0].base64: expected the file bytes in base64'],
    ['a nameless file', { files: [{ name: '', encoding: 'text', text: VIRTIO_TEXT }] }, 'importDumps.files[0].name: a file name is empty'],
    ['a BAR index twice', { files: [VIRTIO], barSizes: [{ index: 1, size: 16 }, { index: 1, size: 32 }] }, 'importDumps.barSizes: a BAR index is given twice'],
    ['a BAR index past 5', { files: [VIRTIO], barSizes: [{ index: 6, size: 16 }] }, 'importDumps.barSizes[0].index: a BAR index above 0x5'],
    ['a zero BAR size', { files: [VIRTIO], barSizes: [{ index: 1, size: 0 }] }, 'importDumps.barSizes[0].size: a BAR size below 1'],
    ['an extra key', { files: [VIRTIO], replace: false }, 'importDumps: Unrecognized key: "replace"'],
    ['unreadable text', { files: [textFile('junk.txt', 'this is not lspci output\n')] }, 'importDumps.files: no device could be read: junk.txt: error:'],
    [
      'a BAR size the machine cannot build',
      { files: [SYSFS], barSizes: [{ index: 1, size: 0x1800 }] },
      'importDumps.files: the imported machine does not load, the running machine is unchanged: devices[0].bars[1].size: 0x1800 is not a power of two >= 16',
    ],
  ];

  it.each(BAD_IMPORTS)('refuses %s with a clear error, and the running machine stays as it was', (_what, params, error) => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    const streams = recorder(host);
    const before = running(host);
    const reply = host.dispatch('importDumps', params);
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error.startsWith(error), !reply.ok ? reply.error : '').toBe(true);
    expect(running(host)).toEqual(before);
    expect(streams).not.toContain('machineLoaded');
  });

  it('inspectDumps refuses what importDumps refuses', () => {
    const host = hostWith(TWO_DEVICES);
    expect(host.dispatch('inspectDumps', { files: [] })).toEqual({ ok: false, error: 'inspectDumps.files: no files to import' });
    const junk = host.dispatch('inspectDumps', { files: [textFile('junk.txt', 'nothing here')] });
    expect(!junk.ok && junk.error).toMatch(/^inspectDumps\.files: no device could be read: junk\.txt: error: /);
  });
});

describe('setpci', () => {
  it('a line without -s applies to the selected device, as the user', () => {
    const host = hostWith(TWO_DEVICES);
    const wrote = value(host.dispatch('setpci', { line: 'setpci COMMAND=0x0006', bdf: NIC }));
    expect(wrote).toEqual({ command: 'setpci -s 00:03.0 COMMAND=0x0006', output: [], errors: [], notes: [], exitCode: 0 });
    const m = host.session.machine;
    expect(m.fn(NIC)!.config.read(4, 2)).toBe(0x0006);
    const log = m.log;
    expect(log.origin[log.indexOf(log.total - 1)]).toBe(Origin.User);
  });

  it('C4: value:mask writes the Function Mask bit alone; reads print the value', () => {
    const host = hostWith(TWO_DEVICES);
    bringUpNic(host);
    value(host.dispatch('setpci', { line: 'CAP_MSIX+2.w=0xc000:0xc000', bdf: NIC }));
    expect(host.session.machine.fn(NIC)!.msix!.functionMaskBit).toBe(true);
    expect(value(host.dispatch('setpci', { line: '0x84.l', bdf: NIC })).output).toEqual(['c0020011']);
    expect(value(host.dispatch('setpci', { line: '-s 00:05.0 VENDOR_ID DEVICE_ID', bdf: NIC }))).toMatchObject({ command: 'setpci -s 00:05.0 VENDOR_ID DEVICE_ID', output: ['8086', '1234'] });
    expect(value(host.dispatch('setpci', { line: '-v -d 1af4: STATUS' }))).toMatchObject({ output: ['0000:00:03.0 @06 = 0010'], exitCode: 0 });
    // Leading options stay in front of the filled-in device.
    expect(value(host.dispatch('setpci', { line: '-v STATUS', bdf: PLAIN }))).toMatchObject({ command: 'setpci -v -s 00:05.0 STATUS', output: ['0000:00:05.0 @06 = 0000'] });
  });

  it("answers mistakes in setpci's words, and writes nothing", () => {
    const host = hostWith(TWO_DEVICES);
    const before = running(host);
    expect(value(host.dispatch('setpci', { line: 'COMMAND=6 BOGUS', bdf: PLAIN }))).toEqual({
      command: 'setpci -s 00:05.0 COMMAND=6 BOGUS',
      output: [],
      errors: ['setpci: Unknown register "BOGUS".', "Try `setpci --help' for more information."],
      notes: [],
      exitCode: 1,
    });
    expect(value(host.dispatch('setpci', { line: 'COMMAND' })).errors[0]).toBe('setpci: Filter specification expected.');
    expect(running(host)).toEqual(before);
  });

  it.each([
    [{ line: 'COMMAND\nCOMMAND=0', bdf: NIC }, 'setpci.line: one line, without line breaks'],
    [{ line: 'COMMAND', bdf: 0x20 }, 'setpci.bdf: no device at 00:04.0'],
    [{ line: 'COMMAND', bdf: -1 }, 'setpci.bdf: a bus/device/function number below 0'],
    [{ bdf: NIC }, 'setpci.line: Invalid input'],
  ])('refuses %j naming the field', (params, error) => {
    const host = hostWith(TWO_DEVICES);
    const before = running(host);
    const reply = host.dispatch('setpci', params);
    expect(!reply.ok && reply.error.startsWith(error), !reply.ok ? reply.error : '').toBe(true);
    expect(running(host)).toEqual(before);
  });
});

it('the base64 a file travels in decodes to its bytes', () => {
  expect(SYSFS.encoding === 'base64' && Buffer.from(SYSFS.base64, 'base64')).toEqual(Buffer.from(sysfsConfig()));
});
