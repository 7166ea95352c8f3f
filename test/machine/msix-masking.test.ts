// Rules M1-M2 (masking), C1-C4 (config writes) and U1-U3 (mask update), seen
// through config cycles, table MMIO, APIC counts, notifier calls and the event log.
import { describe, expect, it } from 'vitest';
import { CTRL, DATA, ENABLE, Guest, MASKALL, RecordingNotifiers, apicAddress } from './guest';
import { DropReason, MaskCause, PendingClearCause } from '../../src-shared/timeline/event-kinds';

/** Three vectors in use, each aimed at CPU 1 with IDT vector 0x40+v, unmasked in the table. */
function programmed(): Guest {
  const g = Guest.nic({ used: 'all' });
  for (let v = 0; v < 3; v++) g.program(v, apicAddress(1), 0x40 + v);
  return g;
}

describe('masking (M1-M2)', () => {
  it.each([
    ['disabled', 0, true],
    ['disabled with Function Mask', MASKALL, true],
    ['enabled with Function Mask', ENABLE | MASKALL, true],
    ['enabled', ENABLE, false],
  ])('M1: the function is masked when MSI-X is disabled or Function Mask is set: %s', (_name, control, masked) => {
    const g = programmed();
    g.writeControl(control);
    expect(g.engine.functionMasked).toBe(masked);
    g.engine.notify(0);
    expect(g.total(1, 0x40)).toBe(masked ? 0 : 1);
    expect(g.pba()).toBe(masked ? 1 : 0);
  });

  it('M2: a vector is masked by the function or by its own mask bit', () => {
    const g = programmed();
    g.writeEntry(1, CTRL, 1);
    g.writeControl(ENABLE);
    expect([0, 1, 2].map((v) => g.engine.isMasked(v))).toEqual([false, true, false]);
    for (let v = 0; v < 3; v++) g.engine.notify(v);
    expect([g.total(1, 0x40), g.total(1, 0x41), g.total(1, 0x42)]).toEqual([1, 0, 1]);
    expect(g.pba()).toBe(0b010);
    g.writeControl(ENABLE | MASKALL);
    expect([0, 1, 2].map((v) => g.engine.isMasked(v))).toEqual([true, true, true]);
    g.engine.notify(0);
    expect(g.pba()).toBe(0b011);
  });
});

describe('config writes (C1-C4)', () => {
  it('C1: only a write covering cap+3 has MSI-X effects', () => {
    const g = programmed();
    // Enable set behind the engine's back: writes that miss cap+3 must not pick it up.
    g.fn.config.bytes[g.cap + 3] = ENABLE >> 8;
    g.cfgWrite(g.cap + 2, 1, 0xff);
    g.cfgWrite(g.cap, 2, 0xffff);
    g.cfgWrite(g.cap + 4, 4, 0);
    g.cfgWrite(0x3c, 1, 0x0b);
    expect(g.engine.functionMasked).toBe(true);
    g.engine.notify(0);
    expect(g.total(1, 0x40)).toBe(0);
    g.cfgWrite(g.cap + 3, 1, ENABLE >> 8);
    expect(g.engine.functionMasked).toBe(false);
    g.engine.notify(1);
    expect(g.total(1, 0x41)).toBe(1);
  });

  it.each([
    ['1 byte at cap+3', 3, 1, ENABLE >> 8],
    ['2 bytes at cap+2', 2, 2, ENABLE],
    ['4 bytes at cap', 0, 4, ENABLE << 16],
  ])('C1: %s covers cap+3', (_name, at, size, value) => {
    const g = programmed();
    g.engine.notify(2);
    g.cfgWrite(g.cap + at, size, value);
    expect(g.engine.enabled).toBe(true);
    expect(g.total(1, 0x42)).toBe(1); // the pending vector went out on the enable
  });

  it('C2: disabling recomputes the function mask and does nothing more: no notifier, pending bits kept', () => {
    const g = programmed();
    g.writeControl(ENABLE);
    const n = new RecordingNotifiers();
    expect(g.engine.setVectorNotifiers(n)).toEqual({ ok: true });
    n.take();
    g.writeEntry(1, CTRL, 1);
    g.engine.notify(1);
    n.take();
    g.markEvents();
    g.writeControl(0);
    expect(g.engine.functionMasked).toBe(true);
    expect(g.kinds()).toEqual(['ConfigWrite', 'FunctionMaskChanged']);
    expect(n.calls).toEqual([]);
    expect(g.pba()).toBe(0b010);
    g.engine.notify(0);
    expect(g.pba()).toBe(0b011);
    expect(g.total(1, 0x40)).toBe(0);
  });

  it('C3: while enabled, every write covering cap+3 deasserts INTx; while disabled none does', () => {
    const g = programmed();
    g.machine.raise(g.fn, 0);
    expect(g.fn.intxOutput).toBe(1);
    expect(g.cfgRead(0x06, 2) & 0x8).toBe(0x8);
    g.writeControl(MASKALL); // disabled: INTx stays
    expect(g.fn.intxOutput).toBe(1);
    g.markEvents();
    g.writeControl(ENABLE | MASKALL);
    expect(g.fn.intxOutput).toBe(0);
    expect(g.cfgRead(0x06, 2) & 0x8).toBe(0);
    expect(g.eventsOf('IntxChanged').map((e) => e.a)).toEqual([0]);
    // The function mask does not change here, yet INTx is lowered again.
    g.fn.setIntxLevel(1);
    expect(g.fn.intxOutput).toBe(1);
    g.writeControl(ENABLE | MASKALL);
    expect(g.fn.intxOutput).toBe(0);
  });

  it('C4: a function-mask change runs the mask update for each vector whose state changed, in vector order', () => {
    const g = programmed();
    g.writeEntry(1, CTRL, 1);
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    g.engine.notify(2);
    g.engine.notify(1);
    g.markEvents();
    g.writeControl(ENABLE);
    expect(n.take()).toEqual([
      ['use', 0, apicAddress(1), 0, 0x40],
      ['use', 2, apicAddress(1), 0, 0x42],
    ]);
    const updates = g.events().filter((e) => e.kind === 'VectorUnmasked' || e.kind === 'VectorMasked');
    expect(updates.map((e) => [e.kind, e.vector, e.detail])).toEqual([
      ['VectorUnmasked', 0, MaskCause.Enable],
      ['VectorUnmasked', 2, MaskCause.Enable],
    ]);
    expect(g.total(1, 0x42)).toBe(1);
    expect(g.pba()).toBe(0b010);
    g.markEvents();
    g.writeControl(ENABLE | MASKALL);
    expect(n.take()).toEqual([
      ['release', 0],
      ['release', 2],
    ]);
    expect(g.eventsOf('VectorMasked').map((e) => [e.vector, e.detail])).toEqual([
      [0, MaskCause.FunctionMask],
      [2, MaskCause.FunctionMask],
    ]);
  });

  it('C4: a write that leaves the function-masked state as it was runs no mask update', () => {
    const g = programmed();
    g.writeControl(ENABLE);
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.markEvents();
    g.writeControl(ENABLE);
    g.cfgWrite(g.cap + 3, 1, 0x80 | 0x3f); // reserved bits ignored
    expect(n.calls).toEqual([]);
    expect(g.kinds()).toEqual(['ConfigWrite', 'ConfigWrite']);
  });
});

