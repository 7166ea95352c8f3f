// Rules T1-T3 (table access) and P1-P2 (PBA), plus the edge tables DESIGN.md asks
// for: every access width at every entry offset, reads past the end into the BAR
// hole (A3), PBA read-only, pending delivered on unmask.
import { describe, expect, it } from 'vitest';
import { ADDR_HI, ADDR_LO, CTRL, DATA, ENABLE, Guest, MASKALL, NIC, RecordingNotifiers, apicAddress, pieces } from './guest';
import { ACCESS_WRITE } from '../../src-shared/timeline/event-kinds';


it('T1: the piece rule, spelled out for the cases the reference discusses', () => {
  expect(pieces(8, 8)).toEqual([
    [8, 4],
    [12, 4],
  ]);
  expect(pieces(4, 8)).toEqual([
    [4, 4],
    [8, 4],
  ]);
  expect(pieces(2, 4)).toEqual([
    [2, 2],
    [4, 2],
  ]);
  expect(pieces(1, 4)).toEqual([
    [1, 1],
    [2, 2],
    [4, 1],
  ]);
});

/** Vectors 1 and 2 hold a known pattern; the function is disabled, so nothing is sent. */
function patterned(): Guest {
  const g = Guest.nic({ used: 'all' });
  for (let v = 0; v < 3; v++) for (const f of [ADDR_LO, ADDR_HI, DATA, CTRL]) g.writeEntry(v, f, (0xa0000000 | (v << 8) | f | 1) >>> 0);
  return g;
}

const LO = 0x44332211;
const HI = 0x88776655;
const byteOf = (k: number): number => (k < 4 ? (LO >>> (8 * k)) & 0xff : (HI >>> (8 * (k - 4))) & 0xff);

describe('table access widths at every offset of an entry (T1)', () => {
  const cases: [number, number][] = [];
  for (const width of [1, 2, 4, 8]) for (let off = 0; off < 16; off++) cases.push([width, off]);

  it.each(cases)('T1: a %i-byte write at entry+%i stores exactly its 4-byte pieces and refuses the rest', (width, off) => {
    const g = patterned();
    const base = 16; // vector 1; 8-byte accesses at +12 reach into vector 2
    const before = g.engine.table.slice();
    const expected = before.slice();
    const refused: number[] = [];
    for (const [at, size] of pieces(base + off, width)) {
      if (size < 4) {
        refused.push(size);
        continue;
      }
      let v = 0;
      for (let k = 0; k < 4; k++) v |= byteOf(at - base - off + k) << (8 * k);
      expected[at >>> 2] = v >>> 0;
    }
    g.markEvents();
    g.write(g.entryAddr(1, off), width, LO, HI);
    expect(g.engine.table).toEqual(expected);
    const refusals = g.eventsOf('AccessRefused');
    expect(refusals.map((e) => e.detail)).toEqual(refused.map((s) => s | ACCESS_WRITE));
    expect(refusals.every((e) => e.bdf === NIC)).toBe(true);
    expect(g.eventsOf('TableWrite')).toHaveLength(pieces(base + off, width).length - refused.length);
  });

  it.each(cases)('T1: a %i-byte read at entry+%i returns its 4-byte pieces and 0 for refused ones', (width, off) => {
    const g = patterned();
    const base = 16;
    const table = new Uint8Array(g.engine.table.buffer.slice(0));
    let lo = 0;
    let hi = 0;
    let refusedCount = 0;
    for (const [at, size] of pieces(base + off, width)) {
      if (size < 4) {
        refusedCount++;
        continue;
      }
      for (let k = 0; k < 4; k++) {
        const pos = at - base - off + k;
        if (pos < 4) lo |= table[at + k]! << (8 * pos);
        else hi |= table[at + k]! << (8 * (pos - 4));
      }
    }
    g.markEvents();
    expect(g.read(g.entryAddr(1, off), width)).toBe(lo >>> 0);
    expect(g.machine.memory.readHigh).toBe(hi >>> 0);
    expect(g.eventsOf('AccessRefused')).toHaveLength(refusedCount);
  });
});

