// Rules R1-R4 (capability registers) and I1-I6 (msix_init), driven through config
// cycles and MMIO where a guest can see them, through MsixEngine.init where only
// the device can.
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src-main/machine/clock';
import { EventLog } from '../../src-main/machine/event-log';
import { Bar, type BarType } from '../../src-main/machine/pci/bar';
import { PciFunction } from '../../src-main/machine/pci/pci-function';
import { MessageOutcome } from '../../src-main/machine/irq/interrupt-sink';
import { MsixEngine } from '../../src-main/machine/msix/msix-engine';
import { exclusiveBarLayout } from '../../src-main/machine/msix/msix-layout';
import type { MsixLayout } from '../../src-shared/registers/layout';
import { ADDR_HI, ADDR_LO, CAP, CTRL, DATA, ENABLE, Guest, MASKALL, apicAddress, build, nicDescription } from './guest';

function bareFunction(bars: [number, BarType, number][]): PciFunction {
  const log = new EventLog(new Clock(), 1024);
  const fn = new PciFunction(0x18, 'dev', log, { deliver: () => MessageOutcome.Interrupt }, 256);
  for (const [index, type, size] of bars) fn.addBar(new Bar(index, type, size, false, 0x18));
  return fn;
}

const LAYOUT: MsixLayout = { vectors: 4, capOffset: 0x50, tableBar: 1, tableOffset: 0, pbaBar: 1, pbaOffset: 0x800 };

function initOn(fn: PciFunction, layout: Partial<MsixLayout> = {}, msiSupported = true) {
  const l = { ...LAYOUT, ...layout };
  return MsixEngine.init(fn, fn.caps, {
    layout: l,
    tableBarRegion: fn.bars[l.tableBar]!.region,
    pbaBarRegion: fn.bars[l.pbaBar]!.region,
    msiSupported,
  });
}

/** Asserts that a failed init left no trace: config bytes and masks, BAR subregions. */
function expectNothingCreated(fn: PciFunction, run: () => { ok: boolean }): void {
  const bytes = fn.config.bytes.slice();
  const writable = fn.config.writable.slice();
  const r = run();
  expect(r.ok).toBe(false);
  expect(fn.config.bytes).toEqual(bytes);
  expect(fn.config.writable).toEqual(writable);
  expect(fn.caps.find(0x11)).toBe(0);
  for (const bar of fn.bars) expect(bar?.region.subregions ?? []).toEqual([]);
}

