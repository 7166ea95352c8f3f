// Machine files: every invalid field is refused with an error naming its JSON path,
// nothing is built, and the shipped presets load.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMachineObject, loadMachineText } from '../../src-main/machine/machine-builder';

const MACHINES = join(__dirname, '../../machines');

/** Test inputs are deliberately malformed, so they are untyped. */
type Desc = any;

function valid(): Desc {
  return {
    cpus: 2,
    ram: [{ base: '0x0', size: '0x100000' }],
    devices: [
      {
        bdf: '00:03.0',
        name: 'nic0',
        vendor: '0x1af4',
        device: '0x1000',
        class: '0x020000',
        bars: [
          { index: 0, type: 'io', size: '0x20' },
          { index: 1, type: 'mem32', size: '0x1000' },
          { index: 4, type: 'mem64', size: '0x4000' },
        ],
        msix: { vectors: 3, table: { bar: 1, offset: '0x0' }, pba: { bar: 1, offset: '0x800' } },
      },
    ],
  };
}

function errorsOf(mutate: (d: Desc) => void): string[] {
  const d = valid();
  mutate(d);
  const r = loadMachineObject(d);
  return r.ok ? [] : r.errors;
}

const d0 = (d: Desc): Desc => d.devices[0];

const cases: [string, (d: Desc) => void, string][] = [
  ['cpus missing', (d) => delete d.cpus, 'cpus: Invalid input: expected number'],
  ['cpus 0', (d) => (d.cpus = 0), 'cpus: Too small'],
  ['cpus 33', (d) => (d.cpus = 33), 'cpus: Too big'],
  ['cpus as a string', (d) => (d.cpus = '4'), 'cpus: Invalid input: expected number, received string'],
  ['ram base not a number', (d) => (d.ram[0].base = 'zz'), 'ram[0].base: not a non-negative integer: "zz"'],
  ['ram size negative', (d) => (d.ram[0].size = -1), 'ram[0].size: not a non-negative integer: -1'],
  ['ram size fractional', (d) => (d.ram[0].size = 1.5), 'ram[0].size: not a non-negative integer: 1.5'],
  ['ram size 0', (d) => (d.ram[0].size = 0), 'ram[0].size: must be greater than 0'],
  ['ram over 1 GiB', (d) => (d.ram[0].size = '0x80000000'), 'ram[0].size: at most 1 GiB'],
  ['overlapping ram', (d) => d.ram.push({ base: '0x80000', size: '0x100000' }), 'ram[1]: overlaps ram[0]'],
  ['event log too small', (d) => (d.eventLogCapacity = 8), 'eventLogCapacity: Too small'],
  ['event log not a power of two', (d) => (d.eventLogCapacity = 100), 'eventLogCapacity: 100 is not a power of two'],
  ['devices not a list', (d) => (d.devices = {}), 'devices: Invalid input: expected array'],
  ['bdf off bus 0', (d) => (d0(d).bdf = '01:00.0'), 'devices[0].bdf: expected a bus 0 address like "00:03.0"'],
  ['bdf device 0x20', (d) => (d0(d).bdf = '00:20.0'), 'devices[0].bdf: expected a bus 0 address'],
  ['bdf used twice', (d) => d.devices.push({ ...d0(d), msix: undefined }), 'devices[1].bdf: 00:03.0 is already used by devices[0]'],
  ['empty name', (d) => (d0(d).name = ''), 'devices[0].name: Too small'],
  ['vendor over 16 bits', (d) => (d0(d).vendor = '0x10000'), 'devices[0].vendor: must fit in 16 bits'],
  ['device over 16 bits', (d) => (d0(d).device = 0x10000), 'devices[0].device: must fit in 16 bits'],
  ['class over 24 bits', (d) => (d0(d).class = '0x1000000'), 'devices[0].class: must fit in 24 bits'],
  ['revision over 8 bits', (d) => (d0(d).revision = 256), 'devices[0].revision: must fit in 8 bits'],
  ['interrupt pin 5', (d) => (d0(d).interruptPin = 5), 'devices[0].interruptPin: Too big'],
  ['BAR index 6', (d) => (d0(d).bars[0].index = 6), 'devices[0].bars[0].index: Too big'],
  ['BAR type', (d) => (d0(d).bars[0].type = 'mem16'), 'devices[0].bars[0].type: Invalid option'],
  ['BAR size not a power of two', (d) => (d0(d).bars[1].size = '0x1800'), 'devices[0].bars[1].size: 0x1800 is not a power of two >= 16'],
  // Math.log2 rounds both of these to an integer; the check is exact.
  ['64-bit BAR one past 2^50', (d) => (d0(d).bars[2].size = '0x4000000000001'), 'devices[0].bars[2].size: 0x4000000000001 is not a power of two >= 16'],
  ['64-bit BAR of 2^53 - 1', (d) => (d0(d).bars[2].size = '0x1fffffffffffff'), 'devices[0].bars[2].size: 0x1fffffffffffff is not a power of two >= 16'],
  ['memory BAR under 16 bytes', (d) => (d0(d).bars[2].size = 8), 'devices[0].bars[2].size: 0x8 is not a power of two >= 16'],
  ['I/O BAR under 4 bytes', (d) => (d0(d).bars[0].size = 2), 'devices[0].bars[0].size: 0x2 is not a power of two >= 4'],
  ['I/O BAR over 64 KiB', (d) => (d0(d).bars[0].size = '0x20000'), 'devices[0].bars[0].size: an I/O BAR is at most 64 KiB'],
  ['32-bit BAR over 2 GiB', (d) => (d0(d).bars[1].size = '0x100000000'), 'devices[0].bars[1].size: a 32-bit BAR is at most 2 GiB'],
  ['prefetchable I/O BAR', (d) => (d0(d).bars[0].prefetchable = true), 'devices[0].bars[0].prefetchable: an I/O BAR cannot be prefetchable'],
  ['64-bit BAR in slot 5', (d) => (d0(d).bars[2].index = 5), 'devices[0].bars[2].index: a 64-bit BAR needs two slots'],
  ['BAR slot used twice', (d) => (d0(d).bars[0].index = 1), 'devices[0].bars[1].index: BAR slot 1 is already used by devices[0].bars[0]'],
  ['BAR in the upper half of a 64-bit BAR', (d) => d0(d).bars.push({ index: 5, type: 'mem32', size: 16 }), 'devices[0].bars[3].index: BAR slot 5 is already used by devices[0].bars[2]'],
  ['0 vectors', (d) => (d0(d).msix.vectors = 0), 'devices[0].msix.vectors: invalid number of vectors 0'],
  ['2049 vectors', (d) => (d0(d).msix.vectors = 2049), 'devices[0].msix.vectors: invalid number of vectors 2049'],
  ['capability offset in the header', (d) => (d0(d).msix.capOffset = '0x30'), 'devices[0].msix.capOffset: 0x30 must be dword aligned within 0x40..0xf4'],
  ['capability offset past 0xf4', (d) => (d0(d).msix.capOffset = '0xf8'), 'devices[0].msix.capOffset: 0xf8'],
  ['capability offset unaligned', (d) => (d0(d).msix.capOffset = '0x42'), 'devices[0].msix.capOffset: 0x42'],
  ['table offset unaligned', (d) => (d0(d).msix.table.offset = '0x4'), 'devices[0].msix.table.offset: not 8-byte aligned'],
  ['PBA offset unaligned', (d) => (d0(d).msix.pba.offset = '0x804'), 'devices[0].msix.pba.offset: not 8-byte aligned'],
  ['table in an undeclared BAR', (d) => (d0(d).msix.table.bar = 2), 'devices[0].msix.table.bar: BAR 2 is not declared in devices[0].bars'],
  ['table in the upper half of a 64-bit BAR', (d) => (d0(d).msix.table.bar = 5), 'devices[0].msix.table.bar: BAR 5 is not declared'],
  ['PBA in an I/O BAR', (d) => (d0(d).msix.pba.bar = 0), 'devices[0].msix.pba.bar: BAR 0 is an I/O BAR; MSI-X needs memory'],
  ['table past its BAR', (d) => (d0(d).msix.table.offset = '0xff8'), 'devices[0].msix.table: 0xff8..0x1028 does not fit in BAR 1 of size 0x1000'],
  ['PBA past its BAR', (d) => (d0(d).msix.pba.offset = '0x1000'), 'devices[0].msix.pba: 0x1000..0x1008 does not fit in BAR 1 of size 0x1000'],
  ['table and PBA overlap', (d) => (d0(d).msix.pba.offset = '0x20'), 'devices[0].msix.pba: 0x20..0x28 overlaps the table at 0x0..0x30'],
  ['used vector out of range', (d) => (d0(d).msix.used = [0, 3]), 'devices[0].msix.used[1]: vector 3 out of range 0..2'],
  ['source vector out of range', (d) => (d0(d).sources = [{ vector: 3, ratePerSecond: 10 }]), 'devices[0].sources[0].vector: vector 3 out of range 0..2'],
  ['source rate 0', (d) => (d0(d).sources = [{ vector: 0, ratePerSecond: 0 }]), 'devices[0].sources[0].ratePerSecond: Too small'],
  ['exclusive BAR already declared', (d) => (d0(d).msix = { vectors: 3, exclusiveBar: 1 }), 'devices[0].msix.exclusiveBar: BAR 1 is already declared in devices[0].bars'],
  ['exclusive BAR index 7', (d) => (d0(d).msix = { vectors: 3, exclusiveBar: 7 }), 'devices[0].msix.exclusiveBar: Too big'],
  ['exclusive layout with 0 vectors', (d) => (d0(d).msix = { vectors: 0, exclusiveBar: 2 }), 'devices[0].msix.vectors: invalid number of vectors 0'],
  ['config of 1 byte', (d) => (d0(d).config = '00'), 'devices[0].config: 1 bytes, expected 256 or 4096'],
  ['config not hex', (d) => (d0(d).config = 'zz'.repeat(256)), 'devices[0].config: not a string of hex byte pairs'],
  ['4096-byte config without pcie', (d) => (d0(d).config = '00'.repeat(4096)), 'devices[0].config: 4096 bytes needs "pcie": true'],
];