describe('table access (T1-T3)', () => {
  it('T1: an 8-byte write at entry+8 stores Data first, then Vector Control, a write of its own each', () => {
    const g = Guest.nic({ used: 'all' });
    g.program(0, apicAddress(1), 0x40, true);
    g.writeControl(ENABLE);
    g.engine.notify(0);
    g.markEvents();
    g.write(g.entryAddr(0, DATA), 8, 0x50, 0); // new data, unmasked
    expect(g.total(1, 0x50)).toBe(1); // the pending message went out with the new data
    expect(g.total(1, 0x40)).toBe(0);
    expect(g.events().map((e) => [e.kind, e.a])).toEqual([
      ['TableWrite', 8],
      ['TableWrite', 12],
      ['VectorUnmasked', 0],
      ['PendingCleared', 0],
      ['NotifyDelivered', 1],
    ]);
    g.write(g.entryAddr(0, DATA), 8, 0x60, 1);
    expect(g.readEntry(0, DATA)).toBe(0x60);
    expect(g.engine.isMasked(0)).toBe(true);
  });

  it('T1: the mask update runs after each half: an 8-byte write at entry+12 unmasks before writing the next entry', () => {
    const g = Guest.nic({ used: 'all' });
    g.program(0, apicAddress(1), 0x40, true);
    g.program(1, apicAddress(1), 0x41, true);
    g.writeControl(ENABLE);
    g.engine.notify(0);
    g.markEvents();
    g.write(g.entryAddr(0, CTRL), 8, 0, 0xfee03000);
    expect(g.events().map((e) => [e.kind, e.vector])).toEqual([
      ['TableWrite', 0],
      ['VectorUnmasked', 0],
      ['PendingCleared', 0],
      ['NotifyDelivered', 0],
      ['TableWrite', 1],
    ]);
    expect(g.readEntry(1, ADDR_LO)).toBe(0xfee03000);
  });

  it('T1: an 8-byte read at entry+8 returns Data low and Vector Control high', () => {
    const g = Guest.nic();
    g.writeEntry(2, DATA, 0x1234);
    expect(g.read(g.entryAddr(2, DATA), 8)).toBe(0x1234);
    expect(g.machine.memory.readHigh).toBe(1);
  });

  it('T1: a 4-byte write at entry+2 is two refused 2-byte pieces: nothing changes, both reported', () => {
    const g = Guest.nic();
    g.markEvents();
    g.write(g.entryAddr(0, CTRL - 2), 4, 0);
    expect(g.readEntry(0, CTRL)).toBe(1);
    const refused = g.eventsOf('AccessRefused');
    expect(refused.map((e) => [e.detail, e.a])).toEqual([
      [2 | ACCESS_WRITE, g.entryAddr(0, 10)],
      [2 | ACCESS_WRITE, g.entryAddr(0, 12)],
    ]);
    g.markEvents();
    expect(g.read(g.entryAddr(0, CTRL - 2), 4)).toBe(0);
    expect(g.eventsOf('AccessRefused').map((e) => e.detail)).toEqual([2, 2]);
  });

  it('T2: a read returns the stored dword, reserved vector-control bits included', () => {
    const g = Guest.nic();
    const values = [0xdeadbeef, 0xffffffff, 0x12345678, 0xfffffffe];
    [ADDR_LO, ADDR_HI, DATA, CTRL].forEach((f, i) => g.writeEntry(1, f, values[i]!));
    expect([ADDR_LO, ADDR_HI, DATA, CTRL].map((f) => g.readEntry(1, f))).toEqual(values);
    expect(g.engine.isMasked(1)).toBe(true); // function still masked
    g.writeEntry(1, CTRL, 0x80000001);
    expect(g.readEntry(1, CTRL)).toBe(0x80000001);
  });

  it('T3: a write stores the dword, then runs the mask update', () => {
    const g = Guest.nic({ used: 'all' });
    g.writeControl(ENABLE);
    g.markEvents();
    g.writeEntry(1, CTRL, 0);
    g.writeEntry(1, CTRL, 1);
    expect(g.kinds()).toEqual(['TableWrite', 'VectorUnmasked', 'TableWrite', 'VectorMasked']);
  });

  it('T3: changing address or data of an unmasked vector fires no notifier; the next message uses them', () => {
    const g = Guest.nic({ used: 'all' });
    g.program(0, apicAddress(0), 0x40);
    g.writeControl(ENABLE);
    const n = new RecordingNotifiers(false);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.writeEntry(0, ADDR_LO, apicAddress(3));
    g.writeEntry(0, DATA, 0x45);
    g.write(g.entryAddr(0, ADDR_LO), 8, apicAddress(2), 0);
    expect(n.calls).toEqual([]);
    g.engine.notify(0);
    expect(g.total(2, 0x45)).toBe(1);
  });
});

