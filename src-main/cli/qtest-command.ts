// `irqscope qtest --machine FILE [SCRIPT] [--socket PATH [--once]] [--events FILE]`
import { createReadStream, writeFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { CliCommand } from './cli-io';
import { UsageError, parseOptions } from './cli-io';
import { loadMachineOption } from './machine-option';
import { QtestSession } from '../qtest/qtest-session';
import { pumpLines } from '../qtest/line-pump';
import type { Machine } from '../machine/machine';
import { eventRecord } from '../../src-shared/timeline/event-record';

export const qtestCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, { '--machine': 'value', '--socket': 'value', '--events': 'value', '--once': 'flag', '--max-firings': 'value' });
  if (positional.length > 1) throw new UsageError(`expected at most one script file, got ${positional.length}`);
  const maxFirings = firingLimit(options.get('--max-firings'));
  const machine = loadMachineOption(options.get('--machine'), io.cwd, (l) => io.stderr.write(`${l}\n`));
  machine.debugger.limits = { ...machine.debugger.limits, advanceFirings: maxFirings, advanceFiringsHint: 'raise the limit with --max-firings N' };
  const session = new QtestSession(machine);
  const socket = options.get('--socket');
  if (typeof socket === 'string') {
    if (positional.length > 0) throw new UsageError('a script file and --socket exclude each other');
    await serve(session, resolve(io.cwd, socket), options.has('--once'), (l) => io.stderr.write(`${l}\n`));
  } else {
    const script = positional[0];
    const input = script === undefined || script === '-' ? io.stdin : createReadStream(resolve(io.cwd, script));
    await pumpLines(session, input, io.stdout);
  }
  const events = options.get('--events');
  if (typeof events === 'string') writeEventsFile(machine, resolve(io.cwd, events));
  return 0;
};

/**
 * Interval-source firings one clock_step may run (each is a notify, about 50 ns): a step
 * that would run longer than about a second is refused, naming --max-firings.
 */
export const DEFAULT_QTEST_FIRINGS = 20_000_000;

function firingLimit(option: string | true | undefined): number {
  if (option === undefined) return DEFAULT_QTEST_FIRINGS;
  const n = typeof option === 'string' && /^[0-9]+$/.test(option) ? Number(option) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-firings takes a whole number of firings, at least 1, got '${String(option)}'`);
  return n;
}

/** Serves clients one after another until SIGINT/SIGTERM, or after the first with --once. */
function serve(session: QtestSession, path: string, once: boolean, say: (line: string) => void): Promise<void> {
  if (existsSync(path)) rmSync(path);
  return new Promise((done, fail) => {
    let server: Server | undefined = undefined;
    const clients = new Set<Socket>();
    const stop = (): void => {
      for (const conn of clients) conn.destroy();
      server?.close();
      if (existsSync(path)) rmSync(path);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    server = createServer((conn) => {
      clients.add(conn);
      conn.on('close', () => clients.delete(conn));
      // A client reset mid-reply is that client's end, not the server's.
      conn.on('error', () => conn.destroy());
      pumpLines(session, conn, conn).then(
        () => {
          conn.end();
          if (once) stop();
        },
        () => conn.destroy(),
      );
    });
    server.on('error', fail);
    server.listen(path, () => say(`irqscope qtest: listening on ${path}`));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** JSON lines: a header with the log's counts, then one line per retained event. */
export function writeEventsFile(machine: Machine, path: string): void {
  const log = machine.log;
  const cols = log.slice(log.firstSeq, log.total);
  const lines = [JSON.stringify({ type: 'log', total: log.total, retained: log.retained, evicted: log.evicted, capacity: log.capacity })];
  for (let i = 0; i < cols.kind.length; i++) lines.push(JSON.stringify({ type: 'event', ...eventRecord(cols, i) }));
  writeFileSync(path, lines.join('\n') + '\n');
}