describe('registers (R1-R4)', () => {
  it('R1: capability ID 0x11, 12 bytes long, Message Control = table size N-1 | Function Mask | Enable', () => {
    const g = Guest.nic({ vectors: 65 });
    expect(g.cfgRead(CAP, 1)).toBe(0x11);
    expect(g.control()).toBe(64);
    // 12 bytes: a second capability may start at cap+12 but not at cap+8.
    expect(g.fn.caps.add(0x09, CAP + 8, 4).ok).toBe(false);
    expect(g.fn.caps.add(0x09, CAP + 12, 4)).toEqual({ ok: true, offset: CAP + 12 });
  });

  it('R1: only bits 14 and 15 of Message Control are writable', () => {
    const g = Guest.nic({ vectors: 65 });
    g.writeControl(0xffff);
    expect(g.control()).toBe(ENABLE | MASKALL | 64);
    g.writeControl(0x3fff);
    expect(g.control()).toBe(64);
    g.cfgWrite(CAP, 4, 0xffffffff);
    expect(g.cfgRead(CAP, 4)).toBe(0xc0400011); // control, next = 0, ID
    expect(g.engine.enabled).toBe(true);
    expect(g.engine.functionMaskBit).toBe(true);
  });

  it('R2: Table and PBA Offset/BIR carry the BAR in bits 2:0 and the offset in 31:3, read-only', () => {
    const m = build({
      cpus: 1,
      devices: [
        {
          bdf: '00:02.0',
          name: 'e1000e',
          vendor: '0x8086',
          device: '0x10d3',
          class: '0x020000',
          bars: [{ index: 3, type: 'mem32', size: '0x4000' }],
          msix: { vectors: 5, capOffset: '0xa0', table: { bar: 3, offset: '0x0' }, pba: { bar: 3, offset: '0x2000' } },
        },
      ],
    });
    const read = (o: number): number => m.bus.configRead(0x10, 0xa0 + o, 4);
    expect(read(4)).toBe(0x00000003);
    expect(read(8)).toBe(0x00002003);
    m.bus.configWrite(0x10, 0xa4, 4, 0xffffffff);
    m.bus.configWrite(0x10, 0xa8, 4, 0x12345678);
    m.bus.configWrite(0x10, 0xaa, 2, 0xffff);
    expect(read(4)).toBe(0x00000003);
    expect(read(8)).toBe(0x00002003);
  });

  it('R3: an entry is address low, address high, data, vector control (bit 0 = mask), little-endian', () => {
    const g = Guest.nic({ used: 'all' });
    g.writeEntry(1, ADDR_LO, 0xfee02000);
    g.writeEntry(1, ADDR_HI, 0);
    g.writeEntry(1, DATA, 0x4031);
    g.writeEntry(1, CTRL, 0xfffffffe); // every bit but the mask bit: unmasked
    expect(g.engine.getMessage(1)).toEqual({ addrLo: 0xfee02000, addrHi: 0, data: 0x4031 });
    expect(g.engine.isMasked(1)).toBe(true); // still masked by the function
    g.writeControl(ENABLE);
    expect(g.engine.isMasked(1)).toBe(false);
    g.engine.notify(1);
    expect(g.total(2, 0x31)).toBe(1);
    g.writeEntry(1, CTRL, 1);
    expect(g.engine.isMasked(1)).toBe(true);
    // Little-endian in the BAR: byte 0 of the saved table is the low byte of address low.
    const state = g.engine.save();
    expect([...state.subarray(16, 20)]).toEqual([0x00, 0x20, 0xe0, 0xfe]);
    expect([...state.subarray(24, 28)]).toEqual([0x31, 0x40, 0x00, 0x00]);
    // An 8-byte read at entry+0 returns address low in the low half.
    expect(g.read(g.entryAddr(1, ADDR_LO), 8)).toBe(0xfee02000);
    expect(g.machine.memory.readHigh).toBe(0);
  });

  it('R4: at most 2048 vectors', () => {
    expect(initOn(bareFunction([[1, 'mem32', 0x10000]]), { vectors: 2048, pbaOffset: 0x8000 }).ok).toBe(true);
    const r = initOn(bareFunction([[1, 'mem32', 0x10000]]), { vectors: 2049, pbaOffset: 0x9000 });
    expect(r).toEqual({ ok: false, error: expect.stringContaining('invalid number of vectors') });
  });

  it.each([
    [1, 8],
    [64, 8],
    [65, 16],
    [128, 16],
  ])('R4: %i vectors have ceil(N/64)*8 = %i bytes of PBA, one bit per vector', (n, bytes) => {
    const g = Guest.nic({ vectors: n, used: 'all' });
    g.markEvents();
    for (let off = 0; off < bytes; off += 4) g.pba(off / 4);
    expect(g.eventsOf('PbaRead')).toHaveLength(bytes / 4);
    expect(g.eventsOf('AccessUnclaimed')).toHaveLength(0);
    g.markEvents();
    expect(g.read(g.pbaAddr(bytes), 4)).toBe(0);
    expect(g.kinds()).toEqual(['AccessUnclaimed']);
    // The last vector's bit is bit (N-1)%32 of dword (N-1)/32.
    g.engine.notify(n - 1);
    expect(g.pba((n - 1) >>> 5)).toBe((1 << ((n - 1) % 32)) >>> 0);
  });
});

