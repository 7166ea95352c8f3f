// The machine the shadow model runs: QEMU's bus-0 functions as read from it (over
// qtest, or from the config reads in a trace log), imported the way `irqscope import`
// imports an lspci dump, so each device keeps its config space and its MSI-X layout as
// its capability states it.
import { parseSysfsConfig, type LspciDevice } from '../../src-shared/pci-text/lspci-dump';
import { importDevices } from '../../src-shared/pci-text/import';
import { parseMachineDescription, type MachineDescriptionInput } from '../../src-shared/machine-file/description';
import { buildMachine } from '../machine/machine-builder';
import type { Machine } from '../machine/machine';
import { formatBdf } from '../machine/pci/pci-bus';

/** One function as read from QEMU. */
export interface ScannedFunction {
  bdf: number;
  /** QEMU's name for the device model (`e1000e`), for messages and the machine file. */
  name: string;
  /** The first 256 bytes of config space. */
  config: Uint8Array;
  /** The BARs found by sizing (their registers may still read 0: unassigned). */
  bars: ScannedBar[];
}

export interface ScannedBar {
  index: number;
  io: boolean;
  mem64: boolean;
  prefetchable: boolean;
  size: number;
}

/**
 * A BAR as its sizing mask (the register read back after writing all ones) says, or
 * null for none; a 64-bit BAR of 4 GiB or more is left out.
 */
export function barFromSizingMask(index: number, mask: number): ScannedBar | null {
  const io = (mask & 1) === 1;
  const mem64 = !io && ((mask >>> 1) & 3) === 2;
  const bits = (mask & (io ? 0xfffc : ~0xf)) >>> 0;
  if (bits === 0) return null;
  return { index, io, mem64, prefetchable: !io && (mask & 8) !== 0, size: (io ? (~bits + 1) & 0xffff : ~bits + 1) >>> 0 };
}

export type ShadowMachine = { ok: true; machine: Machine; description: MachineDescriptionInput; warnings: string[] } | { ok: false; errors: string[] };

export function buildShadowMachine(functions: readonly ScannedFunction[]): ShadowMachine {
  const devices: LspciDevice[] = [];
  const errors: string[] = [];
  for (const f of functions) {
    const parsed = parseSysfsConfig(f.config, `0000:${formatBdf(f.bdf)}`);
    errors.push(...parsed.errors);
    const barSizes: (number | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
    for (const b of f.bars) barSizes[b.index] = b.size;
    // An unassigned BAR reads 0: the import learns its type as from lspci's region lines.
    const regions = f.bars.map((b) => ({ line: 0, index: b.index, io: b.io, address: undefined, memType: b.io ? undefined : b.mem64 ? ('64-bit' as const) : ('32-bit' as const), prefetchable: b.prefetchable, virtual: false, disabled: false, size: b.size }));
    for (const d of parsed.devices) devices.push({ ...d, title: f.name, barSizes, regions });
  }
  if (errors.length > 0) return { ok: false, errors };
  if (devices.length === 0) return { ok: false, errors: ['no PCI function found on bus 0'] };
  const imported = importDevices(devices);
  // QEMU's device models (e1000e, virtio, nvme) put every vector in use at realize.
  for (const d of imported.description.devices ?? []) if (d.msix !== undefined) d.msix.used = 'all';
  const parsed = parseMachineDescription(imported.description);
  const built = parsed.ok ? buildMachine(parsed.value) : parsed;
  if (!built.ok) return { ok: false, errors: built.errors };
  return { ok: true, machine: built.machine, description: imported.description, warnings: [...imported.warnings, ...built.warnings] };
}
