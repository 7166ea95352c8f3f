// A preset machine from machines/, built as the CLI builds it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import type { Machine } from '../../src-main/machine/machine';

interface PresetFile {
  ram: { size: string | number }[];
  eventLogCapacity?: number;
  devices: Record<string, unknown>[];
}

/**
 * `small`: 64 KiB of RAM and a log of 4096 events instead of 128 MiB and 1 M, for tests that build many machines.
 * `edit` changes the description before it is built (a capability added to a device).
 */
export function loadPreset(name: string, small = false, edit?: (desc: PresetFile) => void): Machine {
  const desc = JSON.parse(readFileSync(join(__dirname, '../../machines', `${name}.json`), 'utf8')) as PresetFile;
  edit?.(desc);
  if (small) {
    desc.ram.forEach((r) => (r.size = 0x10000));
    desc.eventLogCapacity = 1 << 12;
  }
  const built = loadMachineText(JSON.stringify(desc));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  return built.machine;
}
