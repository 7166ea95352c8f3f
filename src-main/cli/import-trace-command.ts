// `irqscope import-trace LOG [-o MACHINE.json] [--script OUT.qtest]`
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliCommand } from './cli-io';
import { UsageError, parseOptions } from './cli-io';
import { importTrace, TraceImportError } from '../qemu/trace-import';

export const importTraceCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, { '-o': 'value', '--script': 'value' });
  if (positional.length !== 1) throw new UsageError('expected one trace log: irqscope import-trace LOG [-o MACHINE.json] [--script OUT.qtest]');
  const log = positional[0]!;
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, log), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${log}: ${(err as Error).message}`);
  }
  let imported;
  try {
    imported = importTrace(text);
  } catch (err) {
    if (err instanceof TraceImportError) {
      io.stderr.write(`irqscope import-trace: ${log}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const machineOut = options.get('-o');
  const scriptOut = options.get('--script');
  const machinePath = resolve(io.cwd, typeof machineOut === 'string' ? machineOut : `${log}.machine.json`);
  const scriptPath = resolve(io.cwd, typeof scriptOut === 'string' ? scriptOut : `${log}.qtest`);
  writeFileSync(machinePath, `${JSON.stringify(imported.description, null, 2)}\n`);
  writeFileSync(scriptPath, `${imported.script.join('\n')}\n`);
  io.stderr.write(
    `irqscope import-trace: ${imported.records} records, ${imported.deliveries} MSI-X deliveries, ${imported.divergences} divergences\n  machine: ${machinePath}\n  script:  ${scriptPath} (irqscope qtest --machine ${machinePath} ${scriptPath})\n`,
  );
  return 0;
};
