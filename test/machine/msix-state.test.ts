// Rules X1-X6: reset, removal, saved state, get/set message, present/enabled, no Xen.
import { describe, expect, it } from 'vitest';
import { ADDR_HI, ADDR_LO, CAP, CTRL, DATA, ENABLE, Guest, MASKALL, NIC, RecordingNotifiers, apicAddress } from './guest';
import { loadMachineObject } from '../../src-main/machine/machine-builder';
import { MsixEngine } from '../../src-main/machine/msix/msix-engine';
import { PendingClearCause } from '../../src-shared/timeline/event-kinds';

function enabled(): Guest {
  const g = Guest.nic({ used: 'all' });
  for (let v = 0; v < 3; v++) g.program(v, apicAddress(1), 0x40 + v);
  g.writeControl(ENABLE);
  return g;
}

const entries = (g: Guest, n = 3): number[][] => Array.from({ length: n }, (_, v) => [ADDR_LO, ADDR_HI, DATA, CTRL].map((f) => g.readEntry(v, f)));

describe('reset (X1)', () => {
  it('X1: pending cleared, Enable and Function Mask cleared, table zeroed, every mask bit set, use counts kept', () => {
    const g = enabled();
    g.use(2);
    g.writeEntry(1, CTRL, 1);
    g.engine.notify(1);
    g.writeControl(ENABLE | MASKALL);
    g.engine.notify(0);
    g.markEvents();
    g.engine.reset();
    expect(g.eventsOf('PendingCleared').map((e) => [e.vector, e.detail])).toEqual([
      [0, PendingClearCause.Reset],
      [1, PendingClearCause.Reset],
    ]);
    expect(g.control()).toBe(2);
    expect(g.engine.enabled).toBe(false);
    expect(g.engine.functionMasked).toBe(true);
    expect(entries(g)).toEqual([
      [0, 0, 0, 1],
      [0, 0, 0, 1],
      [0, 0, 0, 1],
    ]);
    expect(g.pba()).toBe(0);
    expect(Array.from(g.engine.useCount)).toEqual([1, 1, 2]);
    g.writeControl(ENABLE);
    g.engine.notify(2);
    expect(g.pba()).toBe(0b100); // masked by its (reset) mask bit, still in use
  });

  it('X1: with 2048 vectors the reset keeps the table size in Message Control (bits 10:8 are in the high byte)', () => {
    const built = loadMachineObject({
      cpus: 1,
      devices: [{ bdf: '00:03.0', name: 'big', vendor: 1, device: 2, class: 0x020000, msix: { vectors: 2048, capOffset: CAP, exclusiveBar: 2, used: 'all' } }],
    });
    if (!built.ok) throw new Error(built.errors.join('\n'));
    const fn = built.machine.fn(NIC)!;
    fn.configWrite(CAP + 2, 2, 0xc000);
    expect(fn.config.read(CAP + 2, 2)).toBe(0xc7ff);
    fn.msix!.reset();
    expect(fn.config.read(CAP + 2, 2)).toBe(0x07ff);
    expect(fn.msix!.vectors).toBe(2048);
  });

  it('X1: only vectors unmasked before the reset get a release; one masked by its own bit gets none', () => {
    const g = enabled();
    g.writeEntry(1, CTRL, 1);
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.engine.reset();
    expect(n.calls).toEqual([
      ['release', 0],
      ['release', 2],
    ]);
  });

  it('X1: with the function masked before the reset, no release at all', () => {
    const g = enabled();
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    g.writeControl(ENABLE | MASKALL);
    n.take();
    g.engine.reset();
    expect(n.calls).toEqual([]);
  });
});

describe('removal (X2)', () => {
  it('X2: the capability is unlinked, use counts and pending bits cleared, table and PBA unmapped', () => {
    const g = enabled();
    g.writeEntry(0, CTRL, 1);
    g.engine.notify(0);
    g.engine.uninit();
    expect(g.cfgRead(0x34, 1)).toBe(0);
    expect(g.cfgRead(0x06, 2) & 0x10).toBe(0);
    expect(g.fn.caps.find(0x11)).toBe(0);
    for (let o = 0; o < 12; o += 4) expect(g.cfgRead(CAP + o, 4)).toBe(0);
    expect(Array.from(g.engine.useCount)).toEqual([0, 0, 0]);
    expect(g.engine.isPending(0)).toBe(false);
    g.markEvents();
    expect(g.readEntry(1, DATA)).toBe(0);
    expect(g.pba()).toBe(0);
    g.writeEntry(1, CTRL, 0);
    expect(g.kinds()).toEqual(['AccessUnclaimed', 'AccessUnclaimed', 'AccessUnclaimed']);
  });

  it('X2: Message Control is gone: writing Enable where it was enables nothing', () => {
    const g = Guest.nic({ used: 'all' });
    g.engine.uninit();
    g.writeControl(ENABLE);
    expect(g.control()).toBe(0);
    expect(g.engine.enabled).toBe(false);
  });
});

