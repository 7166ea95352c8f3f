// The config writes the vector grid makes for plain MSI vectors
// (test/renderer/msi-vector-editing.test.ts), on a real host: the MSI engine takes
// them by its rules — read-only address bits (MI2), the vector in the data's low bits
// (MG1), a masked vector pending (MN2) and delivered when unmasked (MW4).
import { describe, expect, it } from 'vitest';
import { hostWith, value } from './fixtures';

const EDU = 0x20; // 00:04.0

describe('MSI vector edits through the contract', () => {
  it('MI2/MG1/MN2/MW4: address, data and mask bits written as the grid writes them', () => {
    const host = hostWith({
      cpus: 2,
      ram: [{ base: 0, size: 0x10000 }],
      devices: [{ bdf: '00:04.0', name: 'edu', vendor: 0x1234, device: 0x11e8, class: 0x00ff00, msi: { vectors: 4, is64bit: true, perVectorMask: true, capOffset: 0x40 } }],
    });
    const write = (offset: number, size: 1 | 2 | 4, v: number): number => value(host.dispatch('writeConfig', { bdf: EDU, offset, size, value: v })).value;
    write(0x04, 2, 0x4);
    write(0x42, 2, 0x21);
    expect(write(0x44, 4, 0xfee01003)).toBe(0xfee01000);
    write(0x4c, 2, 0x50);
    write(0x50, 4, 0b10);
    const snap = () => value(host.dispatch('vectorSnapshot', { bdf: EDU }));
    expect([0, 1, 2, 3].map((v) => snap().table[v * 4 + 2])).toEqual([0x50, 0x51, 0x52, 0x53]);
    value(host.dispatch('fireVector', { bdf: EDU, vector: 1 }));
    expect(snap()).toMatchObject({ pba: [0b10], delivered: [0, 0, 0, 0] });
    write(0x50, 4, 0);
    expect(snap()).toMatchObject({ pba: [0], delivered: [0, 1, 0, 0] });
    expect(value(host.dispatch('qtest', { line: 'interrupts' }))).toEqual({ reply: 'OK CPU1 0x51=1' });
  });
});