describe('the BAR around the table and PBA (A3)', () => {
  it.each([
    ['just past the table', 0x30],
    ['the last dword before the PBA', 0x7fc],
    ['just past the PBA', 0x808],
    ['the last dword of the BAR', 0xffc],
  ])('A3: a read %s returns 0 and is reported unclaimed; a write there is dropped and reported', (_name, off) => {
    const g = Guest.nic();
    g.markEvents();
    expect(g.read(g.barAddr + off, 4)).toBe(0);
    g.write(g.barAddr + off, 4, 0xffffffff);
    expect(g.read(g.barAddr + off, 4)).toBe(0);
    expect(g.events().map((e) => [e.kind, e.detail, e.bdf, e.a])).toEqual([
      ['AccessUnclaimed', 4, NIC, g.barAddr + off],
      ['AccessUnclaimed', 4 | ACCESS_WRITE, NIC, g.barAddr + off],
      ['AccessUnclaimed', 4, NIC, g.barAddr + off],
    ]);
  });

  it('A3: an 8-byte read straddling the table end returns the last dword and 0', () => {
    const g = Guest.nic();
    g.writeEntry(2, CTRL, 0xabcd0001);
    g.markEvents();
    expect(g.read(g.entryAddr(2, CTRL), 8)).toBe(0xabcd0001);
    expect(g.machine.memory.readHigh).toBe(0);
    expect(g.kinds()).toEqual(['TableRead', 'AccessUnclaimed']);
  });
});

describe('Pending Bit Array (P1-P2)', () => {
  it('P1: writes are ignored, whatever their width', () => {
    const g = Guest.nic({ used: 'all' });
    g.engine.notify(1);
    g.markEvents();
    g.write(g.pbaAddr(), 4, 0);
    g.write(g.pbaAddr(), 4, 0xffffffff);
    g.write(g.pbaAddr(), 8, 0, 0);
    expect(g.pba()).toBe(0b010);
    expect(g.eventsOf('PbaWrite').map((e) => e.b)).toEqual([0, 0xffffffff, 0, 0]);
    expect([0, 1, 2].map((v) => g.engine.isPending(v))).toEqual([false, true, false]);
  });

  it('P1: the T1 access rules apply: 8-byte reads in two halves, sub-4-byte pieces refused', () => {
    const g = Guest.nic({ vectors: 65, used: 'all' });
    g.engine.notify(0);
    g.engine.notify(33);
    g.engine.notify(64);
    expect(g.read(g.pbaAddr(), 8)).toBe(1);
    expect(g.machine.memory.readHigh).toBe(2);
    expect(g.read(g.pbaAddr(8), 8)).toBe(1);
    g.markEvents();
    expect(g.read(g.pbaAddr(), 1)).toBe(0);
    expect(g.read(g.pbaAddr(4), 2)).toBe(0);
    g.write(g.pbaAddr(), 2, 0);
    expect(g.kinds()).toEqual(['AccessRefused', 'AccessRefused', 'AccessRefused']);
    expect(g.pba(0)).toBe(1);
  });

  it('P2: a read returns the pending bits; a poll notifier is called first for the vectors the read covers', () => {
    const g = Guest.nic({ vectors: 40, used: 'all' });
    g.writeControl(ENABLE | MASKALL);
    const n = new RecordingNotifiers(true);
    // Once armed, the poll notifier raises vector 38 (a device catching up on its queues).
    let armed = false;
    n.poll = (start, end) => {
      n.calls.push(['poll', start, end]);
      if (armed && start <= 38 && 38 < end) g.engine.notify(38);
    };
    g.engine.setVectorNotifiers(n);
    expect(n.take()).toEqual([['poll', 0, 40]]);
    armed = true;
    expect(g.pba(0)).toBe(0);
    expect(n.take()).toEqual([['poll', 0, 32]]);
    // Offset 4, size 4: vectors [32, min(64, 40)) = [32, 40); the reference's [32, min(36, 40)) misses 38.
    expect(g.pba(1)).toBe(1 << 6);
    expect(n.take()).toEqual([['poll', 32, 40]]);
  });

  it('P2: an 8-byte PBA read polls each half', () => {
    const g = Guest.nic({ vectors: 65 });
    const n = new RecordingNotifiers(true);
    g.engine.setVectorNotifiers(n);
    n.take();
    g.read(g.pbaAddr(0), 8);
    expect(n.take()).toEqual([
      ['poll', 0, 32],
      ['poll', 32, 64],
    ]);
  });

  it('P2: without a poll notifier a read just returns the bits', () => {
    const g = Guest.nic({ used: 'all' });
    g.engine.setVectorNotifiers(new RecordingNotifiers(false));
    g.engine.notify(2);
    g.markEvents();
    expect(g.pba()).toBe(0b100);
    expect(g.kinds()).toEqual(['PbaRead']);
  });

  it.each([0, 1, 2])('pending vector %i is delivered on unmask, once, and its bit clears', (v) => {
    const g = Guest.nic({ used: 'all' });
    for (let k = 0; k < 3; k++) g.program(k, apicAddress(k), 0x40 + k, true);
    g.writeControl(ENABLE);
    g.engine.notify(v);
    g.engine.notify(v);
    expect(g.pba()).toBe(1 << v);
    g.writeEntry(v, CTRL, 0);
    expect(g.pba()).toBe(0);
    expect(g.total(v, 0x40 + v)).toBe(1);
    expect(g.delivered(0x40) + g.delivered(0x41) + g.delivered(0x42)).toBe(1);
  });
});