describe('invalid machine files', () => {
  it.each(cases)('%s: the error names the field', (_name, mutate, message) => {
    const errors = errorsOf(mutate);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toContain(message);
  });

  it('the issue\'s example: devices[0].msix.pba.offset: not 8-byte aligned', () => {
    expect(errorsOf((d) => (d0(d).msix.pba.offset = '0x801'))).toEqual(['devices[0].msix.pba.offset: not 8-byte aligned']);
  });

  it('shape errors come alone; layout errors found together are listed together', () => {
    const errors = errorsOf((d) => {
      d.cpus = 0;
      d0(d).bars[1].size = '0x1800';
      d0(d).msix.table.offset = '0x4';
    });
    expect(errors).toEqual(['cpus: Too small: expected number to be >=1']);
    const later = errorsOf((d) => {
      d0(d).vendor = '0x10000';
      d0(d).msix.table.offset = '0x4';
      d0(d).msix.used = [7];
    });
    expect(later).toEqual(['devices[0].vendor: must fit in 16 bits', 'devices[0].msix.used[0]: vector 7 out of range 0..2']);
  });

  it('text that is not JSON, or not an object, is refused at the root', () => {
    const notJson = loadMachineText('{');
    expect(notJson.ok ? [] : notJson.errors).toEqual([expect.stringMatching(/^\(root\): not valid JSON/)]);
    const list = loadMachineText('[]');
    expect(list.ok ? [] : list.errors).toEqual(['(root): Invalid input: expected object, received array']);
  });

  // The two MSI-X layouts are a union; the error still names the field of the layout meant.
  it.each<[string, (d: Desc) => void, string]>([
    ['table offset not a number', (d) => (d0(d).msix.table.offset = 'zz'), 'devices[0].msix.table.offset:'],
    ['vectors not a number', (d) => (d0(d).msix.vectors = 'x'), 'devices[0].msix.vectors:'],
    ['used neither "all" nor a list', (d) => (d0(d).msix.used = 'some'), 'devices[0].msix.used:'],
    ['a misspelt key', (d) => (d0(d).msix.capoffset = '0x84'), 'devices[0].msix: Unrecognized key: "capoffset"'],
  ])('%s: the error names the field', (_name, mutate, message) => {
    expect(errorsOf(mutate)[0]).toContain(message);
  });
});

