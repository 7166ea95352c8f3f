// The Import dialog's state: files (from the file input or File ▸ Import…) are
// inspected in main, the BAR sizes the dumps lack are confirmed or changed by the
// user, then main imports them and loads the result in place of the machine.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AssumedBarSize, DumpImportResult, DumpInspection, VectorsInUse } from '../../src-shared/ipc/contract';
import { encodeDumpFile, type DumpFileData } from '../../src-shared/pci-text/dump-file';
import { hex0x, parseSize } from '../lib/format';
import { useStatusStore } from './status';

export type ImportPhase = 'closed' | 'inspecting' | 'confirm' | 'importing' | 'done';

/**
 * One size field per BAR index, as the importer takes sizes (like the CLI's
 * `--bar-size INDEX=SIZE`): it applies to every listed device lacking that BAR's size.
 */
export interface BarSizeField {
  index: number;
  bars: AssumedBarSize[];
  /** The size the import uses unless told otherwise; null when the listed devices would use different ones. */
  defaultSize: number | null;
  text: string;
}

export async function readDumpFiles(files: readonly File[]): Promise<DumpFileData[]> {
  return Promise.all(files.map(async (f) => encodeDumpFile(f.name, new Uint8Array(await f.arrayBuffer()))));
}

function fieldsFor(inspection: DumpInspection): BarSizeField[] {
  const byIndex = new Map<number, AssumedBarSize[]>();
  for (const bar of inspection.assumedBars) byIndex.set(bar.index, [...(byIndex.get(bar.index) ?? []), bar]);
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, bars]) => {
      const sizes = new Set(bars.map((b) => b.size));
      const defaultSize = sizes.size === 1 ? bars[0]!.size : null;
      return { index, bars, defaultSize, text: defaultSize === null ? '' : hex0x(defaultSize) };
    });
}

export const useImportStore = defineStore('import', () => {
  const status = useStatusStore();
  const phase = ref<ImportPhase>('closed');
  const files = ref<DumpFileData[]>([]);
  const inspection = ref<DumpInspection | null>(null);
  const fields = ref<BarSizeField[]>([]);
  const error = ref('');
  const result = ref<DumpImportResult | null>(null);
  /** Imported vectors start in use, as a driver would have them; or unused, as QEMU's msix_init leaves them. */
  const vectorsInUse = ref<VectorsInUse>('all');
  /** Which open() is current: a reply to an earlier one (files chosen again meanwhile) is dropped. */
  let opened = 0;

  /** The sizes the user changed, or the first field that is not a size. */
  const overrides = computed<{ ok: true; barSizes: { index: number; size: number }[] } | { ok: false; error: string }>(() => {
    const barSizes: { index: number; size: number }[] = [];
    for (const field of fields.value) {
      const text = field.text.trim();
      if (text === '' && field.defaultSize === null) continue;
      const size = parseSize(text);
      if (size === undefined || size <= 0) return { ok: false, error: `BAR ${field.index}: '${field.text}' is not a size (e.g. 0x4000, 16K, 1M)` };
      if (size !== field.defaultSize) barSizes.push({ index: field.index, size });
    }
    return { ok: true, barSizes };
  });

  async function open(chosen: DumpFileData[]): Promise<void> {
    const mine = ++opened;
    files.value = chosen;
    inspection.value = null;
    fields.value = [];
    result.value = null;
    error.value = '';
    phase.value = 'inspecting';
    const reply = await status.request('inspectDumps', { files: chosen });
    if (mine !== opened || phase.value !== 'inspecting') return;
    if (!reply.ok) {
      error.value = reply.error;
      phase.value = 'confirm';
      return;
    }
    inspection.value = reply.value;
    fields.value = fieldsFor(reply.value);
    phase.value = 'confirm';
  }

  async function openFiles(chosen: readonly File[]): Promise<void> {
    if (chosen.length > 0) await open(await readDumpFiles(chosen));
  }

  /** Imports with the sizes as they stand; on success the machineLoaded event refreshes the views. */
  async function confirm(): Promise<boolean> {
    const sizes = overrides.value;
    if (inspection.value === null || phase.value !== 'confirm') return false;
    if (!sizes.ok) {
      error.value = sizes.error;
      return false;
    }
    error.value = '';
    phase.value = 'importing';
    const reply = await status.request('importDumps', { files: files.value, vectorsInUse: vectorsInUse.value, ...(sizes.barSizes.length > 0 ? { barSizes: sizes.barSizes } : {}) });
    if (!reply.ok) {
      error.value = reply.error;
      phase.value = 'confirm';
      return false;
    }
    result.value = reply.value;
    status.machine = reply.value.status;
    phase.value = 'done';
    return true;
  }

  function close(): void {
    opened++;
    phase.value = 'closed';
    files.value = [];
    inspection.value = null;
    fields.value = [];
    error.value = '';
    result.value = null;
  }

  return { phase, files, inspection, fields, error, result, overrides, vectorsInUse, open, openFiles, confirm, close };
});
