// The table and PBA accessors against the layout a guest sees: every dword of an
// entry written at its BAR offset reads back through its named accessor, and the
// byte-offset helpers name the entry and dword each table byte belongs to.
import { describe, expect, it } from 'vitest';
import {
  ENTRY_DWORDS,
  ENTRY_DWORD_TITLES,
  EntryDword,
  dwordAtOffset,
  messageAddressHi,
  messageAddressLo,
  messageData,
  pendingBit,
  setVectorMaskBit,
  vectorAtOffset,
  vectorControl,
  vectorMaskBit,
  writeMessage,
} from '../../src-shared/registers/msix-entry';
import { MSIX_ENTRY, MSIX_ENTRY_SIZE } from '../../src-shared/registers/layout';
import { Guest } from '../machine/guest';

describe('MSI-X entry accessors (R3, R4)', () => {
  it('R3: each dword a guest writes at its offset reads back through its own accessor, on every vector', () => {
    const g = Guest.nic({ vectors: 3 });
    for (let v = 0; v < 3; v++) {
      g.writeEntry(v, MSIX_ENTRY.ADDR_LO, 0xfee00000 + v);
      g.writeEntry(v, MSIX_ENTRY.ADDR_HI, 0x10 + v);
      g.writeEntry(v, MSIX_ENTRY.DATA, 0x40 + v);
      g.writeEntry(v, MSIX_ENTRY.VECTOR_CTRL, v === 1 ? 0 : 1);
    }
    const t = g.engine.table;
    for (let v = 0; v < 3; v++) {
      expect([messageAddressLo(t, v), messageAddressHi(t, v), messageData(t, v), vectorControl(t, v)]).toEqual([0xfee00000 + v, 0x10 + v, 0x40 + v, v === 1 ? 0 : 1]);
      expect(vectorMaskBit(t, v)).toBe(v !== 1);
      for (const [name, byteOffset] of Object.entries(MSIX_ENTRY)) {
        expect(t[v * ENTRY_DWORDS + EntryDword[name as keyof typeof EntryDword]]).toBe(g.readEntry(v, byteOffset));
      }
    }
  });

  it('R3: the dword indexes are the byte offsets over 4, and each has its specification name', () => {
    expect(ENTRY_DWORDS * 4).toBe(MSIX_ENTRY_SIZE);
    for (const [name, byteOffset] of Object.entries(MSIX_ENTRY)) expect(EntryDword[name as keyof typeof EntryDword]).toBe(byteOffset / 4);
    expect(ENTRY_DWORD_TITLES[EntryDword.VECTOR_CTRL]).toBe('Vector Control');
    expect(ENTRY_DWORD_TITLES[EntryDword.ADDR_HI]).toBe('Message Upper Address');
  });

  it('names the entry and dword of every byte of a table, the last vector of 2048 included', () => {
    for (const offset of [0, 3, 4, 11, 12, 15, 16, 0x7ff0 + 12, 0x7fff]) {
      expect([vectorAtOffset(offset), dwordAtOffset(offset)]).toEqual([Math.floor(offset / 16), Math.floor((offset % 16) / 4)]);
    }
    expect(vectorAtOffset(0x7fff)).toBe(2047);
  });

  it('writeMessage leaves Vector Control; setVectorMaskBit changes bit 0 only', () => {
    const t = new Uint32Array(8);
    t[7] = 0xfffffffe;
    writeMessage(t, 1, 1, 2, 3);
    expect(Array.from(t.subarray(4))).toEqual([1, 2, 3, 0xfffffffe]);
    setVectorMaskBit(t, 1, true);
    expect(t[7]).toBe(0xffffffff);
    setVectorMaskBit(t, 1, false);
    expect(t[7]).toBe(0xfffffffe);
    expect(vectorMaskBit(t, 0)).toBe(false);
  });

  it('R4: a pending bit per vector, 32 to a dword, in plain arrays as in typed ones', () => {
    const pba = [0x80000001, 0x4];
    expect([0, 1, 31, 32, 34].map((v) => pendingBit(pba, v))).toEqual([true, false, true, false, true]);
    expect(pendingBit(new Uint32Array(pba), 31)).toBe(true);
  });
});
