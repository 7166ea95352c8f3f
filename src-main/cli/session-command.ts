// `irqscope session save OUT --machine FILE|PRESET [--script FILE|-]`
// `irqscope session open IN [--script FILE|-] [--save OUT]`
// `irqscope session info IN [--json]`
// save builds a machine, runs a qtest script on it and saves the session; open
// restores one, optionally runs more qtest lines and saves again; info summarizes a
// file without opening it. qtest replies go to stdout, notes to stderr.
import { resolve } from 'node:path';
import { UsageError, parseOptions, type CliCommand, type CliIo } from './cli-io';
import { loadMachineOption } from './machine-option';
import { runQtestScript } from '../qtest/run-script';
import type { Machine } from '../machine/machine';
import { openSession, readSessionInfo, saveSession } from '../session/session-file';
import { formatBdf } from '../machine/pci/pci-bus';
import type { SessionInfo } from '../../src-shared/session/session-header';

export const USAGE = 'usage: irqscope session save OUT --machine FILE|PRESET [--script FILE|-] | open IN [--script FILE|-] [--save OUT] | info IN [--json]';

export const sessionCommand: CliCommand = async (args, io) => {
  const [action, ...rest] = args;
  switch (action) {
    case 'save':
      return save(rest, io);
    case 'open':
      return open(rest, io);
    case 'info':
      return info(rest, io);
    default:
      throw new UsageError(`${action === undefined ? 'expected save, open or info' : `unknown action '${action}'`} (${USAGE})`);
  }
};

function onePath(positional: string[], what: string, io: CliIo): string {
  if (positional.length !== 1) throw new UsageError(`expected one ${what} file, got ${positional.length} (${USAGE})`);
  return resolve(io.cwd, positional[0]!);
}

async function save(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseOptions(args, { '--machine': 'value', '--script': 'value' });
  const out = onePath(positional, 'output', io);
  const machine = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
  const script = options.get('--script');
  if (typeof script === 'string') await runQtestScript(machine, script, io.cwd, io.stdin, io.stdout);
  return writeSession(machine, out, io);
}

async function open(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseOptions(args, { '--script': 'value', '--save': 'value' });
  const path = onePath(positional, 'session', io);
  const opened = openSession(path);
  if (!opened.ok) {
    io.stderr.write(`irqscope session: ${opened.error}\n`);
    return 1;
  }
  const machine = opened.machine;
  const script = options.get('--script');
  if (typeof script === 'string') await runQtestScript(machine, script, io.cwd, io.stdin, io.stdout);
  const target = options.get('--save');
  if (typeof target === 'string') return writeSession(machine, resolve(io.cwd, target), io);
  io.stderr.write(`${statusLine(machine)}\n`);
  return 0;
}

function info(args: string[], io: CliIo): number {
  const { options, positional } = parseOptions(args, { '--json': 'flag' });
  const r = readSessionInfo(onePath(positional, 'session', io));
  if (!r.ok) {
    io.stderr.write(`irqscope session: ${r.error}\n`);
    return 1;
  }
  io.stdout.write(options.has('--json') ? `${JSON.stringify(r.info, null, 2)}\n` : describe(r.info));
  return 0;
}

function writeSession(machine: Machine, path: string, io: CliIo): number {
  const bytes = saveSession(machine, path);
  io.stderr.write(`saved ${path} (${bytes} bytes): ${statusLine(machine)}\n`);
  return 0;
}

function statusLine(machine: Machine): string {
  const log = machine.log;
  const paused = machine.debugger.paused ? ', paused' : '';
  return `time ${machine.clock.now} ns, ${log.total} events (${log.retained} kept), ${machine.debugger.list().length} breakpoints${paused}`;
}

function describe(i: SessionInfo): string {
  const lines = [
    `session format ${i.version}, saved ${i.savedAt} by ${i.generator}, ${i.fileBytes} bytes`,
    `machine: ${i.machineName ?? '(unnamed)'}`,
    ...i.devices.map((d) => `  ${formatBdf(d.bdf)} ${d.name}${d.msixVectors === null ? '' : `, ${d.msixVectors} MSI-X vectors`}`),
    `time: ${i.timeNs} ns`,
    `events: ${i.events.total} logged, ${i.events.retained} kept, ${i.events.evicted} overwritten`,
    `breakpoints: ${i.breakpoints}${i.paused ? ' (paused)' : ''}`,
    `RAM: ${i.ramPagesSaved} non-zero 4 KiB pages saved`,
  ];
  return `${lines.join('\n')}\n`;
}
