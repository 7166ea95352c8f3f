// `irqscope lspci --machine FILE [-s BDF] [-v|-vv|-vvv] [-x|-xxx|-xxxx]`
import type { CliCommand } from './cli-io';
import { UsageError, parseOptions } from './cli-io';
import { loadMachineOption } from './machine-option';
import { installedPciIds } from '../pci-tools/pci-ids-file';
import { printLspciDevices, type LspciOptions } from '../../src-shared/pci-text/lspci-print';
import { formatBdf, parseBdf } from '../../src-shared/pci-text/bdf';

const VERBOSE: Record<string, LspciOptions['verbose']> = { '-v': 1, '-vv': 2, '-vvv': 3 };
const HEX: Record<string, LspciOptions['hex']> = { '-x': 1, '-xx': 2, '-xxx': 3, '-xxxx': 4 };

export const lspciCommand: CliCommand = async (args, io) => {
  const opts: LspciOptions = { verbose: 0, hex: 0, ids: installedPciIds() };
  const rest: string[] = [];
  for (const arg of args) {
    if (arg in VERBOSE) opts.verbose = VERBOSE[arg]!;
    else if (arg in HEX) opts.hex = HEX[arg]!;
    else rest.push(arg);
  }
  const { options, positional } = parseOptions(rest, { '--machine': 'value', '-s': 'value' });
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const target = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
  let devices = target.printableDevices();
  const select = options.get('-s');
  if (typeof select === 'string') {
    const bdf = parseBdf(select);
    if (bdf === undefined) throw new UsageError(`-s ${select}: not a PCI address like 00:03.0`);
    devices = devices.filter((d) => d.bdf === formatBdf(bdf));
    if (devices.length === 0) io.stderr.write(`irqscope lspci: no device at ${formatBdf(bdf)}\n`);
  }
  io.stdout.write(printLspciDevices(devices, opts));
  return 0;
};
