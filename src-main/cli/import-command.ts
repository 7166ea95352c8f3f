// `irqscope import FILE… [-o machine.json] [--bar-size INDEX=SIZE]…`: lspci dumps
// (-xxx / -xxxx, with or without -vvv) and binary sysfs `config` files become a
// machine file whose devices have the dumped configuration space and MSI-X layout.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { CliCommand } from './cli-io';
import { UsageError } from './cli-io';
import { parseLspciText, parseSysfsConfig, type LspciDevice } from '../../src-shared/pci-text/lspci-dump';
import { DEFAULT_IO_BAR_SIZE, DEFAULT_MEMORY_BAR_SIZE, importDevices } from '../../src-shared/pci-text/import';
import { parseNumberText } from '../../src-shared/machine-file/description';
import { buildMachine } from '../machine/machine-builder';
import { parseMachineDescription } from '../../src-shared/machine-file/description';

export const USAGE = `usage: irqscope import FILE... [-o machine.json] [--bar-size INDEX=SIZE]...
  FILE: lspci -xxx/-xxxx output (one device or a whole system), or a sysfs config file (256 or 4096 bytes)
  --bar-size: size of a BAR whose dump has no [size=...] (default ${DEFAULT_MEMORY_BAR_SIZE / 1024} KiB memory, ${DEFAULT_IO_BAR_SIZE} bytes I/O)`;

/** A file is a sysfs config image when it has a config space's length and is not text. */
function isBinaryConfig(bytes: Uint8Array): boolean {
  if (bytes.length !== 256 && bytes.length !== 4096) return false;
  return bytes.some((b) => (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b > 0x7e);
}

/** `/sys/bus/pci/devices/0000:03:00.0/config` names its device. */
function bdfFromPath(path: string, index: number): string {
  const m = /^(?:[0-9a-f]{4}:)?([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])$/i.exec(basename(dirname(path)));
  return m ? m[1]! : `00:${(index + 1).toString(16).padStart(2, '0')}.0`;
}

export const importCommand: CliCommand = async (args, io) => {
  const files: string[] = [];
  const barSizeDefaults: Record<number, number> = {};
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-o' || arg === '--output') {
      output = args[++i];
      if (output === undefined) throw new UsageError(`${arg} needs a file name`);
    } else if (arg === '--bar-size') {
      const spec = args[++i] ?? '';
      const m = /^([0-5])=(\S+)$/.exec(spec);
      const size = m ? parseNumberText(m[2]!) : undefined;
      if (!m || size === undefined || size <= 0) throw new UsageError(`--bar-size '${spec}': expected INDEX=SIZE, e.g. 2=0x4000`);
      barSizeDefaults[Number(m[1])] = size;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError(`no input files\n${USAGE}`);

  const devices: LspciDevice[] = [];
  let failed = false;
  files.forEach((file, i) => {
    const path = resolve(io.cwd, file);
    const bytes = new Uint8Array(readFileSync(path));
    const parsed = isBinaryConfig(bytes) ? parseSysfsConfig(bytes, bdfFromPath(path, i)) : parseLspciText(new TextDecoder().decode(bytes));
    for (const w of parsed.warnings) io.stderr.write(`${file}: warning: ${w}\n`);
    for (const e of parsed.errors) io.stderr.write(`${file}: error: ${e}\n`);
    if (parsed.errors.length > 0 && parsed.devices.length === 0) failed = true;
    devices.push(...parsed.devices);
  });
  if (devices.length === 0) {
    io.stderr.write('irqscope import: no device could be read\n');
    return 1;
  }
  const { description, warnings } = importDevices(devices, { barSizeDefaults });
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  // What we write must load: check it the way `--machine` will.
  const parsed = parseMachineDescription(description);
  const built = parsed.ok ? buildMachine(parsed.value) : parsed;
  if (!built.ok) {
    io.stderr.write(`irqscope import: the imported machine does not load:\n  ${built.errors.join('\n  ')}\n`);
    return 1;
  }
  const json = JSON.stringify(description, null, 2) + '\n';
  if (output === undefined) io.stdout.write(json);
  else writeFileSync(resolve(io.cwd, output), json);
  io.stderr.write(`imported ${description.devices?.length ?? 0} device(s)${failed ? ' (some input could not be read)' : ''}\n`);
  return failed ? 1 : 0;
};
