// The vector grid's edits of plain MSI vectors: each goes out as the register editors'
// config write to the capability's register (test/host/msi-vector-writes.test.ts runs
// the same writes on a real host); what the capability lacks is refused, named.
import { beforeEach, describe, expect, it } from 'vitest';
import { setup, type FakeTransport } from './fake-transport';
import { nicConfig, nicSnapshot } from './fixtures';
import { useVectorsStore } from '../../src-renderer/stores/vectors';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useStatusStore } from '../../src-renderer/stores/status';
import type { DeviceInfo, MsiInfo } from '../../src-shared/ipc/contract';

const EDU = 0x20; // 00:04.0

function edu(msi: MsiInfo): DeviceInfo {
  return { bdf: EDU, address: '00:04.0', name: 'edu', vendor: 0x1234, device: 0x11e8, classCode: 0x00ff00, configSize: 256, bars: [], msix: null, msi };
}

let transport: FakeTransport;

/** The store on an MSI device of 4 vectors at 0x40, all enabled, sharing address 0xfee01000 and data 0x4460 (vector 1 masked). */
async function open(msi: MsiInfo): Promise<ReturnType<typeof useVectorsStore>> {
  transport.on('listDevices', () => [edu(msi)]);
  transport.on('readConfigSpace', () => ({ ...nicConfig(), bdf: EDU }));
  const table = [0, 1, 2, 3].flatMap((v) => [0xfee01000, 0, 0x4460 | v, v === 1 ? 1 : 0]);
  transport.on('vectorSnapshot', () => nicSnapshot({ bdf: EDU, kind: 'msi', table, pba: [0], enabled: true, functionMasked: false }, 4));
  transport.on('interruptCounts', () => ({ cpus: 2, rows: [] }));
  transport.on('writeConfig', ({ value }) => ({ value }));
  const devices = useDevicesStore();
  await devices.refresh();
  devices.select(EDU);
  const vectors = useVectorsStore();
  await vectors.refresh();
  return vectors;
}

beforeEach(() => {
  ({ transport } = setup());
});

describe('editing MSI vectors in the grid', () => {
  it('a 64-bit capability with per-vector masking: address, upper address, data and mask bits go to its registers', async () => {
    const vectors = await open({ vectors: 4, capOffset: 0x40, is64bit: true, perVectorMask: true });
    expect(vectors.rows.map((r) => r.maskable)).toEqual([true, true, true, true]);
    expect(await vectors.writeEntry(2, 'ADDR_LO', 0xfee02000)).toBe(true);
    expect(await vectors.writeEntry(2, 'ADDR_HI', 0)).toBe(true);
    expect(await vectors.writeEntry(2, 'DATA', 0x4461)).toBe(true);
    // Vector 1 is masked already: masking vector 3 too writes both bits; unmasking 1 leaves 3's.
    expect(await vectors.setMasked(3, true)).toBe(true);
    expect(await vectors.setMasked(1, false)).toBe(true);
    expect(transport.named('writeConfig')).toEqual([
      { bdf: EDU, offset: 0x44, size: 4, value: 0xfee02000 },
      { bdf: EDU, offset: 0x48, size: 4, value: 0 },
      { bdf: EDU, offset: 0x4c, size: 2, value: 0x4461 },
      { bdf: EDU, offset: 0x50, size: 4, value: 0b1010 },
      { bdf: EDU, offset: 0x50, size: 4, value: 0b0000 },
    ]);
    expect(transport.named('writeMmio')).toEqual([]);
  });

  it('a 32-bit capability without masking: data at 0x08; no upper address, no mask bits, data past 16 bits refused with the reason', async () => {
    const vectors = await open({ vectors: 4, capOffset: 0x40, is64bit: false, perVectorMask: false });
    const status = useStatusStore();
    expect(vectors.rows.every((r) => !r.maskable)).toBe(true);
    expect(await vectors.writeEntry(0, 'ADDR_HI', 1)).toBe(false);
    expect(status.lastError?.message).toBe('vector 0: this MSI capability has a 32-bit address, so the upper half is always 0');
    expect(await vectors.setMasked(1, true)).toBe(false);
    expect(status.lastError?.message).toBe('vector 1: this MSI capability has no per-vector masking (no Mask Bits register)');
    expect(await vectors.writeEntry(0, 'DATA', 0x12345)).toBe(false);
    expect(status.lastError?.message).toBe('vector 0: MSI Message Data is 16 bits, 12345 does not fit');
    expect(transport.named('writeConfig')).toEqual([]);
    expect(await vectors.writeEntry(1, 'DATA', 0x41)).toBe(true);
    expect(await vectors.writeEntry(1, 'ADDR_LO', 0xfee00000)).toBe(true);
    expect(transport.named('writeConfig')).toEqual([
      { bdf: EDU, offset: 0x48, size: 2, value: 0x41 },
      { bdf: EDU, offset: 0x44, size: 4, value: 0xfee00000 },
    ]);
  });
});
