// The vector grid's edits of plain MSI vectors, from the store to a real host: each
// goes out as the register editors' config write to the capability's register, and
// the MSI engine then behaves by its rules (MN2, MW4).
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { installTransport, type Transport } from '../../src-renderer/transport/transport';
import { useVectorsStore } from '../../src-renderer/stores/vectors';
import { useDevicesStore } from '../../src-renderer/stores/devices';
import { useRegistersStore } from '../../src-renderer/stores/registers';
import { useStatusStore } from '../../src-renderer/stores/status';
import { join } from 'node:path';
import { createAppHost, type AppHost } from '../../src-main/host/app-host';
import { folderPresets } from '../../src-main/host/presets';
import type { Reply, RequestName, RequestParams, RequestResult } from '../../src-shared/ipc/contract';

const EDU = 0x20; // 00:04.0

/** The stores talk straight to a host's dispatch, as the transports do; requests are recorded. */
function connect(host: AppHost): { name: RequestName; params: unknown }[] {
  const calls: { name: RequestName; params: unknown }[] = [];
  const transport: Transport = {
    kind: 'websocket',
    invoke: <N extends RequestName>(name: N, params: RequestParams<N>): Promise<Reply<RequestResult<N>>> => {
      calls.push({ name, params });
      return Promise.resolve(host.dispatch(name, params));
    },
    subscribe: () => () => {},
    onDisconnect: () => {},
    onReconnect: () => {},
  };
  installTransport(transport);
  setActivePinia(createPinia());
  return calls;
}

function eduHost(msi: { vectors: number; is64bit: boolean; perVectorMask: boolean }): AppHost {
  const text = JSON.stringify({
    cpus: 2,
    ram: [{ base: 0, size: 0x10000 }],
    devices: [{ bdf: '00:04.0', name: 'edu', vendor: 0x1234, device: 0x11e8, class: 0x00ff00, msi: { ...msi, capOffset: 0x40 } }],
  });
  const created = createAppHost({ presets: folderPresets(join(__dirname, '../../machines')), initial: { source: 'text', text, fileName: 'edu.json' } });
  if (!created.ok) throw new Error(created.error);
  return created.host;
}

async function open(host: AppHost): Promise<ReturnType<typeof useVectorsStore>> {
  // Bus Master on; MSI enabled with every capable vector (Multiple Message Enable clamps to Capable, MW2).
  for (const line of ['outl 0xcf8 0x80002004', 'outw 0xcfc 0x4', 'outl 0xcf8 0x80002040', 'outw 0xcfe 0x71']) host.dispatch('qtest', { line });
  await useDevicesStore().refresh();
  useDevicesStore().select(EDU);
  await useRegistersStore().load();
  const vectors = useVectorsStore();
  await vectors.refresh();
  return vectors;
}

const configWrites = (calls: { name: RequestName; params: unknown }[]): unknown[] => calls.filter((c) => c.name === 'writeConfig').map((c) => c.params);

describe('editing MSI vectors in the grid', () => {
  let host: AppHost;
  beforeEach(() => {
    host = eduHost({ vectors: 4, is64bit: true, perVectorMask: true });
  });

  it('address, data and mask bits go out as config writes to the MSI registers, and the grid shows what took effect', async () => {
    const calls = connect(host);
    const vectors = await open(host);
    expect(vectors.snapshot?.kind).toBe('msi');
    expect(await vectors.writeEntry(2, 'ADDR_LO', 0xfee01003)).toBe(true);
    expect(await vectors.writeEntry(2, 'ADDR_HI', 0)).toBe(true);
    expect(await vectors.writeEntry(2, 'DATA', 0x4461)).toBe(true);
    expect(await vectors.setMasked(1, true)).toBe(true);
    expect(configWrites(calls)).toEqual([
      { bdf: EDU, offset: 0x44, size: 4, value: 0xfee01003 },
      { bdf: EDU, offset: 0x48, size: 4, value: 0 },
      { bdf: EDU, offset: 0x4c, size: 2, value: 0x4461 },
      { bdf: EDU, offset: 0x50, size: 4, value: 0x2 },
    ]);
    // Address bits 1:0 are read-only (MI2); with 4 vectors enabled the data's low 2 bits are the vector (MG1).
    expect(vectors.rows.map((r) => [r.addrLo, r.data, r.masked])).toEqual([
      [0xfee01000, 0x4460, false],
      [0xfee01000, 0x4461, true],
      [0xfee01000, 0x4462, false],
      [0xfee01000, 0x4463, false],
    ]);
  });

  it('a vector masked from the grid pends its notify (MN2); unmasking it from the grid delivers it (MW4)', async () => {
    connect(host);
    const vectors = await open(host);
    await vectors.writeEntry(0, 'ADDR_LO', 0xfee01000);
    await vectors.writeEntry(0, 'DATA', 0x50);
    await vectors.setMasked(1, true);
    await vectors.fire(1);
    expect(vectors.rows[1]).toMatchObject({ masked: true, pending: true, delivered: 0 });
    await vectors.setMasked(1, false);
    expect(vectors.rows[1]).toMatchObject({ masked: false, pending: false, delivered: 1 });
    expect(host.dispatch('qtest', { line: 'interrupts' })).toEqual({ ok: true, value: { reply: 'OK CPU1 0x51=1' } });
  });

  it('refuses what the capability does not have, naming it, and writes nothing', async () => {
    host = eduHost({ vectors: 2, is64bit: false, perVectorMask: false });
    const calls = connect(host);
    const vectors = await open(host);
    const status = useStatusStore();
    expect(await vectors.writeEntry(0, 'ADDR_HI', 1)).toBe(false);
    expect(status.lastError?.message).toBe('vector 0: this MSI capability has a 32-bit address, so the upper half is always 0');
    expect(await vectors.setMasked(1, true)).toBe(false);
    expect(status.lastError?.message).toBe('vector 1: this MSI capability has no per-vector masking (no Mask Bits register)');
    expect(await vectors.writeEntry(0, 'DATA', 0x12345)).toBe(false);
    expect(status.lastError?.message).toBe('vector 0: MSI Message Data is 16 bits, 12345 does not fit');
    expect(configWrites(calls)).toEqual([]);
    expect(vectors.rows.every((r) => !r.maskable)).toBe(true);
    // A 32-bit capability's data sits at 0x08: the write lands there.
    expect(await vectors.writeEntry(1, 'DATA', 0x41)).toBe(true);
    expect(configWrites(calls)).toEqual([{ bdf: EDU, offset: 0x48, size: 2, value: 0x41 }]);
  });
});
