// The plain-MSI rules of docs/msi-rules.md, by ID, driven as a guest drives the
// capability: config cycles through 0xCF8/0xCFC, the message landing in RAM or the APIC.
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../src-main/machine/machine';
import type { PciFunction } from '../../src-main/machine/pci/pci-function';
import { MSI_CAP_ID } from '../../src-main/machine/msi/msi-capability';
import { DropReason } from '../../src-shared/timeline/event-kinds';
import { apicAddress, build, eventsSince } from './guest';

interface Shape {
  vectors?: number;
  is64bit?: boolean;
  perVectorMask?: boolean;
  msix?: boolean;
}

/** An edu-like function at 00:04.0 with plain MSI (and MSI-X in BAR0 when asked). */
function device(s: Shape = {}): { m: Machine; fn: PciFunction; cap: number } {
  const m = build({
    cpus: 2,
    ram: [{ base: '0x0', size: '0x10000' }],
    devices: [
      {
        bdf: '00:04.0',
        name: 'edu',
        vendor: '0x1234',
        device: '0x11e8',
        class: '0x00ff00',
        bars: [{ index: 0, type: 'mem32', size: '0x1000' }],
        msi: { vectors: s.vectors ?? 1, is64bit: s.is64bit ?? true, perVectorMask: s.perVectorMask ?? false },
        ...(s.msix ? { msix: { vectors: 2, table: { bar: 0, offset: '0x0' }, pba: { bar: 0, offset: '0x800' }, used: 'all' as const } } : {}),
      },
    ],
  });
  const fn = m.fn(0x20)!;
  return { m, fn, cap: fn.caps.find(MSI_CAP_ID) };
}

const cfg = (m: Machine, reg: number, size: number, value?: number): number => {
  m.io.write(0xcf8, 4, (0x80000000 | 0x2000 | (reg & 0xfc)) >>> 0);
  if (value === undefined) return m.io.read(0xcfc + (reg & 3), size);
  m.io.write(0xcfc + (reg & 3), size, value);
  return 0;
};

/** Address, data and Control as a driver programs them; Bus Master on. */
function program(t: ReturnType<typeof device>, address: number, data: number, control: number): void {
  const { m, cap } = t;
  cfg(m, 0x04, 2, 0x4);
  cfg(m, cap + 4, 4, address);
  const dataAt = cap + (t.fn.msi!.is64bit ? 0x0c : 0x08);
  cfg(m, dataAt, 2, data);
  cfg(m, cap + 2, 2, control);
}

describe('MSI capability (MI)', () => {
  const shapes: [Shape, number, number][] = [
    [{ is64bit: false }, 0x0a, 0x0000],
    [{ is64bit: true }, 0x0e, 0x0080],
    [{ is64bit: false, perVectorMask: true, vectors: 4 }, 0x14, 0x0104],
    [{ is64bit: true, perVectorMask: true, vectors: 32 }, 0x18, 0x018a],
  ];
  for (const [shape, length, flags] of shapes) {
    it(`MI1: ${JSON.stringify(shape)} is a ${length}-byte capability with flags 0x${flags.toString(16)}`, () => {
      const { fn, cap } = device(shape);
      expect(cap).toBe(0x40);
      expect(fn.config.get16(cap + 2)).toBe(flags);
      expect(fn.msi!.vectorsCapable).toBe(shape.vectors ?? 1);
      // The next capability would be placed right after it.
      expect(fn.caps.add(0x09, 0, 4)).toEqual({ ok: true, offset: 0x40 + ((length + 3) & ~3) });
    });
  }

  it('MI1: a vector count that is not a power of two up to 32 is refused, naming the field', () => {
    for (const vectors of [0, 3, 64]) {
      expect(() => device({ vectors })).toThrow(`devices[0].msi: invalid number of MSI vectors: ${vectors}`);
    }
  });

  it('MI2: only Enable and Multiple Message Enable, address bits 31:2, the data word and the implemented mask bits are writable', () => {
    const t = device({ vectors: 4, perVectorMask: true });
    const { m, cap } = t;
    for (let reg = cap; reg < cap + 0x18; reg += 4) cfg(m, reg, 4, 0xffffffff);
    expect([cfg(m, cap, 4), cfg(m, cap + 4, 4), cfg(m, cap + 8, 4), cfg(m, cap + 12, 4), cfg(m, cap + 16, 4), cfg(m, cap + 20, 4)]).toEqual([
      // Multiple Message Enable 7 was clamped to Capable 2 (MW2).
      ((0x01a5 | (2 << 4)) << 16 | MSI_CAP_ID) >>> 0,
      0xfffffffc,
      0xffffffff,
      0x0000ffff,
      0x0000000f,
      0,
    ]);
  });
});