describe('mask update (U1-U3)', () => {
  it('U1: a vector-control write that leaves the masked state as it was does nothing more', () => {
    const g = programmed();
    g.writeControl(ENABLE);
    g.writeEntry(0, CTRL, 1);
    g.engine.notify(0);
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.markEvents();
    g.writeEntry(0, CTRL, 0xffffffff); // still masked
    g.writeEntry(1, CTRL, 0xfffffffe); // still unmasked
    expect(n.calls).toEqual([]);
    expect(g.kinds()).toEqual(['TableWrite', 'TableWrite']);
    expect(g.pba()).toBe(1);
    expect(g.total(1, 0x40)).toBe(0);
  });

  it('U2: release on becoming masked, use with the current message on becoming unmasked', () => {
    const g = programmed();
    g.writeControl(ENABLE);
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.writeEntry(1, CTRL, 1);
    expect(n.take()).toEqual([['release', 1]]);
    g.writeEntry(1, DATA, 0x77);
    expect(n.take()).toEqual([]);
    g.writeEntry(1, CTRL, 0);
    expect(n.take()).toEqual([['use', 1, apicAddress(1), 0, 0x77]]);
  });

  it('U3: unmasking a pending vector in use clears the bit and sends the message, after the use notifier', () => {
    const g = programmed();
    g.writeControl(ENABLE);
    g.writeEntry(2, CTRL, 1);
    g.engine.notify(2);
    g.engine.notify(2);
    expect(g.pba()).toBe(0b100);
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.markEvents();
    g.writeEntry(2, CTRL, 0);
    expect(g.kinds()).toEqual(['TableWrite', 'VectorUnmasked', 'NotifierFired', 'PendingCleared', 'NotifyDelivered']);
    expect(g.pba()).toBe(0);
    expect(g.total(1, 0x42)).toBe(1); // one message for any number of pended notifies
    expect(g.eventsOf('PendingCleared')[0]!.detail).toBe(PendingClearCause.Unmask);
    expect(n.calls).toEqual([['use', 2, apicAddress(1), 0, 0x42]]);
  });

  it('U3: unmasking a pending vector not in use clears the bit, sends nothing and records the drop', () => {
    const g = programmed();
    g.writeControl(ENABLE);
    g.writeEntry(0, CTRL, 1);
    g.engine.notify(0);
    // A pending bit on a vector nobody uses: restored state, as after migration.
    const state = g.engine.save();
    g.engine.unuseAll();
    expect(g.engine.load(state)).toEqual({ ok: true });
    expect(g.pba()).toBe(1);
    g.markEvents();
    g.writeEntry(0, CTRL, 0);
    expect(g.pba()).toBe(0);
    expect(g.delivered(0x40)).toBe(0);
    const drops = g.eventsOf('NotifyDropped');
    expect(drops.map((e) => [e.vector, e.detail])).toEqual([[0, DropReason.UnmaskNotInUse]]);
  });

  it('U3: pending vectors are delivered when the function mask lifts', () => {
    const g = programmed();
    g.writeControl(ENABLE | MASKALL);
    g.engine.notify(0);
    g.engine.notify(2);
    expect(g.pba()).toBe(0b101);
    g.writeControl(ENABLE);
    expect(g.pba()).toBe(0);
    expect([g.total(1, 0x40), g.total(1, 0x41), g.total(1, 0x42)]).toEqual([1, 0, 1]);
  });
});
