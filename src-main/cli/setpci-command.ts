// `irqscope setpci --machine FILE [setpci arguments…]`: pciutils' setpci against a
// simulated machine, with setpci's syntax, register names and messages.
import type { CliCommand } from './cli-io';
import { UsageError } from './cli-io';
import { loadMachineOption } from './machine-option';
import { runSetpci } from '../../src-shared/pci-text/setpci';

export const setpciCommand: CliCommand = async (args, io) => {
  const at = args.findIndex((a) => a === '--machine' || a.startsWith('--machine='));
  if (at < 0) throw new UsageError('--machine FILE is required (a machine file or a preset name)');
  const spec = args[at]!.includes('=') ? args[at]!.slice('--machine='.length) : args[at + 1];
  const rest = args.filter((_, i) => i !== at && (i !== at + 1 || args[at]!.includes('=')));
  const target = loadMachineOption(spec, io.cwd, (l) => io.stderr.write(`${l}\n`));
  const result = runSetpci(rest, target.configAccessor());
  for (const line of result.output) io.stdout.write(`${line}\n`);
  for (const line of result.errors) io.stderr.write(`${line}\n`);
  return result.exitCode;
};
