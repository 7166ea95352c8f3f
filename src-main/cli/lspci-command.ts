// `irqscope lspci --machine FILE [-s BDF] [-D] [-v|-vv|-vvv] [-x|-xxx|-xxxx]`
import type { CliCommand } from './cli-io';
import { UsageError, parseOptions } from './cli-io';
import { loadMachineOption } from './machine-option';
import { printableDevice } from '../pci-tools/machine-pci-view';
import { installedPciIds } from '../pci-tools/pci-ids-file';
import { printLspciDevices, type LspciOptions } from '../../src-shared/pci-text/lspci-print';
import { formatBdf, parseBdf } from '../machine/pci/pci-bus';

const VERBOSE: Record<string, LspciOptions['verbose']> = { '-v': 1, '-vv': 2, '-vvv': 3 };
const HEX: Record<string, LspciOptions['hex']> = { '-x': 1, '-xx': 2, '-xxx': 3, '-xxxx': 4 };

export const lspciCommand: CliCommand = async (args, io) => {
  const opts: LspciOptions = { verbose: 0, hex: 0, ids: installedPciIds() };
  const rest: string[] = [];
  let domains = false;
  for (const arg of args) {
    if (arg in VERBOSE) opts.verbose = VERBOSE[arg]!;
    else if (arg in HEX) opts.hex = HEX[arg]!;
    else if (arg === '-D') domains = true;
    else rest.push(arg);
  }
  const { options, positional } = parseOptions(rest, { '--machine': 'value', '-s': 'value' });
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const machine = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
  let functions = machine.functions();
  const select = options.get('-s');
  if (typeof select === 'string') {
    const address = parseBdf(select);
    if (address === undefined) throw new UsageError(`-s ${select}: not a PCI address like 00:03.0 or 0001:00:03.0`);
    // As lspci's filter: an address without a domain matches that bus/dev.fn in every domain.
    const inDomain = select.split(':').length === 3;
    functions = functions.filter((fn) => (inDomain ? fn.address === address : fn.bdf === address));
    if (functions.length === 0) io.stderr.write(`irqscope lspci: no device at ${formatBdf(address, inDomain)}\n`);
  }
  // lspci prints domains once any function is outside domain 0000, listed or not (or with -D).
  const withDomain = domains || machine.functions().some((fn) => fn.domain !== 0);
  io.stdout.write(printLspciDevices(functions.map((fn) => printableDevice(machine, fn, withDomain)), opts));
  return 0;
};
