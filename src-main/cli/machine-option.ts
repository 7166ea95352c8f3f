// Resolves `--machine FILE|PRESET` to a built Machine, printing warnings and errors.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadMachineText } from '../machine/machine-builder';
import type { Machine } from '../machine/machine';
import { UsageError } from './cli-io';

export const PRESET_DIR = join(__dirname, '..', '..', 'machines');

export function presetNames(): string[] {
  return ['virtio-net', 'e1000e', 'nvme'];
}

export function resolveMachinePath(spec: string, cwd: string): string {
  const direct = resolve(cwd, spec);
  if (existsSync(direct)) return direct;
  const preset = join(PRESET_DIR, `${spec}.json`);
  if (existsSync(preset)) return preset;
  throw new UsageError(`no machine file '${spec}' (and no preset of that name: ${presetNames().join(', ')})`);
}

export function loadMachineOption(spec: string | true | undefined, cwd: string, warn: (line: string) => void): Machine {
  if (typeof spec !== 'string') throw new UsageError('--machine FILE is required (a machine file or a preset name)');
  const path = resolveMachinePath(spec, cwd);
  const result = loadMachineText(readFileSync(path, 'utf8'));
  if (!result.ok) throw new UsageError(`${path}: invalid machine file:\n  ${result.errors.join('\n  ')}`);
  for (const w of result.warnings) warn(`warning: ${w}`);
  return result.machine;
}