describe('creating the capability (I1-I6)', () => {
  it('I1: an interrupt controller without MSI makes creation fail, nothing created', () => {
    const fn = bareFunction([[1, 'mem32', 0x1000]]);
    expectNothingCreated(fn, () => {
      const r = initOn(fn, {}, false);
      expect(r).toEqual({ ok: false, error: 'MSI-X not supported by the interrupt controller' });
      return r;
    });
  });

  it.each([0, 2049, -1, 1.5])('I2: %s vectors fail with "invalid number of vectors", nothing created', (n) => {
    const fn = bareFunction([[1, 'mem32', 0x10000]]);
    expectNothingCreated(fn, () => {
      const r = initOn(fn, { vectors: n, pbaOffset: 0x9000 });
      expect(r.ok ? '' : r.error).toMatch(/^invalid number of vectors/);
      return r;
    });
  });

  it.each<[string, Partial<MsixLayout>, RegExp]>([
    ['table and PBA overlap in one BAR', { tableOffset: 0, pbaOffset: 0x38 }, /table .* overlaps PBA/],
    ['PBA inside the last table entry', { vectors: 4, tableOffset: 0x8, pbaOffset: 0x40 }, /overlaps PBA/],
    ['table does not fit its BAR', { tableOffset: 0xff8 }, /table .* does not fit in BAR 1/],
    ['PBA does not fit its BAR', { pbaOffset: 0x1000 }, /PBA .* does not fit in BAR 1/],
    ['table offset not 8-aligned', { tableOffset: 0x4 }, /table offset 0x4 is not 8-byte aligned/],
    ['PBA offset not 8-aligned', { pbaOffset: 0x804 }, /PBA offset 0x804 is not 8-byte aligned/],
  ])('I3: %s fails, saying which, nothing created', (_name, layout, message) => {
    const fn = bareFunction([[1, 'mem32', 0x1000]]);
    expectNothingCreated(fn, () => {
      const r = initOn(fn, layout);
      expect(r.ok ? '' : r.error).toMatch(message);
      return r;
    });
  });

  it('I3: table and PBA may abut, and may share offsets in different BARs', () => {
    expect(initOn(bareFunction([[1, 'mem32', 0x1000]]), { tableOffset: 0, pbaOffset: 0x40 }).ok).toBe(true);
    const fn = bareFunction([
      [1, 'mem32', 0x1000],
      [2, 'mem32', 0x1000],
    ]);
    expect(initOn(fn, { tableOffset: 0, pbaBar: 2, pbaOffset: 0 }).ok).toBe(true);
  });

  it('I4: the capability goes at the requested offset, linked into the list, Status capabilities bit set', () => {
    const fn = bareFunction([[1, 'mem32', 0x1000]]);
    expect(fn.config.read(0x06, 2) & 0x10).toBe(0);
    expect(fn.caps.add(0x05, 0x40, 24).ok).toBe(true); // an MSI capability first
    const r = initOn(fn, { capOffset: 0x60 });
    expect(r.ok && r.engine.capabilityOffset).toBe(0x60);
    expect(fn.config.read(0x34, 1)).toBe(0x60);
    expect(fn.config.read(0x61, 1)).toBe(0x40);
    expect(fn.config.read(0x41, 1)).toBe(0);
    expect(fn.config.read(0x06, 2) & 0x10).toBe(0x10);
    expect(fn.caps.find(0x11)).toBe(0x60);
  });

  it('I4: with no offset requested it takes the first free place', () => {
    const fn = bareFunction([[1, 'mem32', 0x1000]]);
    expect(fn.caps.add(0x05, 0x40, 24).ok).toBe(true);
    const r = initOn(fn, { capOffset: 0 });
    expect(r.ok && r.engine.capabilityOffset).toBe(0x58);
    expect(fn.config.read(0x58, 1)).toBe(0x11);
  });

  it('I4: overlapping an existing capability fails, nothing created', () => {
    const fn = bareFunction([[1, 'mem32', 0x1000]]);
    expect(fn.caps.add(0x05, 0x40, 24).ok).toBe(true);
    expectNothingCreatedExceptMsi(fn, () => initOn(fn, { capOffset: 0x50 }));
  });

  it('I5: right after creation: control N-1, function masked, every mask bit set, PBA zero, nothing in use', () => {
    const g = Guest.nic({ vectors: 5 });
    expect(g.control()).toBe(4);
    expect(g.engine.functionMasked).toBe(true);
    for (let v = 0; v < 5; v++) {
      expect([ADDR_LO, ADDR_HI, DATA, CTRL].map((f) => g.readEntry(v, f))).toEqual([0, 0, 0, 1]);
      expect(g.engine.isMasked(v)).toBe(true);
    }
    expect(g.pba(0)).toBe(0);
    g.writeControl(ENABLE);
    for (let v = 0; v < 5; v++) g.writeEntry(v, CTRL, 0);
    g.markEvents();
    for (let v = 0; v < 5; v++) g.engine.notify(v);
    expect(g.eventsOf('NotifyDropped').map((e) => [e.vector, e.detail])).toEqual([0, 1, 2, 3, 4].map((v) => [v, 1]));
  });

  it.each([
    [1, 0x1000, 0x800],
    [3, 0x1000, 0x800],
    [128, 0x1000, 0x800],
    [129, 0x1000, 129 * 16],
    [250, 0x2000, 250 * 16], // 4000 + (31+1)*8 = 4256 > 4096: grows, rounded up
    [2048, 0x10000, 0x8000],
  ])('I6: exclusive BAR for %i vectors: size %i, table at 0, PBA at %i', (n, size, pba) => {
    expect(exclusiveBarLayout(n)).toEqual({ barSize: size, pbaOffset: pba });
  });

  it('I6: the PBA takes (N/8+1)*8 bytes, not ceil(N/64)*8, when deciding whether the BAR grows', () => {
    expect(exclusiveBarLayout(240)).toEqual({ barSize: 0x1000, pbaOffset: 3840 }); // 3840 + 248 = 4088
    expect(exclusiveBarLayout(244)).toEqual({ barSize: 0x2000, pbaOffset: 3904 }); // 3904 + 248 = 4152
    expect(exclusiveBarLayout(248)).toEqual({ barSize: 0x2000, pbaOffset: 3968 }); // 3968 + 256; ceil(248/64)*8 = 32 would fit
  });

  it('I6: a machine file "exclusiveBar" gets a 4 KiB memory BAR sized by the guest, table at 0, PBA at 2 KiB', () => {
    const desc = nicDescription();
    desc.devices![0]!.bars = [];
    desc.devices![0]!.msix = { vectors: 3, capOffset: CAP, exclusiveBar: 2, used: 'all' };
    const g = new Guest(build(desc));
    g.cfgWrite(0x18, 4, 0xffffffff);
    expect(g.cfgRead(0x18, 4)).toBe(0xfffff000);
    expect(g.cfgRead(CAP + 4, 4)).toBe(0x2);
    expect(g.cfgRead(CAP + 8, 4)).toBe(0x802);
    g.cfgWrite(0x18, 4, 0xe0000000);
    g.cfgWrite(0x04, 2, 0x6);
    g.program(0, apicAddress(0), 0x40);
    g.writeControl(ENABLE);
    g.engine.notify(0);
    expect(g.total(0, 0x40)).toBe(1);
    g.writeEntry(0, CTRL, 1);
    g.engine.notify(0);
    expect(g.read(0xe0000800, 4)).toBe(1);
  });
});

function expectNothingCreatedExceptMsi(fn: PciFunction, run: () => ReturnType<typeof initOn>): void {
  expectNothingCreated(fn, () => {
    const r = run();
    expect(r.ok ? '' : r.error).toMatch(/overlaps existing capability 0x5 at offset 0x40/);
    return r;
  });
}
