// `irqscope import FILE… [-o machine.json] [--bar-size INDEX=SIZE]… [--partial]`: lspci
// dumps (-xxx / -xxxx, with or without -vvv) and binary sysfs `config` files become a
// machine file whose devices have the dumped configuration space and MSI-X layout. A
// device that cannot be read is an error: nothing is written and the exit is 1, unless
// --partial asks for the machine without it.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliCommand } from './cli-io';
import { UsageError } from './cli-io';
import { DEFAULT_IO_BAR_SIZE, DEFAULT_MEMORY_BAR_SIZE } from '../../src-shared/pci-text/import';
import { parseNumberText } from '../../src-shared/machine-file/description';
import { buildImportedMachine, formatDumpMessage, importDumpFiles } from '../pci-tools/import-dumps';

export const USAGE = `usage: irqscope import FILE... [-o machine.json] [--bar-size INDEX=SIZE]... [--partial]
  FILE: lspci -xxx/-xxxx output (one device or a whole system), or a sysfs config file (256 or 4096 bytes)
  --bar-size: size of a BAR whose dump has no [size=...] (default ${DEFAULT_MEMORY_BAR_SIZE / 1024} KiB memory, ${DEFAULT_IO_BAR_SIZE} bytes I/O)
  --partial: when some device cannot be read, write the machine with the others (exit 0)`;

export const importCommand: CliCommand = async (args, io) => {
  const files: string[] = [];
  const barSizeDefaults: Record<number, number> = {};
  let output: string | undefined;
  let partial = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--partial') partial = true;
    else if (arg === '-o' || arg === '--output') {
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

  const dump = importDumpFiles(files.map((file) => ({ name: file, path: resolve(io.cwd, file), bytes: new Uint8Array(readFileSync(resolve(io.cwd, file))) })), { barSizeDefaults });
  for (const m of dump.messages) io.stderr.write(`${formatDumpMessage(m)}\n`);
  for (const w of dump.imported?.warnings ?? []) io.stderr.write(`warning: ${w}\n`);
  // What we write must load: check it the way `--machine` will.
  const built = buildImportedMachine(dump);
  if (!built.ok) {
    io.stderr.write(`irqscope import: ${built.problem}${built.details.map((d) => `\n  ${d}`).join('')}\n`);
    return 1;
  }
  const errors = dump.messages.filter((m) => m.level === 'error').length;
  if (errors > 0 && !partial) {
    io.stderr.write(`irqscope import: ${errors} error${errors === 1 ? '' : 's'} above: nothing written (--partial writes the machine without what could not be read)\n`);
    return 1;
  }
  const { description } = built.imported;
  const json = JSON.stringify(description, null, 2) + '\n';
  if (output === undefined) io.stdout.write(json);
  else writeFileSync(resolve(io.cwd, output), json);
  io.stderr.write(`imported ${description.devices?.length ?? 0} device(s)${dump.unreadable ? ' (some input could not be read)' : ''}\n`);
  return 0;
};
