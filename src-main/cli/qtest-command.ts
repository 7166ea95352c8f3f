// `irqscope qtest --machine FILE [SCRIPT] [--socket PATH [--once] | --connect PATH] [--events FILE] [--max-firings N]`
import { createReadStream, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliCommand } from './cli-io';
import { UsageError, parseOptions } from './cli-io';
import { loadMachineOption } from './machine-option';
import { pumpLines } from '../qtest/line-pump';
import { connectQtest, listenQtest } from './qtest-sockets';
import { qtestTerminal } from './qtest-terminal';
import type { EventStream } from '../target/target';
import { DEFAULT_QTEST_FIRINGS } from '../operations/limits';
import { eventRecord } from '../../src-shared/timeline/event-record';

export const qtestCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, {
    '--machine': 'value',
    '--socket': 'value',
    '--connect': 'value',
    '--events': 'value',
    '--once': 'flag',
    '--max-firings': 'value',
  });
  if (positional.length > 1) throw new UsageError(`expected at most one script file, got ${positional.length}`);
  const maxFirings = firingLimit(options.get('--max-firings'));
  const target = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
  target.debugger.limits = { ...target.debugger.limits, advanceFirings: maxFirings, advanceFiringsHint: 'raise the limit with --max-firings N' };
  const script = positional[0];
  // A script file may hold comments and blank lines; over a socket or stdin every line gets one reply.
  const session = target.qtest({ replyToEveryLine: script === undefined || script === '-' });
  const socket = options.get('--socket');
  const peer = options.get('--connect');
  if ([socket, peer, script].filter((x) => x !== undefined).length > 1) throw new UsageError('a script file, --socket and --connect exclude each other');
  const terminal = qtestTerminal(io.stderr, 'irqscope qtest');
  try {
    if (typeof socket === 'string') {
      await listenQtest(session, resolve(io.cwd, socket), options.has('--once'), (l) => io.stderr.write(`${l}\n`), terminal.pump);
    } else if (typeof peer === 'string') {
      await connectQtest(session, resolve(io.cwd, peer), terminal.pump);
    } else {
      const input = script === undefined || script === '-' ? io.stdin : createReadStream(resolve(io.cwd, script));
      // Stopped by Ctrl+C, the input is not read to its end: let it go, or it holds the process.
      await pumpLines(session, input, io.stdout, terminal.pump).finally(() => input.destroy());
    }
  } finally {
    terminal.dispose();
  }
  const events = options.get('--events');
  if (typeof events === 'string') writeEventsFile(target.events, resolve(io.cwd, events));
  // Ctrl+C is how a server ends; a script or a harness's connection that it cut short ends as a shell's Ctrl+C does.
  return terminal.pump.signal.aborted && typeof socket !== 'string' ? INTERRUPTED : 0;
};

/** The exit status of a command that Ctrl+C cut short, as the shell gives one it killed (128 + SIGINT). */
const INTERRUPTED = 130;

function firingLimit(option: string | true | undefined): number {
  if (option === undefined) return DEFAULT_QTEST_FIRINGS;
  const n = typeof option === 'string' && /^[0-9]+$/.test(option) ? Number(option) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-firings takes a whole number of firings, at least 1, got '${String(option)}'`);
  return n;
}

/** JSON lines: a header with the log's counts, then one line per retained event. */
export function writeEventsFile(log: EventStream, path: string): void {
  const cols = log.slice(log.firstSeq, log.total);
  const lines = [JSON.stringify({ type: 'log', total: log.total, retained: log.retained, evicted: log.evicted, capacity: log.capacity })];
  for (let i = 0; i < cols.kind.length; i++) lines.push(JSON.stringify({ type: 'event', ...eventRecord(cols, i) }));
  writeFileSync(path, lines.join('\n') + '\n');
}
