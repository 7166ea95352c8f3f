// `irqscope session save OUT --machine FILE|PRESET [--script FILE|-]`
// `irqscope session open IN [--script FILE|-] [--save OUT]`
// `irqscope session info IN [--json]`
// `irqscope session state IN --at SEQ [--device BDF] [--json]`
// save builds a machine, runs a qtest script on it and saves the session; open
// restores one, optionally runs more qtest lines and saves again; info summarizes a
// file without opening it; state prints the devices as they were right after event
// SEQ (rebuilt by replaying the session's events). qtest replies go to stdout, notes to stderr.
import { resolve } from 'node:path';
import { UsageError, parseOptions, type CliCommand, type CliIo } from './cli-io';
import { loadMachineOption } from './machine-option';
import { runQtestScript } from '../qtest/run-script';
import type { Target } from '../target/target';
import { openSession, readSessionInfo, saveSession } from '../session/session-file';
import { formatBdf, parseBdf } from '../../src-shared/pci-text/bdf';
import type { SessionInfo } from '../../src-shared/session/session-header';
import { messageAddressHi, messageAddressLo, messageData, pendingBit, vectorControl } from '../../src-shared/registers/msix-entry';

export const USAGE =
  'usage: irqscope session save OUT --machine FILE|PRESET [--script FILE|-] | open IN [--script FILE|-] [--save OUT] | info IN [--json] | state IN --at SEQ [--device BDF] [--json]';

export const sessionCommand: CliCommand = async (args, io) => {
  const [action, ...rest] = args;
  switch (action) {
    case 'save':
      return save(rest, io);
    case 'open':
      return open(rest, io);
    case 'info':
      return info(rest, io);
    case 'state':
      return state(rest, io);
    default:
      throw new UsageError(`${action === undefined ? 'expected save, open, info or state' : `unknown action '${action}'`} (${USAGE})`);
  }
};

function onePath(positional: string[], what: string, io: CliIo): string {
  if (positional.length !== 1) throw new UsageError(`expected one ${what} file, got ${positional.length} (${USAGE})`);
  return resolve(io.cwd, positional[0]!);
}

async function save(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseOptions(args, { '--machine': 'value', '--script': 'value' });
  const out = onePath(positional, 'output', io);
  const target = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
  const script = options.get('--script');
  if (typeof script === 'string') await runQtestScript(target, script, io.cwd, io.stdin, io.stdout);
  return writeSession(target, out, io);
}

async function open(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseOptions(args, { '--script': 'value', '--save': 'value' });
  const path = onePath(positional, 'session', io);
  const opened = openSession(path);
  if (!opened.ok) {
    io.stderr.write(`irqscope session: ${opened.error}\n`);
    return 1;
  }
  const target = opened.target;
  const script = options.get('--script');
  if (typeof script === 'string') await runQtestScript(target, script, io.cwd, io.stdin, io.stdout);
  const saveTo = options.get('--save');
  if (typeof saveTo === 'string') return writeSession(target, resolve(io.cwd, saveTo), io);
  io.stderr.write(`${statusLine(target)}\n`);
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

function state(args: string[], io: CliIo): number {
  const { options, positional } = parseOptions(args, { '--at': 'value', '--device': 'value', '--json': 'flag' });
  const path = onePath(positional, 'session', io);
  const atText = options.get('--at');
  const seq = typeof atText === 'string' && /^\d+$/.test(atText) ? Number(atText) : NaN;
  if (!Number.isSafeInteger(seq)) throw new UsageError(`--at takes an event's sequence number (a whole number)${typeof atText === 'string' ? `, not '${atText}'` : ''}`);
  const deviceText = options.get('--device');
  const bdf = typeof deviceText === 'string' ? parseBdf(deviceText) : undefined;
  if (typeof deviceText === 'string' && bdf === undefined) throw new UsageError(`--device takes a bus:device.function such as 00:03.0, not '${deviceText}'`);
  const opened = openSession(path);
  if (!opened.ok) {
    io.stderr.write(`irqscope session: ${opened.error}\n`);
    return 1;
  }
  if (bdf !== undefined && !opened.target.hasDevice(bdf)) {
    io.stderr.write(`irqscope session: no device ${deviceText} in ${path}\n`);
    return 1;
  }
  const at = opened.target.at(seq);
  if (!at.ok) {
    io.stderr.write(`irqscope session: ${at.error}\n`);
    return 1;
  }
  const view = at.value;
  const devices = view.deviceStates(bdf);
  const interrupts = view.interruptCounts().rows;
  if (options.has('--json')) {
    io.stdout.write(`${JSON.stringify({ seq, timeNs: view.timeNs, devices, interrupts }, null, 2)}\n`);
    return 0;
  }
  const hx = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  const lines = [`state right after #${seq} (t = ${view.timeNs} ns)`];
  for (const d of devices) {
    lines.push(`${d.bdf} ${d.name}: Command ${hx(d.command, 4)} Status ${hx(d.status, 4)}${d.messageControl === null ? '' : ` MSI-X Message Control ${hx(d.messageControl, 4)}`}`);
    for (let v = 0; v < d.useCount.length; v++) {
      const t = d.table;
      const pending = pendingBit(d.pba, v) ? 1 : 0;
      lines.push(
        `  vector ${v}: addr ${hx(messageAddressHi(t, v), 8)}:${hx(messageAddressLo(t, v), 8)} data ${hx(messageData(t, v), 8)} ctrl ${hx(vectorControl(t, v), 8)} pending ${pending} use ${d.useCount[v]} delivered ${d.delivered[v]}`,
      );
    }
  }
  for (const row of interrupts) lines.push(`interrupts ${row.label}: ${row.perCpu.map((n, cpu) => `CPU${cpu}=${n}`).join(' ')}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function writeSession(target: Target, path: string, io: CliIo): number {
  const bytes = saveSession(target, path);
  io.stderr.write(`saved ${path} (${bytes} bytes): ${statusLine(target)}\n`);
  return 0;
}

function statusLine(target: Target): string {
  const log = target.events;
  const paused = target.debugger.paused ? ', paused' : '';
  return `time ${target.timeNs} ns, ${log.total} events (${log.retained} kept), ${target.debugger.list().length} breakpoints${paused}`;
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
