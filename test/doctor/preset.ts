// A preset machine from machines/, built as the CLI builds it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import type { Machine } from '../../src-main/machine/machine';

export function loadPreset(name: string): Machine {
  const built = loadMachineText(readFileSync(join(__dirname, '../../machines', `${name}.json`), 'utf8'));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  return built.machine;
}