describe('saved state (X3)', () => {
  it.each([
    [3, 49],
    [8, 129],
    [65, 65 * 16 + 9],
  ])('X3: %i vectors save the table then the PBA: %i bytes', (n, length) => {
    const g = Guest.nic({ vectors: n, used: 'all' });
    g.writeEntry(0, DATA, 0x11223344);
    g.engine.notify(n - 1);
    const s = g.engine.save();
    expect(s).toHaveLength(length);
    expect(MsixEngine.savedStateLength(n)).toBe(length);
    expect([...s.subarray(8, 12)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect([...s.subarray(12, 16)]).toEqual([1, 0, 0, 0]);
    const pba = s.subarray(16 * n);
    expect(pba[(n - 1) >> 3]).toBe(1 << ((n - 1) & 7));
    expect(pba.reduce((a, b) => a + b, 0)).toBe(1 << ((n - 1) & 7));
  });

  it('X3: restoring clears pending bits, loads table and PBA, recomputes the function mask, then updates every vector', () => {
    const src = enabled();
    src.writeEntry(0, CTRL, 1);
    src.writeEntry(2, CTRL, 1);
    src.engine.notify(0);
    src.engine.notify(2);
    src.writeEntry(2, CTRL, 0); // delivers and clears 2
    src.writeEntry(0, DATA, 0x55);
    const state = src.engine.save();

    const dst = Guest.nic({ used: [0, 2] });
    dst.writeControl(ENABLE); // the config space comes back separately, before the MSI-X state
    dst.engine.notify(1); // not in use here: dropped
    const n = new RecordingNotifiers(false);
    dst.engine.setVectorNotifiers(n);
    dst.writeEntry(1, CTRL, 1);
    n.take();
    dst.markEvents();
    expect(dst.engine.load(state)).toEqual({ ok: true });
    expect(entries(dst)).toEqual(entries(src));
    expect(dst.engine.isPending(0)).toBe(true);
    // Vectors 1 and 2 are unmasked in the state and get use as if masked before; 0 is masked.
    expect(n.calls).toEqual([
      ['use', 1, apicAddress(1), 0, 0x41],
      ['use', 2, apicAddress(1), 0, 0x42],
    ]);
    expect(dst.eventsOf('StateLoaded').map((e) => e.a)).toEqual([state.length]);
    dst.writeEntry(0, CTRL, 0);
    expect(dst.total(1, 0x55)).toBe(1);
  });

  it('X3: a restored pending bit on an unmasked vector in use is delivered by the load itself', () => {
    const src = enabled();
    src.writeControl(ENABLE | MASKALL);
    src.engine.notify(1);
    const state = src.engine.save();
    const dst = enabled();
    dst.engine.load(state);
    expect(dst.total(1, 0x41)).toBe(1);
    expect(dst.engine.isPending(1)).toBe(false);
  });

  it('X3: a restored function mask comes from config space as it stands', () => {
    const src = enabled();
    src.writeEntry(0, CTRL, 1);
    src.engine.notify(0);
    const state = src.engine.save();
    const dst = enabled();
    dst.writeControl(ENABLE | MASKALL);
    dst.engine.load(state);
    expect(dst.engine.functionMasked).toBe(true);
    dst.engine.notify(1);
    expect(dst.pba()).toBe(0b011);
  });

  it.each([0, 48, 50, 1000])('X3: state of %i bytes (expected 49) is refused, nothing changed', (len) => {
    const g = enabled();
    g.writeEntry(1, CTRL, 1);
    g.engine.notify(1);
    const table = g.engine.table.slice();
    const pba = g.engine.pba.slice();
    g.markEvents();
    const r = g.engine.load(new Uint8Array(len).fill(0xff));
    expect(r).toEqual({ ok: false, error: `saved MSI-X state is ${len} bytes, expected 49 (16*3 table + 1 PBA)` });
    expect(g.engine.table).toEqual(table);
    expect(g.engine.pba).toEqual(pba);
    expect(g.events()).toEqual([]);
  });
});

describe('messages, presence, Xen (X4-X6)', () => {
  it('X4: get-message reads the 64-bit address and data from the entry', () => {
    const g = Guest.nic();
    g.program(1, 0xfee01000, 0x4041, true, 0x12);
    expect(g.engine.getMessage(1)).toEqual({ addrLo: 0xfee01000, addrHi: 0x12, data: 0x4041 });
  });

  it('X4: set-message writes the message and clears the mask bit directly: no notifier, no pending processing', () => {
    const g = enabled();
    g.writeEntry(0, CTRL, 1);
    g.engine.notify(0);
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.markEvents();
    g.engine.setMessage(0, apicAddress(2), 0, 0x70);
    expect(n.calls).toEqual([]);
    expect(g.events()).toEqual([]);
    expect(entries(g, 1)).toEqual([[apicAddress(2), 0, 0x70, 0]]);
    expect(g.engine.isPending(0)).toBe(true);
    expect(g.delivered(0x40) + g.delivered(0x70)).toBe(0);
    g.engine.notify(0);
    expect(g.total(2, 0x70)).toBe(1);
  });

  it('X4: set-message keeps the reserved bits of vector control', () => {
    const g = Guest.nic();
    g.writeEntry(0, CTRL, 0xf0000001);
    g.engine.setMessage(0, 1, 2, 3);
    expect(g.readEntry(0, CTRL)).toBe(0xf0000000);
  });

  it('X5: present = the capability exists; enabled = present and Enable set', () => {
    const g = Guest.nic();
    expect(g.fn.caps.find(0x11)).toBe(CAP);
    expect(g.engine.enabled).toBe(false);
    g.writeControl(MASKALL);
    expect(g.engine.enabled).toBe(false);
    g.writeControl(ENABLE | MASKALL);
    expect(g.engine.enabled).toBe(true);
    g.engine.uninit();
    expect(g.fn.caps.find(0x11)).toBe(0);
    expect(g.engine.enabled).toBe(false);
  });

  it('X6: no Xen pirq exception: a masked vector whose data has vector 0 stays masked', () => {
    const g = enabled();
    g.program(0, apicAddress(0), 0x0000, true);
    expect(g.engine.isMasked(0)).toBe(true);
    g.engine.notify(0);
    expect(g.pba()).toBe(1);
    expect(g.total(0, 0)).toBe(0);
  });
});