describe('MSI notify (MS, MG, MN)', () => {
  it('MS1: MSI is enabled exactly while Enable is set, whatever Multiple Message Enable says', () => {
    const t = device({ vectors: 4 });
    const states = [0x0000, 0x0020, 0x0021, 0x0001, 0x0070].map((control) => {
      cfg(t.m, t.cap + 2, 2, control);
      return t.fn.msi!.enabled;
    });
    expect(states).toEqual([false, false, true, true, false]);
  });

  it('MG1/MN3: the message is a 4-byte write of the data to the address; 64-bit addresses use the upper dword', () => {
    const t = device();
    program(t, 0x1000, 0xabcd, 0x0001);
    t.fn.msi!.notify(0);
    expect(t.m.memory.read(0x1000, 4)).toBe(0xabcd);
    expect(t.fn.msi!.delivered[0]).toBe(1);
  });

  it('MG1: with 4 vectors enabled, vector 3 replaces the data low two bits', () => {
    const t = device({ vectors: 4 });
    program(t, apicAddress(1), 0x4041, 0x0021);
    const from = t.m.log.total;
    t.fn.msi!.notify(3);
    expect(eventsSince(t.m.log, from).map((e) => [e.kind, e.vector, e.a, e.b])).toEqual([['NotifyDelivered', 3, 1, 0x4043]]);
  });

  it('MN1: a vector past Multiple Message Enable is dropped (QEMU asserts)', () => {
    const t = device({ vectors: 4 });
    program(t, 0x1000, 0x40, 0x0011);
    const from = t.m.log.total;
    t.fn.msi!.notify(2);
    expect(eventsSince(t.m.log, from).map((e) => [e.kind, e.detail])).toEqual([['NotifyDropped', DropReason.VectorOutOfRange]]);
  });

  it('MN2: a masked vector sets its pending bit and sends nothing; MW4 unmasking it delivers and clears the bit', () => {
    const t = device({ vectors: 2, perVectorMask: true });
    const mask = t.cap + 0x10;
    program(t, 0x1000, 0x40, 0x0011);
    cfg(t.m, mask, 4, 0x2);
    t.fn.msi!.notify(1);
    expect([t.m.memory.read(0x1000, 4), cfg(t.m, mask + 4, 4)]).toEqual([0, 0x2]);
    cfg(t.m, mask, 4, 0);
    expect([t.m.memory.read(0x1000, 4), cfg(t.m, mask + 4, 4)]).toEqual([0x41, 0]);
  });

  it('MN3: with Bus Master Enable clear the message goes nowhere', () => {
    const t = device();
    program(t, 0x1000, 0xab, 0x0001);
    cfg(t.m, 0x04, 2, 0);
    const from = t.m.log.total;
    t.fn.msi!.notify(0);
    expect(eventsSince(t.m.log, from).map((e) => [e.kind, e.detail])).toEqual([['NotifyDropped', DropReason.BusMasterDisabled]]);
  });

  it('MW3: pending bits past a smaller Multiple Message Enable are discarded on the next write', () => {
    const t = device({ vectors: 4, perVectorMask: true });
    const mask = t.cap + 0x10;
    program(t, 0x1000, 0x40, 0x0021);
    cfg(t.m, mask, 4, 0xf);
    t.fn.msi!.notify(3);
    t.fn.msi!.notify(0);
    expect(cfg(t.m, mask + 4, 4)).toBe(0x9);
    cfg(t.m, t.cap + 2, 2, 0x0001);
    expect(cfg(t.m, mask + 4, 4)).toBe(0x1);
  });

  it('MW5: while MSI is disabled a mask write delivers nothing and the pending bit stays', () => {
    const t = device({ perVectorMask: true });
    const mask = t.cap + 0x10;
    program(t, 0x1000, 0x40, 0x0001);
    cfg(t.m, mask, 4, 1);
    t.fn.msi!.notify(0);
    cfg(t.m, t.cap + 2, 2, 0);
    cfg(t.m, mask, 4, 0);
    expect([t.m.memory.read(0x1000, 4), cfg(t.m, mask + 4, 4)]).toEqual([0, 1]);
    cfg(t.m, t.cap + 2, 2, 1);
    expect([t.m.memory.read(0x1000, 4), cfg(t.m, mask + 4, 4)]).toEqual([0x40, 0]);
  });
});

describe('MSI, MSI-X and INTx (MD, MW1)', () => {
  it('MD1: a device raise uses MSI-X when enabled, else MSI when enabled, else INTx', () => {
    const t = device({ msix: true });
    const msixCap = t.fn.msix!.capabilityOffset;
    cfg(t.m, 0x10, 4, 0xe0000000);
    cfg(t.m, 0x04, 2, 0x6);
    t.m.memory.write(0xe0000000, 4, 0x2000);
    t.m.memory.write(0xe0000008, 4, 0x77);
    t.m.memory.write(0xe000000c, 4, 0);
    program(t, 0x1000, 0x55, 0x0001);
    cfg(t.m, 0x04, 2, 0x6);
    cfg(t.m, msixCap + 2, 2, 0x8000);
    t.m.raise(t.fn, 0);
    expect([t.m.memory.read(0x2000, 4), t.m.memory.read(0x1000, 4)]).toEqual([0x77, 0]);
    cfg(t.m, msixCap + 2, 2, 0);
    t.m.raise(t.fn, 0);
    expect(t.m.memory.read(0x1000, 4)).toBe(0x55);
    cfg(t.m, t.cap + 2, 2, 0);
    t.m.raise(t.fn, 0);
    expect(t.fn.intxOutput).toBe(1);
  });

  it('MW1: a write to the capability while MSI is enabled deasserts INTx', () => {
    const t = device();
    t.fn.setIntxLevel(1);
    expect(t.fn.intxOutput).toBe(1);
    program(t, 0x1000, 0x40, 0x0001);
    expect(t.fn.intxOutput).toBe(0);
  });

  it('MX1: reset clears Enable, Multiple Message Enable, address, data, mask and pending', () => {
    const t = device({ vectors: 2, perVectorMask: true });
    program(t, 0x1000, 0x40, 0x0011);
    cfg(t.m, t.cap + 0x10, 4, 3);
    t.fn.msi!.notify(0);
    t.m.systemReset();
    expect([cfg(t.m, t.cap, 4) >>> 16, cfg(t.m, t.cap + 4, 4), cfg(t.m, t.cap + 12, 4), cfg(t.m, t.cap + 16, 4), cfg(t.m, t.cap + 20, 4)]).toEqual([0x0182, 0, 0, 0, 0]);
  });
});
