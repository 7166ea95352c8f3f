// Where the doctor and diff commands take a run's events from: a saved session, a
// machine after a qtest script, or an --events JSON-lines file.
import { resolve } from 'node:path';
import { UsageError, type CliIo } from './cli-io';
import { loadMachineOption } from './machine-option';
import { readEventsFile } from './events-file';
import { runQtestScript } from '../qtest/run-script';
import { openSession } from '../session/session-file';
import type { EventColumns } from '../../src-shared/timeline/columns';

export type EventSource = { session: string } | { events: string } | { machine: string | true | undefined; script: string | undefined };
export type LoadedEvents = { ok: true; columns: EventColumns } | { ok: false; error: string };

/** One of --session, --events or --machine [--script], as the command line gave them. */
export function eventSourceOption(options: Map<string, string | true>): EventSource {
  const given = ['--session', '--events', '--machine'].filter((o) => options.has(o));
  if (given.length !== 1) throw new UsageError(`give exactly one of --session FILE, --machine FILE|PRESET [--script FILE], --events FILE${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}`);
  if (options.has('--script') && !options.has('--machine')) throw new UsageError('--script runs on --machine');
  const value = (name: string): string => {
    const v = options.get(name);
    if (typeof v !== 'string') throw new UsageError(`${name} needs a value`);
    return v;
  };
  if (options.has('--session')) return { session: value('--session') };
  if (options.has('--events')) return { events: value('--events') };
  const script = options.get('--script');
  return { machine: options.get('--machine'), script: typeof script === 'string' ? script : undefined };
}

/** The retained events of the source; a qtest script's replies go to stderr. */
export async function loadEvents(source: EventSource, io: CliIo): Promise<LoadedEvents> {
  if ('session' in source) {
    const opened = openSession(resolve(io.cwd, source.session));
    if (!opened.ok) return opened;
    const log = opened.target.events;
    return { ok: true, columns: log.slice(log.firstSeq, log.total) };
  }
  if ('events' in source) return readEventsFile(resolve(io.cwd, source.events));
  const target = loadMachineOption(source.machine, io.cwd, (l) => io.stderr.write(`${l}\n`));
  if (source.script !== undefined) await runQtestScript(target, source.script, io.cwd, io.stdin, io.stderr);
  const log = target.events;
  return { ok: true, columns: log.slice(log.firstSeq, log.total) };
}
