// Bus 0 of a live QEMU, read as firmware would: config space through 0xCF8/0xCFC over
// qtest, each BAR sized by writing all ones and putting the old value back. It runs
// while QEMU is stopped at start (-S), before the guest has run an instruction; the
// trace lines it causes are discarded up to SCAN_DONE, which the attach writes last.
import type { QtestClient } from './qtest-client';
import type { QmpClient } from './qmp-client';
import { barFromSizingMask, type ScannedBar, type ScannedFunction } from './shadow-machine';

interface QueryPciDevice {
  bus: number;
  slot: number;
  function: number;
  class_info?: { desc?: string };
}

const CONFIG_BYTES = 256;

function configAddress(bdf: number, offset: number): string {
  return `0x${((0x80000000 | (bdf << 8) | offset) >>> 0).toString(16)}`;
}

async function readDword(qtest: QtestClient, bdf: number, offset: number): Promise<number> {
  await qtest.command(`outl 0xcf8 ${configAddress(bdf, offset)}`);
  return qtest.value('inl 0xcfc');
}

async function writeDword(qtest: QtestClient, bdf: number, offset: number, value: number): Promise<void> {
  await qtest.command(`outl 0xcf8 ${configAddress(bdf, offset)}`);
  await qtest.command(`outl 0xcfc 0x${(value >>> 0).toString(16)}`);
}

/** The 0xCF8 value (enable bit clear: selects nothing) whose traced write marks the end of the scan. */
export const SCAN_DONE = 0x7ffffffc;

export async function markScanDone(qtest: QtestClient): Promise<void> {
  await qtest.command(`outl 0xcf8 0x${SCAN_DONE.toString(16)}`);
}

/** BARs 0-5 of a type-0 header, by their sizing masks (a 64-bit BAR of 4 GiB or more is left out). */
async function sizeBars(qtest: QtestClient, bdf: number, config: DataView): Promise<ScannedBar[]> {
  const bars: ScannedBar[] = [];
  if ((config.getUint8(0x0e) & 0x7f) !== 0) return bars;
  for (let i = 0; i < 6; i++) {
    const offset = 0x10 + 4 * i;
    const old = config.getUint32(offset, true);
    await writeDword(qtest, bdf, offset, 0xffffffff);
    const mask = await readDword(qtest, bdf, offset);
    await writeDword(qtest, bdf, offset, old);
    const bar = barFromSizingMask(i, mask);
    if (bar === null) continue;
    bars.push(bar);
    // The upper half of a 64-bit BAR is not a BAR of its own.
    if (bar.mem64) i++;
  }
  return bars;
}

export async function scanBus0(qtest: QtestClient, qmp: QmpClient): Promise<ScannedFunction[]> {
  const buses = (await qmp.execute('query-pci')) as { bus: number; devices: QueryPciDevice[] }[];
  const known = new Map<number, QueryPciDevice>();
  for (const d of buses.find((b) => b.bus === 0)?.devices ?? []) known.set((d.slot << 3) | d.function, d);
  const found: ScannedFunction[] = [];
  for (let slot = 0; slot < 32; slot++) {
    for (let fn = 0; fn < 8; fn++) {
      const bdf = (slot << 3) | fn;
      const id = await readDword(qtest, bdf, 0);
      if ((id & 0xffff) === 0xffff) {
        if (fn === 0) break;
        continue;
      }
      const config = new Uint8Array(CONFIG_BYTES);
      const view = new DataView(config.buffer);
      for (let off = 0; off < CONFIG_BYTES; off += 4) view.setUint32(off, await readDword(qtest, bdf, off), true);
      found.push({ bdf, name: known.get(bdf)?.class_info?.desc ?? 'device', config, bars: await sizeBars(qtest, bdf, view) });
      // Functions 1-7 exist only behind a multi-function header type.
      if (fn === 0 && (config[0x0e]! & 0x80) === 0) break;
    }
  }
  return found;
}