describe('presets', () => {
  const load = (file: string) => {
    const r = loadMachineText(readFileSync(join(MACHINES, file), 'utf8'));
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.warnings).toEqual([]);
    return r.machine;
  };

  it('there are at least three', () => {
    expect(readdirSync(MACHINES).filter((f) => f.endsWith('.json')).length).toBeGreaterThanOrEqual(3);
  });

  it('virtio-net: 3 vectors, table BAR1/0x0, PBA BAR1/0x800, capability at 0x84, all in use', () => {
    const m = load('virtio-net.json');
    const fn = m.fn(0x18)!;
    expect(fn.config.read(0, 4)).toBe(0x10001af4);
    const e = fn.msix!;
    expect([e.vectors, e.capabilityOffset, e.layout.tableBar, e.layout.tableOffset, e.layout.pbaBar, e.layout.pbaOffset]).toEqual([3, 0x84, 1, 0, 1, 0x800]);
    expect(fn.config.read(0x84 + 4, 4)).toBe(0x1);
    expect(fn.config.read(0x84 + 8, 4)).toBe(0x801);
    expect(Array.from(e.useCount)).toEqual([1, 1, 1]);
    expect(fn.bars[4]!.type).toBe('mem64');
  });

  it('e1000e: 5 vectors in a 16 KiB BAR3, table at 0, PBA at 0x2000, capability at 0xA0', () => {
    const m = load('e1000e.json');
    const fn = m.functions()[0]!;
    const e = fn.msix!;
    expect([e.vectors, e.capabilityOffset]).toEqual([5, 0xa0]);
    expect(fn.config.read(0xa4, 4)).toBe(0x3);
    expect(fn.config.read(0xa8, 4)).toBe(0x2003);
    expect(fn.bars[3]!.size).toBe(0x4000);
    expect(fn.config.size).toBe(4096);
  });

  it('NVMe: 65 vectors', () => {
    const m = load('nvme.json');
    const e = m.functions()[0]!.msix!;
    expect(e.vectors).toBe(65);
    expect(m.functions()[0]!.config.read(e.capabilityOffset + 2, 2)).toBe(64);
    expect(e.pba.byteLength).toBe(16);
  });

  it('every preset starts with an empty event log', () => {
    for (const f of readdirSync(MACHINES).filter((x) => x.endsWith('.json'))) expect(load(f).log.total).toBe(0);
  });
});
