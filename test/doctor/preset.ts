// A preset machine from machines/, built as the CLI builds it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import type { Machine } from '../../src-main/machine/machine';

/** `small`: 64 KiB of RAM and a log of 4096 events instead of 128 MiB and 1 M, for tests that build many machines. */
export function loadPreset(name: string, small = false): Machine {
  const desc = JSON.parse(readFileSync(join(__dirname, '../../machines', `${name}.json`), 'utf8')) as { ram: { size: string | number }[]; eventLogCapacity?: number };
  if (small) {
    desc.ram.forEach((r) => (r.size = 0x10000));
    desc.eventLogCapacity = 1 << 12;
  }
  const built = loadMachineText(JSON.stringify(desc));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  return built.machine;
}
