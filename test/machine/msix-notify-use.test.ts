// Rules N1-N3 (notify), V1-V4 (vectors in use) and F1-F2 (vector notifiers).
import { describe, expect, it } from 'vitest';
import { CTRL, ENABLE, Guest, MASKALL, NIC, RAM_SIZE, RecordingNotifiers, apicAddress, build } from './guest';
import { DropReason, PendingClearCause } from '../../src-shared/timeline/event-kinds';

function enabled(used: 'all' | number[] = 'all'): Guest {
  const g = Guest.nic({ used });
  for (let v = 0; v < 3; v++) g.program(v, apicAddress(1), 0x40 + v);
  g.writeControl(ENABLE);
  return g;
}

describe('notify (N1-N3)', () => {
  it.each([3, 4, 0xffff, -1])('N1: vector %i (>= N) is ignored and recorded as a drop', (v) => {
    const g = enabled();
    const before = g.engine.save();
    g.markEvents();
    g.engine.notify(v);
    expect(g.events().map((e) => [e.kind, e.detail, e.bdf])).toEqual([['NotifyDropped', DropReason.VectorOutOfRange, NIC]]);
    expect(g.engine.save()).toEqual(before);
  });

  it('N1: a vector not in use is ignored, even when masked, and recorded as a drop', () => {
    const g = enabled([0, 2]);
    g.markEvents();
    g.engine.notify(1);
    g.writeEntry(1, CTRL, 1);
    g.engine.notify(1);
    expect(g.eventsOf('NotifyDropped').map((e) => [e.vector, e.detail])).toEqual([
      [1, DropReason.NotInUse],
      [1, DropReason.NotInUse],
    ]);
    expect(g.pba()).toBe(0);
    expect(g.delivered(0x41)).toBe(0);
  });

  it('N2: a masked vector gets its pending bit set and nothing is sent', () => {
    const g = enabled();
    g.writeEntry(0, CTRL, 1);
    g.markEvents();
    g.engine.notify(0);
    g.engine.notify(0);
    expect(g.pba()).toBe(1);
    expect(g.delivered(0x40)).toBe(0);
    expect(g.eventsOf('NotifyPended').map((e) => [e.vector, e.detail])).toEqual([
      [0, 1],
      [0, 0],
    ]);
  });

  it('N3: the message goes to the interrupt controller: the CPU and vector of the entry', () => {
    const g = enabled();
    g.program(2, apicAddress(3), 0x61);
    g.markEvents();
    g.engine.notify(2);
    g.engine.notify(2);
    expect(g.total(3, 0x61)).toBe(2);
    expect(g.delivered(0x61)).toBe(2);
    expect(g.engine.delivered[2]).toBe(2);
    expect(g.eventsOf('NotifyDelivered').map((e) => [e.vector, e.a, e.b, e.c])).toEqual([
      [2, 3, 0x61, apicAddress(3)],
      [2, 3, 0x61, apicAddress(3)],
    ]);
  });

  it('N3: a message outside the APIC window is a 4-byte little-endian write of the data to the 64-bit address', () => {
    const g = enabled();
    const ram = g.machine.ram[0]!;
    g.program(0, 0x1000, 0xa1b2c3d4);
    g.engine.notify(0);
    expect([...ram.readBytes(0x1000, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
    // The same low address with a non-zero high half is a different place: above 4 GiB, nothing there.
    g.program(1, 0x2000, 0x11223344, false, 1);
    g.markEvents();
    g.engine.notify(1);
    expect([...ram.readBytes(0x2000, 4)]).toEqual([0, 0, 0, 0]);
    expect(g.events().map((e) => [e.kind, e.detail, e.a, e.b, e.c])).toEqual([['NotifyDropped', DropReason.Unclaimed, 0x2000, 0x11223344, 1]]);
    expect(g.engine.delivered[1]).toBe(0);
    expect(RAM_SIZE).toBeGreaterThan(0x2004);
  });

  it('N3: with Bus Master Enable clear the write goes nowhere, recorded as a drop', () => {
    const g = enabled();
    g.program(0, 0x100, 0xcafe);
    g.command(1 << 1); // memory on, bus master off
    g.markEvents();
    g.engine.notify(0);
    g.engine.notify(1);
    expect(g.machine.ram[0]!.readBytes(0x100, 4)).toEqual(new Uint8Array(4));
    expect(g.delivered(0x41)).toBe(0);
    expect(g.events().map((e) => [e.kind, e.vector, e.detail])).toEqual([
      ['NotifyDropped', 0, DropReason.BusMasterDisabled],
      ['NotifyDropped', 1, DropReason.BusMasterDisabled],
    ]);
    expect(g.pba()).toBe(0); // not pended either: the vector was unmasked
  });
});

describe('vectors in use (V1-V4)', () => {
  it('V1: use(v >= N) fails with an invalid-argument error; otherwise the count rises', () => {
    const g = enabled([]);
    expect(g.engine.use(3)).toEqual({ ok: false, error: expect.stringMatching(/^invalid argument/) });
    expect(g.engine.use(-1).ok).toBe(false);
    expect(g.engine.use(1.5).ok).toBe(false);
    expect(Array.from(g.engine.useCount)).toEqual([0, 0, 0]);
    g.use(1, 1);
    expect(Array.from(g.engine.useCount)).toEqual([0, 2, 0]);
    g.engine.notify(1);
    expect(g.total(1, 0x41)).toBe(1);
  });

  it('V2: unuse is ignored out of range or at 0; the count falls and the pending bit clears at 0', () => {
    const g = enabled([]);
    g.use(0, 0);
    g.writeEntry(0, CTRL, 1);
    g.engine.notify(0);
    g.markEvents();
    g.engine.unuse(5);
    g.engine.unuse(2);
    expect(g.events()).toEqual([]);
    g.engine.unuse(0);
    expect(g.engine.isPending(0)).toBe(true);
    g.engine.unuse(0);
    expect(g.engine.isPending(0)).toBe(false);
    expect(g.eventsOf('PendingCleared').map((e) => e.detail)).toEqual([PendingClearCause.Unuse]);
    g.engine.unuse(0);
    expect(g.engine.useCount[0]).toBe(0);
    g.engine.notify(0);
    expect(g.eventsOf('NotifyDropped').map((e) => e.detail)).toEqual([DropReason.NotInUse]);
  });

  it('V3: unuse-all sets every count to 0 and clears every pending bit', () => {
    const g = enabled([0, 0, 1, 2]);
    g.writeControl(ENABLE | MASKALL);
    for (let v = 0; v < 3; v++) g.engine.notify(v);
    expect(g.pba()).toBe(0b111);
    g.engine.unuseAll();
    expect(Array.from(g.engine.useCount)).toEqual([0, 0, 0]);
    expect(g.pba()).toBe(0);
    g.writeControl(ENABLE);
    expect(g.delivered(0x40) + g.delivered(0x41) + g.delivered(0x42)).toBe(0);
  });

  it.each([1, 3, 65, 2048])('V4: %i vectors are allocated', (n) => {
    const m = build({
      cpus: 1,
      devices: [
        {
          bdf: '00:04.0',
          name: 'big',
          vendor: 1,
          device: 2,
          class: 3,
          bars: [{ index: 0, type: 'mem64', size: 0x10000 }],
          msix: { vectors: n, table: { bar: 0, offset: 0 }, pba: { bar: 0, offset: 0x8000 } },
        },
      ],
    });
    const engine = m.fn(0x20)!.msix!;
    expect(engine.vectors).toBe(n);
    expect(engine.useCount).toHaveLength(n);
    expect(engine.table).toHaveLength(4 * n);
    expect(engine.use(n - 1).ok).toBe(true);
    expect(engine.use(n).ok).toBe(false);
  });
});

describe('vector notifiers (F1-F2)', () => {
  it('F1: enabled and unmasked: use fires for every unmasked vector with its message, then poll for all', () => {
    const g = enabled();
    g.writeEntry(1, CTRL, 1);
    const n = new RecordingNotifiers(true);
    expect(g.engine.setVectorNotifiers(n)).toEqual({ ok: true });
    expect(n.calls).toEqual([
      ['use', 0, apicAddress(1), 0, 0x40],
      ['use', 2, apicAddress(1), 0, 0x42],
      ['poll', 0, 3],
    ]);
  });

  it.each([
    ['disabled', 0],
    ['Function Mask set', ENABLE | MASKALL],
  ])('F1: %s: no use fires, only poll', (_name, control) => {
    const g = enabled();
    g.writeControl(control);
    const n = new RecordingNotifiers(true);
    expect(g.engine.setVectorNotifiers(n)).toEqual({ ok: true });
    expect(n.calls).toEqual([['poll', 0, 3]]);
  });

  it('F1: without a poll notifier, none is called', () => {
    const g = enabled();
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    expect(n.calls.map((c) => c[0])).toEqual(['use', 'use', 'use']);
  });

  it('F1: a failing use releases the unmasked vectors already done, in reverse, clears the notifiers and returns the error', () => {
    const g = Guest.nic({ vectors: 5, used: 'all' });
    for (let v = 0; v < 5; v++) g.program(v, apicAddress(0), 0x40 + v, v === 1);
    g.writeControl(ENABLE);
    const n = new RecordingNotifiers(true);
    n.failUse = 3;
    const r = g.engine.setVectorNotifiers(n);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(/vector use notifier failed \(-22\) for vector 3/);
    expect(n.take()).toEqual([
      ['use', 0, apicAddress(0), 0, 0x40],
      ['use', 2, apicAddress(0), 0, 0x42],
      ['use', 3, apicAddress(0), 0, 0x43],
      ['release', 2],
      ['release', 0],
    ]);
    expect(g.engine.hasNotifiers).toBe(false);
    g.writeEntry(0, CTRL, 1);
    g.writeEntry(1, CTRL, 0);
    expect(n.calls).toEqual([]);
  });

  it('F1: a failing use clears use and release but keeps the poll notifier: later PBA reads still poll', () => {
    const g = Guest.nic({ vectors: 3, used: 'all' });
    for (let v = 0; v < 3; v++) g.program(v, apicAddress(0), 0x40 + v);
    g.writeControl(ENABLE);
    const n = new RecordingNotifiers(true);
    n.failUse = 1;
    expect(g.engine.setVectorNotifiers(n).ok).toBe(false);
    n.take();
    g.pba();
    expect(n.take()).toEqual([['poll', 0, 3]]);
    g.writeEntry(0, CTRL, 1);
    g.writeEntry(0, CTRL, 0);
    expect(n.calls).toEqual([]);
  });

  it('F2: unsetting releases every unmasked vector when enabled and unmasked, then clears all three', () => {
    const g = enabled();
    g.writeEntry(1, CTRL, 1);
    const n = new RecordingNotifiers(true);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.engine.unsetVectorNotifiers();
    expect(n.take()).toEqual([
      ['release', 0],
      ['release', 2],
    ]);
    expect(g.engine.hasNotifiers).toBe(false);
    g.writeEntry(0, CTRL, 1);
    g.writeEntry(1, CTRL, 0);
    g.pba();
    expect(n.calls).toEqual([]);
  });

  it('F2: with the function masked, unsetting releases nothing', () => {
    const g = enabled();
    const n = new RecordingNotifiers(true);
    g.engine.setVectorNotifiers(n);
    g.writeControl(ENABLE | MASKALL);
    n.take();
    g.engine.unsetVectorNotifiers();
    expect(n.calls).toEqual([]);
    g.writeControl(ENABLE);
    expect(n.calls).toEqual([]);
  });
});
