// A virtio-net-like function as the host would describe it: MSI-X (3 vectors) in BAR1.
import type { ConfigSpaceImage, DeviceInfo, VectorSnapshot } from '../../src-shared/ipc/contract';
import { encodeBatch } from '../../src-shared/timeline/wire';
import { emptyColumns } from '../../src-shared/timeline/columns';

export const NIC = 0x18;
export const BAR1 = 0xfebf0000;

export function nicDevice(mappedAt: number | null = null, vectors = 3): DeviceInfo {
  return {
    bdf: NIC,
    address: '00:03.0',
    name: 'nic0',
    vendor: 0x1af4,
    device: 0x1000,
    classCode: 0x020000,
    configSize: 256,
    bars: [
      { index: 0, type: 'io', size: 0x20, prefetchable: false, mappedAt: null },
      { index: 1, type: 'mem32', size: 0x1000, prefetchable: false, mappedAt },
    ],
    msix: { vectors, capOffset: 0x84, tableBar: 1, tableOffset: 0, pbaBar: 1, pbaOffset: 0x800 },
  };
}

export const PLAIN: DeviceInfo = {
  bdf: 0x28,
  address: '00:05.0',
  name: 'plain',
  vendor: 0x8086,
  device: 0x1234,
  classCode: 0x010000,
  configSize: 256,
  bars: [],
  msix: null,
};

/** Config bytes with IDs, Command, Status (cap list), the MSI-X capability at 0x84, and real-looking masks. */
export function nicConfig(command = 0, control = 0x0002): ConfigSpaceImage {
  const bytes = new Array<number>(256).fill(0);
  const writable = new Array<number>(256).fill(0);
  const w1c = new Array<number>(256).fill(0);
  const put = (arr: number[], at: number, size: number, v: number): void => {
    for (let i = 0; i < size; i++) arr[at + i] = (v >>> (8 * i)) & 0xff;
  };
  put(bytes, 0, 2, 0x1af4);
  put(bytes, 2, 2, 0x1000);
  put(bytes, 4, 2, command);
  put(bytes, 6, 2, 0x0010);
  put(bytes, 8, 4, 0x02000001);
  put(bytes, 0x14, 4, 0);
  put(bytes, 0x34, 1, 0x84);
  put(bytes, 0x84, 1, 0x11);
  put(bytes, 0x86, 2, control);
  put(bytes, 0x88, 4, 0x00000001);
  put(bytes, 0x8c, 4, 0x00000801);
  put(writable, 4, 2, 0x0547);
  put(w1c, 6, 2, 0xf900);
  put(writable, 0x14, 4, 0xfffff000);
  put(writable, 0x87, 1, 0xc0);
  return { bdf: NIC, bytes, writable, w1c };
}

export function nicSnapshot(over: Partial<VectorSnapshot> = {}, vectors = 3): VectorSnapshot {
  const table: number[] = [];
  for (let v = 0; v < vectors; v++) table.push(0, 0, 0, 1);
  return {
    bdf: NIC,
    vectors,
    enabled: false,
    functionMask: false,
    functionMasked: true,
    table,
    pba: new Array<number>(Math.ceil(vectors / 32)).fill(0),
    useCount: new Array<number>(vectors).fill(1),
    delivered: new Array<number>(vectors).fill(0),
    lastEventTime: new Array<number>(vectors).fill(-1),
    sources: [],
    tableAddress: null,
    pbaAddress: null,
    why: Array.from({ length: vectors }, () => ({ text: 'MSI-X disabled', seq: null })),
    dropped: 0,
    ...over,
  };
}

export interface FakeEvent {
  time: number;
  kind: number;
  bdf?: number;
  vector?: number;
  a?: number;
  b?: number;
  c?: number;
  detail?: number;
}

export function batch(events: FakeEvent[], firstSeq: number, extra: { lost?: number; skipped?: number; total?: number; evicted?: number; now?: number } = {}): ArrayBuffer {
  const c = emptyColumns(events.length);
  events.forEach((e, i) => {
    c.time[i] = e.time;
    c.kind[i] = e.kind;
    c.bdf[i] = e.bdf ?? NIC;
    c.vector[i] = e.vector ?? 0;
    c.a[i] = e.a ?? 0;
    c.b[i] = e.b ?? 0;
    c.c[i] = e.c ?? 0;
    c.detail[i] = e.detail ?? 0;
  });
  return encodeBatch(
    { firstSeq, total: extra.total ?? firstSeq + events.length, evicted: extra.evicted ?? 0, lost: extra.lost ?? 0, skipped: extra.skipped ?? 0, now: extra.now ?? events.at(-1)?.time ?? 0 },
    c,
  );
}
