// `irqscope qtest --machine FILE [SCRIPT] [--socket PATH [--once] | --connect PATH] [--events FILE]`
import { createReadStream, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliCommand } from './cli-io';
import { UsageError, parseOptions } from './cli-io';
import { loadMachineOption } from './machine-option';
import { QtestSession } from '../qtest/qtest-session';
import { pumpLines } from '../qtest/line-pump';
import { connectQtest, listenQtest } from './qtest-sockets';
import type { Machine } from '../machine/machine';
import { eventRecord } from '../../src-shared/timeline/event-record';

export const qtestCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, { '--machine': 'value', '--socket': 'value', '--connect': 'value', '--events': 'value', '--once': 'flag' });
  if (positional.length > 1) throw new UsageError(`expected at most one script file, got ${positional.length}`);
  const machine = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
  const script = positional[0];
  // A script file may hold comments and blank lines; over a socket or stdin every line gets one reply.
  const session = new QtestSession(machine, { replyToEveryLine: script === undefined || script === '-' });
  const socket = options.get('--socket');
  const peer = options.get('--connect');
  if ([socket, peer, script].filter((x) => x !== undefined).length > 1) throw new UsageError('a script file, --socket and --connect exclude each other');
  if (typeof socket === 'string') {
    await listenQtest(session, resolve(io.cwd, socket), options.has('--once'), (l) => io.stderr.write(`${l}\n`));
  } else if (typeof peer === 'string') {
    await connectQtest(session, resolve(io.cwd, peer));
  } else {
    const input = script === undefined || script === '-' ? io.stdin : createReadStream(resolve(io.cwd, script));
    await pumpLines(session, input, io.stdout);
  }
  const events = options.get('--events');
  if (typeof events === 'string') writeEventsFile(machine, resolve(io.cwd, events));
  return 0;
};

/** JSON lines: a header with the log's counts, then one line per retained event. */
export function writeEventsFile(machine: Machine, path: string): void {
  const log = machine.log;
  const cols = log.slice(log.firstSeq, log.total);
  const lines = [JSON.stringify({ type: 'log', total: log.total, retained: log.retained, evicted: log.evicted, capacity: log.capacity })];
  for (let i = 0; i < cols.kind.length; i++) lines.push(JSON.stringify({ type: 'event', ...eventRecord(cols, i) }));
  writeFileSync(path, lines.join('\n') + '\n');
}
