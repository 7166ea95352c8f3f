// Resolves `--machine FILE|PRESET` to a built Machine, printing warnings and errors.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openMachineText } from '../target/simulated/open-simulated';
import type { Target } from '../target/target';
import { folderPresets } from '../host/presets';
import { UsageError } from './cli-io';

export const PRESETS_DIR = join(__dirname, '..', '..', 'machines');
const presets = folderPresets(PRESETS_DIR);

/** The machine file's text and a name for messages: a path first, else a preset's name. */
export function readMachineSpec(spec: string, cwd: string): { text: string; fileName: string } {
  const path = resolve(cwd, spec);
  if (existsSync(path)) return { text: readFileSync(path, 'utf8'), fileName: spec };
  const preset = presets.read(spec);
  if (preset !== undefined) return { text: preset, fileName: `preset ${spec}` };
  const names = presets.list().map((p) => p.name);
  throw new UsageError(`no machine file '${spec}' (and no preset of that name: ${names.join(', ')})`);
}

export function loadMachineOption(spec: string | true | undefined, cwd: string, warn: (line: string) => void): Target {
  if (typeof spec !== 'string') throw new UsageError('--machine FILE is required (a machine file or a preset name)');
  const { text, fileName } = readMachineSpec(spec, cwd);
  const result = openMachineText(text);
  if (!result.ok) throw new UsageError(`${fileName}: invalid machine file:\n  ${result.errors.join('\n  ')}`);
  for (const w of result.warnings) warn(`warning: ${w}`);
  return result.target;
}
